"""Publication dates from the page body: ``<time>`` elements and dates written in date or byline areas.

Only the places a page reserves for its own date count: ``<time>`` elements, elements
whose class or id names a date, and the line under the headline, outside comments,
footers and related-story lists (:mod:`.zones`).  A line naming a copyright or an
update is skipped, so neither a footer's year nor a later revision becomes the
publication date.
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.extract.dates import COPYRIGHT, find_text_dates, parse_stamp
from pipelines.extract.structured import visible_lines, visible_text
from pipelines.extract.zones import in_chrome_zone

MAX_TIME_ELEMENTS = 50
MAX_DATE_AREAS = 120
MAX_AREA_CHARS = 300
HEADLINE_WINDOW_CHARS = 400  # text after the <h1> looked at for a dateline
_DATE_AREA = re.compile(
    r"date|time|datum|zeit|fecha|data|posted|publi|meta|byline|dateline|stamp|info|submitted|created",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"updat|modif|aktualisiert|geändert|actualiz|mis à jour|atualizad|aggiornat|zaktualizowano|revis",
    re.IGNORECASE,
)


def _is_update(el: etree._Element) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
    return bool(_UPDATED.search(names))


def time_element_dates(root: etree._Element) -> str | None:
    """The publication stamp of the first ``<time>`` outside chrome (one marked ``pubdate`` first)."""
    found: list[tuple[int, str]] = []
    for count, el in enumerate(root.iter("time")):
        if count >= MAX_TIME_ELEMENTS:
            break
        if _is_update(el) or in_chrome_zone(el):
            continue
        raw = str(el.get("datetime") or "").strip() or visible_text(el)
        stamp = parse_stamp(raw) if raw else None
        if stamp:
            names = f"{el.get('class') or ''} {el.get('itemprop') or ''}".lower()
            marked = el.get("pubdate") is not None or "publi" in names
            found.append((0 if marked else 1, stamp))
    return min(found, key=lambda item: item[0])[1] if found else None


def _first_written(text: str, language: str | None) -> str | None:
    for line in text.split("\n"):
        if COPYRIGHT.search(line) or _UPDATED.search(line):
            continue
        dates = find_text_dates(line, language)
        if dates:
            return dates[0]
    return None


def _headline_window(root: etree._Element) -> str:
    h1 = next(root.iter("h1"), None)
    if h1 is None:
        return ""
    pieces: list[str] = []
    size = 0
    for text in h1.itersiblings():
        chunk = visible_text(text)
        pieces.append(chunk)
        size += len(chunk)
        if size >= HEADLINE_WINDOW_CHARS:
            break
    return "\n".join(pieces)[:HEADLINE_WINDOW_CHARS]


def written_dates(root: etree._Element, language: str | None) -> str | None:
    """The first date written in an element named for dates or bylines, or just under the headline."""
    body = root.find("body")
    scope = body if body is not None else root
    areas = 0
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not names.strip() or not _DATE_AREA.search(names) or _UPDATED.search(names):
            continue
        areas += 1
        if areas > MAX_DATE_AREAS:
            break
        if in_chrome_zone(el):
            continue
        text = visible_lines(el, MAX_AREA_CHARS)
        if text is None:
            continue
        if day := _first_written(text, language):
            return day
    return _first_written(_headline_window(root), language)
