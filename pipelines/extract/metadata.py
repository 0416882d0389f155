"""Page metadata: each field from the most explicit evidence the page gives, and which evidence that was.

Read before the tree is cleaned.  For every field the sources are tried in a fixed
order of trust (:data:`ORDER`): schema.org JSON-LD and microdata, OpenGraph, other
``<meta>`` names, then markup (``<title>``, ``<h1>``, ``<html lang>``), ``<time>``
elements, bylines, the URL's date pattern and, last, dates written in the page's
date/byline areas.  A value that does not parse (a date that is no calendar day, an
author that is a URL) is skipped, so the next source gets its turn; nothing is
guessed, and no date comes from the clock or a copyright line.  The publication date
is chosen among all of its evidence by :mod:`.published`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pipelines.extract.bylines import byline_authors, clean_authors, looks_like_person
from pipelines.extract.dates import parse_stamp
from pipelines.extract.published import published_date
from pipelines.extract.selectors import (
    AUTHOR_META,
    CANONICAL_META,
    DESCRIPTION_META,
    IMAGE_META,
    LANGUAGE_META,
    MODIFIED_META,
    PUBLISHED_META,
    SECTION_META,
    SITE_NAME_META,
    TAGS_META,
    TITLE_META,
)
from pipelines.extract.structured import Declared, meta_tags, read_json_ld, read_microdata, visible_text
from pipelines.extract.tree import squash
from pipelines.extract.zones import headline_path
from pipelines.models import ArticleMetadata, MetadataField
from pipelines.models import MetadataSource as Src

_LANG = re.compile(r"^([a-z]{2})(?:[-_][a-z0-9]{1,8})*$", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s[|\-–—:·»/]{1,2}\s")
MAX_TITLE_CHARS = 300
MAX_DESCRIPTION_CHARS = 1_000


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself, and its raw ``<title>``, which error pages label."""

    fields: ArticleMetadata = field(default_factory=ArticleMetadata)
    document_title: str = ""

    @property
    def title(self) -> str:
        return self.fields.title.value or ""


def _from_meta(meta: dict[str, list[str]], keys: tuple[str, ...]) -> tuple[str, Src] | None:
    for key in keys:
        if key in meta:
            return meta[key][0], Src.OPENGRAPH if key.startswith(("og:", "article:")) else Src.META
    return None


def _document_title(root: etree._Element) -> str:
    title = root.find(".//title")
    return squash(title.xpath("string()")) if title is not None else ""


def _h1(root: etree._Element) -> str:
    for h1 in root.iter("h1"):
        text = visible_text(h1)
        if text:
            return text
    return ""


