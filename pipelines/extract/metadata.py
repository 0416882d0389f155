"""Page metadata: title, date, author, language and canonical URL.

Read from meta tags, JSON-LD and <time>/<h1>, before the tree is cleaned.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from pipelines.extract.selectors import (
    ARTICLE_LD_TYPES,
    AUTHOR_META,
    CANONICAL_META,
    LANGUAGE_META,
    PUBLISHED_META,
    TITLE_META,
)
from pipelines.extract.tree import squash

MAX_LD_CHARS = 500_000  # bigger JSON-LD blobs are skipped: cost, not content
MAX_LD_NODES = 2_000
MAX_AUTHORS = 10
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]", smart_strings=False)
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_].*)?$", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[|\-–—:·»]\s+[^|\-–—:·»]{2,60}$")


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself."""

    title: str = ""
    document_title: str = ""  # the raw <title>, which error pages label even when og:title is absent
    published: str | None = None
    author: str | None = None
    language: str | None = None
    canonical_url: str | None = None


def _meta_map(root: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _ld_objects(root: etree._Element) -> list[dict[str, Any]]:
    """Article-typed JSON-LD objects, flattened out of lists and @graph."""
    found: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        if len(raw) > MAX_LD_CHARS:
            continue
        try:
            data: Any = json.loads(raw)
        except (ValueError, RecursionError):  # malformed, or nested deeper than json can follow
            continue
        pending, seen = [data], 0
        while pending and seen < MAX_LD_NODES:
            item = pending.pop()
            seen += 1
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and k.lower() in ARTICLE_LD_TYPES for k in kinds):
                    found.append(item)
                if isinstance(item.get("@graph"), list):
                    pending.extend(item["@graph"])
    # Article types before generic WebPage.
    found.sort(key=lambda obj: str(obj.get("@type")).lower() == "webpage")
    return found


def _names(value: Any) -> list[str]:
    """Author names from a JSON-LD author value: a string, a Person, or a list of those."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:MAX_AUTHORS]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str):
            names.append(item)
    return names


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[k] for k in keys if k in meta), None)


def _published(root: etree._Element, meta: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        value = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(value, str) and value.strip():
            return value.strip()
    found = _first(meta, PUBLISHED_META)
    if found:
        return found
    for el in root.iter("time"):
        stamp = str(el.get("datetime") or "").strip()
        if stamp:
            return stamp
    return None


def _author(root: etree._Element, meta: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        names = [squash(n) for n in _names(obj.get("author")) if n.strip()]
        if names:
            return ", ".join(dict.fromkeys(names))
    found = _first(meta, AUTHOR_META)
    if found and not found.startswith(("http://", "https://")):
        return squash(found)
    for el in root.iterfind(".//a[@rel='author']"):
        text = _visible_text(el)
        if text:
            return text
    return None


def _visible_text(el: etree._Element) -> str:
    # Metadata is read before scripts are dropped: keep their source out of titles and names.
    return squash("".join(_VISIBLE_TEXT(el)))


def _title(root: etree._Element, meta: dict[str, str]) -> str:
    found = _first(meta, TITLE_META)
    if found:
        return squash(found)
    h1 = root.find(".//h1")
    if h1 is not None:
        text = _visible_text(h1)
        if text:
            return text
    title = root.find(".//title")
    if title is not None and title.text:
        return _TITLE_SUFFIX.sub("", squash(title.text))
    return ""


def _document_title(root: etree._Element) -> str:
    title = root.find(".//title")
    return squash(title.xpath("string()")) if title is not None else ""


def _language(root: etree._Element, meta: dict[str, str]) -> str | None:
    for value in (root.get("lang"), root.get("xml:lang"), _first(meta, LANGUAGE_META)):
        match = _LANG.match((value or "").strip())
        if match:
            return match.group(1).lower()
    return None


def _canonical(root: etree._Element, meta: dict[str, str], url: str | None) -> str | None:
    href: str | None = None
    for link in root.iter("link"):
        if "canonical" in str(link.get("rel") or "").lower().split() and str(link.get("href") or "").strip():
            href = str(link.get("href")).strip()
            break
    href = href or _first(meta, CANONICAL_META)
    if not href:
        return None
    if not url:
        return href
    try:
        return urljoin(url, href)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return href


def read_metadata(root: etree._Element, url: str | None) -> Metadata:
    """Everything the page declares about itself; absent fields stay None."""
    meta = _meta_map(root)
    ld = _ld_objects(root)
    return Metadata(
        title=_title(root, meta),
        document_title=_document_title(root),
        published=_published(root, meta, ld),
        author=_author(root, meta, ld),
        language=_language(root, meta),
        canonical_url=_canonical(root, meta, url),
    )
