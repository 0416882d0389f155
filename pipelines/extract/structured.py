"""What a page declares in machine-readable form: JSON-LD, microdata and ``<meta>`` tags.

Each reader returns :class:`Declared` values, raw (strings and string lists); choosing
between sources and normalising is :mod:`.metadata`'s job.  Everything is bounded:
JSON-LD blobs by size and node count, lists by length.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from pipelines.extract.selectors import ARTICLE_LD_TYPES
from pipelines.extract.tree import squash

MAX_LD_CHARS = 500_000  # bigger JSON-LD blobs are skipped: cost, not content
MAX_LD_NODES = 2_000
MAX_ITEMS = 20  # authors, tags, images per source
MAX_MICRODATA = 200  # itemprop elements looked at
MAX_SCOPE_DEPTH = 60  # ancestors walked to find the item an author belongs to
MAX_SCRIPT_STATE_CHARS = 2_000_000  # script source read for a publication key, in all
# A publication key in a script's state ("publishedDate":"2016-11-04T20:37:27Z"): pages rendered in the browser.
_STATE_PUBLISHED = re.compile(
    r"[\"']?(?:datePublished|publishedDate|publishDate|published_at|publishedAt|publication_date|date_published|"
    r"firstPublished)[\"']?\s{0,3}[:=]\s{0,3}[\"']([^\"'<>]{8,40})[\"']"
)
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]", smart_strings=False)
# Types that name the site rather than the story.
_SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization", "corporation", "localbusiness"})
_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "aboutpage", "profilepage", "searchresultspage"})


@dataclass
class Declared:
    """Raw values one kind of evidence gives, by field name (``title``, ``published``, ...)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                text = squash(html.unescape(str(item)) if isinstance(item, str) and "&" in item else str(item))
                if text and len(self.values.setdefault(name, [])) < MAX_ITEMS:
                    self.values[name].append(text)

    def first(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])


def visible_text(el: etree._Element, joiner: str = "") -> str:
    """Text of ``el`` without script or style source (metadata is read before they are dropped)."""
    return squash(joiner.join(_VISIBLE_TEXT(el)))


def visible_lines(el: etree._Element, limit: int) -> str | None:
    """Like :func:`visible_text`, one text node a line; None as soon as it exceeds ``limit`` characters."""
    lines: list[str] = []
    size = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            text = node.text if isinstance(node.tag, str) and node.tag not in ("script", "style") else None
        else:
            text = node.tail if node is not el else None
        if text and text.strip():
            size += len(text)
            if size > limit:
                return None
            lines.append(text.strip())
    return "\n".join(lines)


def _kinds(item: dict[str, Any]) -> set[str]:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _ld_nodes(root: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, flattened out of lists and ``@graph``, in page order."""
    found: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > MAX_LD_CHARS:
            continue
        try:
            data: Any = json.loads(raw.removeprefix("<![CDATA[").removesuffix("]]>").rstrip().rstrip(";"))
        except (ValueError, RecursionError):  # malformed, or nested deeper than json can follow
            continue
        pending, seen = [data], 0
        while pending and seen < MAX_LD_NODES:
            item = pending.pop(0)
            seen += 1
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    pending.extend(item["@graph"])
    return found


def _names(value: Any, people_only: bool = False) -> list[str]:
    """Names from a schema.org value: a string, a Person/Organization, or a list of those."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:MAX_ITEMS]:
        if people_only and isinstance(item, dict) and _kinds(item) & _SITE_TYPES:
            continue
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, list):  # "name": ["A"]
                item = next((n for n in item if isinstance(n, str)), None)
        if isinstance(item, str):
            names.append(item)
    return names