def _strip_site(title: str, site: str | None) -> str:
    """``title`` without a trailing or leading "| Site Name" part."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    if site:
        low = site.casefold()
        kept = [p for p in parts if p.strip().casefold() != low]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # Keep the longest part: the headline is longer than a site or section name.
    return max(parts, key=len) if len(parts[-1]) < len(parts[0]) or len(parts) > 2 else title


def _title(
    root: etree._Element, ld: Declared, micro: Declared, meta: dict[str, list[str]], site: str | None
) -> MetadataField[str]:
    """The headline: the ``<h1>`` when a declared title confirms it, else the declared title, else ``<title>``."""
    h1 = _h1(root)
    declared: list[tuple[str, Src]] = []
    if found := ld.first("title"):
        declared.append((found, Src.JSON_LD))
    if found := micro.first("title"):
        declared.append((found, Src.MICRODATA))
    if pair := _from_meta(meta, TITLE_META):
        declared.append(pair)
    doc_title = _document_title(root)
    if h1 and len(h1) <= MAX_TITLE_CHARS:
        low = h1.casefold()
        for value, source in declared:
            if low in value.casefold():
                return MetadataField(h1, source)
        if doc_title and low in doc_title.casefold():
            return MetadataField(h1, Src.MARKUP)
    for value, source in declared:
        if len(value) <= MAX_TITLE_CHARS:
            return MetadataField(_strip_site(value, site), source)
    if doc_title:
        return MetadataField(_strip_site(doc_title, site)[:MAX_TITLE_CHARS], Src.MARKUP)
    if h1:
        return MetadataField(h1[:MAX_TITLE_CHARS], Src.MARKUP)
    return MetadataField()


def _declared_dates(
    name: str, ld: Declared, micro: Declared, meta: dict[str, list[str]], keys: tuple[str, ...]
) -> list[MetadataField[str]]:
    """Every stamp the page declares for ``name``, in the order of trust: JSON-LD, microdata, ``<meta>``."""
    found: list[MetadataField[str]] = []
    for declared, source in ((ld, Src.JSON_LD), (micro, Src.MICRODATA)):
        found += [MetadataField(stamp, source) for raw in declared.all(name) if (stamp := parse_stamp(raw))]
    for key in keys:
        source = Src.OPENGRAPH if key.startswith(("og:", "article:")) else Src.META
        found += [MetadataField(stamp, source) for raw in meta.get(key, ()) if (stamp := parse_stamp(raw))]
    return found


def _date(
    name: str, ld: Declared, micro: Declared, meta: dict[str, list[str]], keys: tuple[str, ...]
) -> MetadataField[str]:
    found = _declared_dates(name, ld, micro, meta, keys)
    return found[0] if found else MetadataField()


def _site_keys(site: str | None, url: str | None) -> frozenset[str]:
    """The site's own name and its host's main label, letters and digits only ("badischezeitung")."""
    keys = {_letters(site or "")}
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.removeprefix("www.").split(".") if label]
    if len(labels) >= 2:
        keys.add(_letters(labels[-2]))
    return frozenset(k for k in keys if len(k) >= 3)


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _declared_names(values: list[str], sites: frozenset[str], own_site: bool = False) -> tuple[str, ...]:
    """Cleaned declared names that name someone besides the site, or (``own_site``) the ones that name only it.

    Metadata crediting the page's own outlet ("Badische Zeitung" on badische-zeitung.de) names
    no writer, so the visible byline gets its turn first.
    """
    names = clean_authors(values)
    return names if bool(names) and all(_letters(n) in sites for n in names) == own_site else ()


def _authors(
    root: etree._Element,
    headline: frozenset[etree._Element],
    ld: Declared,
    micro: Declared,
    meta: dict[str, list[str]],
    sites: frozenset[str],
) -> MetadataField[tuple[str, ...]]:
    for declared, source in ((ld, Src.JSON_LD), (micro, Src.MICRODATA)):
        names = _declared_names(declared.all("authors"), sites)
        if names:
            return MetadataField(names, source)
    for key in AUTHOR_META:
        names = _declared_names(meta.get(key, []), sites)
        if names:
            return MetadataField(names, Src.META)
    names = byline_authors(root, headline)
    if names:
        return MetadataField(names, Src.BYLINE)
    # A personal site named after its writer ("Jane Doe" on janedoe.com) still credits a person.
    for values, source in ((ld.all("authors"), Src.JSON_LD), (micro.all("authors"), Src.MICRODATA),
                           ([v for k in AUTHOR_META for v in meta.get(k, [])], Src.META)):  # fmt: skip
        names = _declared_names(values, sites, own_site=True)
        if names and all(looks_like_person(n) for n in names):
            return MetadataField(names, source)
    names = _declared_names(ld.all("organisations"), sites)
    return MetadataField(names, Src.JSON_LD) if names else MetadataField()


def _language(root: etree._Element, ld: Declared, meta: dict[str, list[str]]) -> MetadataField[str]:
    candidates = [
        (root.get("lang"), Src.MARKUP),
        (root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang"), Src.MARKUP),
        (ld.first("language"), Src.JSON_LD),
    ]
    candidates += [(meta[k][0], Src.OPENGRAPH if k == "og:locale" else Src.META) for k in LANGUAGE_META if k in meta]
    for value, source in candidates:
        match = _LANG.match((value or "").strip())
        if match:
            return MetadataField(match.group(1).lower(), source)
    return MetadataField()


def _canonical(root: etree._Element, meta: dict[str, list[str]], url: str | None) -> MetadataField[str]:
    href: str | None = None
    source = Src.MARKUP
    for link in root.iter("link"):
        if "canonical" in str(link.get("rel") or "").lower().split() and str(link.get("href") or "").strip():
            href = str(link.get("href")).strip()
            break
    if not href and (pair := _from_meta(meta, CANONICAL_META)):
        href, source = pair
    return MetadataField(_absolute(href, url), source) if href else MetadataField()


def _absolute(href: str, url: str | None) -> str:
    if not url:
        return href
    try:
        return urljoin(url, href)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return href


def _text_field(
    name: str, ld: Declared, micro: Declared, meta: dict[str, list[str]], keys: tuple[str, ...], limit: int
) -> MetadataField[str]:
    pair = _from_meta(meta, keys)
    if pair and pair[1] is Src.OPENGRAPH:  # OpenGraph is written for display: the page's own choice
        return MetadataField(pair[0][:limit], pair[1])
    for declared, source in ((ld, Src.JSON_LD), (micro, Src.MICRODATA)):
        if found := declared.first(name):
            return MetadataField(found[:limit], source)
    return MetadataField(pair[0][:limit], pair[1]) if pair else MetadataField()


def _list_field(
    name: str, ld: Declared, micro: Declared, meta: dict[str, list[str]], keys: tuple[str, ...]
) -> MetadataField[tuple[str, ...]]:
    for key in keys:
        values = meta.get(key, [])
        if len(values) == 1 and "," in values[0]:
            values = values[0].split(",")
        tags = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
        if tags:
            return MetadataField(tags, Src.OPENGRAPH if key.startswith("article:") else Src.META)
    for declared, source in ((ld, Src.JSON_LD), (micro, Src.MICRODATA)):
        tags = tuple(dict.fromkeys(v.strip() for v in declared.all(name) if v.strip()))
        if tags:
            return MetadataField(tags, source)
    return MetadataField()


def read_metadata(root: etree._Element, url: str | None) -> Metadata:
    """Everything the page declares about itself; absent fields stay empty."""
    meta = meta_tags(root)
    ld = read_json_ld(root)
    micro = read_microdata(root)
    site = _text_field("site_name", ld, micro, meta, SITE_NAME_META, MAX_TITLE_CHARS)
    language = _language(root, ld, meta)
    image = _text_field("image_url", ld, micro, meta, IMAGE_META, 2_000)
    headline = headline_path(root)
    fields = ArticleMetadata(
        title=_title(root, ld, micro, meta, site.value),
        authors=_authors(root, headline, ld, micro, meta, _site_keys(site.value, url)),
        published=published_date(
            root, headline, _declared_dates("published", ld, micro, meta, PUBLISHED_META), url, language.value
        ),
        modified=_date("modified", ld, micro, meta, MODIFIED_META),
        language=language,
        site_name=site,
        section=_text_field("section", ld, micro, meta, SECTION_META, MAX_TITLE_CHARS),
        tags=_list_field("tags", ld, micro, meta, TAGS_META),
        description=_text_field("description", ld, micro, meta, DESCRIPTION_META, MAX_DESCRIPTION_CHARS),
        image_url=MetadataField(_absolute(image.value, url), image.source) if image.value else image,
        canonical_url=_canonical(root, meta, url),
    )
    return Metadata(fields, _document_title(root))