def _urls(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items[:MAX_ITEMS]:
        if isinstance(item, dict):
            item = item.get("url") or item.get("contentUrl") or item.get("@id")
        if isinstance(item, str):
            urls.append(item)
    return urls


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def read_json_ld(root: etree._Element) -> Declared:
    """The story's JSON-LD: the first article-typed object, else the page object; the site's name."""
    nodes = _ld_nodes(root)
    articles = [n for n in nodes if _kinds(n) & (ARTICLE_LD_TYPES - _PAGE_TYPES)]
    pages = [n for n in nodes if _kinds(n) & _PAGE_TYPES]
    out = Declared()
    story = articles[0] if articles else (pages[0] if pages else None)
    if story is not None:
        out.add("title", story.get("headline") or story.get("name"))
        author = story.get("author") or story.get("creator")
        out.add("authors", _names(author, people_only=True))
        out.add("organisations", _names(author))  # an organisation as author: used only when no byline names a person
        out.add("published", story.get("datePublished") or story.get("dateCreated") or story.get("uploadDate"))
        out.add("modified", story.get("dateModified"))
        out.add("section", story.get("articleSection"))
        out.add("tags", _keywords(story.get("keywords")))
        out.add("description", story.get("description"))
        out.add("image_url", _urls(story.get("image") or story.get("thumbnailUrl")))
        out.add("language", story.get("inLanguage"))
        publisher = story.get("publisher")
        out.add("site_name", _names(publisher)[:1])
    for node in nodes:
        if _kinds(node) & {"website"}:
            out.add("site_name", node.get("name"))
    # Pages with only a WebPage object still often date it, and so do other creative works (HowTo, Recipe).
    if not out.first("published"):
        for node in pages + [n for n in nodes if not _kinds(n) & (_SITE_TYPES | _PAGE_TYPES)]:
            out.add("published", node.get("datePublished"))
    return out


def _itemprop_value(el: etree._Element) -> str:
    for attr in ("content", "datetime", "href", "src"):
        value = el.get(attr)
        if value and value.strip():
            return str(value).strip()
    title = el.get("title")
    if el.tag == "abbr" and title and title.strip():  # hAtom's <abbr title="2017-09-09T10:52:00+02:00">10:52</abbr>
        return str(title).strip()
    return visible_text(el)


def _credits_story(el: etree._Element, scope: etree._Element) -> bool:
    """Whether an ``itemprop="author"`` belongs to the story, not to a comment or a related story's item:
    its nearest enclosing item is the article item, a page-wide item or none."""
    node = el.getparent()
    for _ in range(MAX_SCOPE_DEPTH):
        if node is None:
            return True
        if node is scope:
            return True
        if node.get("itemscope") is not None:
            kind = str(node.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1].lower()
            return kind in _PAGE_TYPES
        node = node.getparent()
    return False


def read_microdata(root: etree._Element) -> Declared:
    """schema.org microdata (``itemprop``) of the first article-typed item, or of the page when there is none."""
    out = Declared()
    scope: etree._Element = root
    for item in root.iterfind(".//*[@itemscope][@itemtype]"):
        kind = str(item.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1].lower()
        if kind in ARTICLE_LD_TYPES - _PAGE_TYPES:
            scope = item
            break
    elements = list(scope.iterfind(".//*[@itemprop]"))[:MAX_MICRODATA]
    if scope is not root:  # properties the page put outside its article item still describe it, after those inside
        elements += list(root.iterfind(".//*[@itemprop]"))[:MAX_MICRODATA]
    for el in elements:
        for prop in str(el.get("itemprop")).split():
            if prop in ("author", "creator") and _credits_story(el, scope):
                named = el.find(".//*[@itemprop='name']")
                out.add("authors", _itemprop_value(named if named is not None else el))
            elif prop == "headline":
                out.add("title", _itemprop_value(el))
            elif prop in ("datePublished", "dateCreated"):
                out.add("published", _itemprop_value(el))
            elif prop == "dateModified":
                out.add("modified", _itemprop_value(el))
            elif prop == "articleSection":
                out.add("section", _itemprop_value(el))
            elif prop == "keywords":
                out.add("tags", _keywords(_itemprop_value(el)))
            elif prop == "description" and el.tag == "meta":
                out.add("description", _itemprop_value(el))
            elif prop == "image":
                out.add("image_url", _itemprop_value(el))
    return out


def meta_tags(root: etree._Element) -> dict[str, list[str]]:
    """``<meta>`` values by lower-cased name/property, every value kept in page order."""
    found: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            values = found.setdefault(key.strip().lower(), [])
            if len(values) < MAX_ITEMS:
                values.append(squash(content))
    return found


def script_state_published(root: etree._Element) -> list[str]:
    """Raw values of publication keys in the page's scripts other than JSON-LD (read by :func:`read_json_ld`),
    in page order: the state an app renders its date from."""
    found: list[str] = []
    budget = MAX_SCRIPT_STATE_CHARS
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            continue
        source = script.text or ""
        if not source or budget <= 0:
            continue
        source = source[:budget]
        budget -= len(source)
        found += [m.group(1) for m in itertools.islice(_STATE_PUBLISHED.finditer(source), MAX_ITEMS - len(found))]
        if len(found) >= MAX_ITEMS:
            break
    return found
