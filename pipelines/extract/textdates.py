"""Publication dates from the page body: ``<time>`` elements and dates written in date or byline areas.

Each function reads one place; :mod:`.published` decides between them.  The last two
(:func:`any_time_element`, :func:`first_written`) ignore the zones below: they serve
pages that date nothing else.

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
MAX_CLASSED_ELEMENTS = 5_000  # elements with a class attribute looked at for a date class
MAX_AREA_CHARS = 300
MAX_FALLBACK_RUNS = 3_000  # text runs the last-resort scan reads
MAX_FALLBACK_RUN_CHARS = 400  # longer runs are prose, whose dates name events
HEADLINE_BEFORE_CHARS = 300  # text before the end of the <h1> looked at for a dateline
HEADLINE_AFTER_CHARS = 600  # and after it
UPDATE_LABEL_CHARS = 40  # a line this short that names an update is a label for the date after it
# A date after a label that says "published" (in the sets' languages).
# The lookahead names each word's first letter: the scan of a label-free run fails at each
# position on one class test (same matches, half the time).
_LABELLED = re.compile(
    r"(?=[dpvegmo])(?:datum|date|published|posted|veröffentlicht|erschienen|publiziert|publié|publicado|publicada|"
    r"mise en ligne|pubblicato|opublikowano|gepostet|geschrieben|erstellt)\b\s{0,3}(?:am|on|le|el|il|den)?\s{0,3}:?"
    r"\s{0,3}(.{0,60})",
    re.IGNORECASE,
)
_MARKED_CLASS = re.compile(r"(?:^|\s)(?:published|entry-date|post-date|dtstart|date-published|pubdate)(?:$|\s)")
_HATOM_UPDATED = re.compile(r"(?:^|\s)updated(?:$|\s)")
_DATE_AREA = re.compile(
    r"date|time|datum|zeit|fecha|data|posted|publi|meta|byline|dateline|stamp|info|submitted|created",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"updat|modif|aktualisiert|geändert|actualiz|mis à jour|atualizad|aggiornat|zaktualizowano|revis",
    re.IGNORECASE,
)


def _text_before(el: etree._Element) -> str:
    """The words just before ``el``: its previous sibling's tail, else that sibling's text, else its parent's text."""
    before = el.getprevious()
    while before is not None and not isinstance(before.tag, str):  # a comment between label and stamp
        before = before.getprevious()
    if before is None:
        parent = el.getparent()
        text = parent.text if parent is not None else None
    else:
        text = before.tail if before.tail and before.tail.strip() else before.text
    return (text or "").strip()[-UPDATE_LABEL_CHARS:]


def _is_update(el: etree._Element) -> bool:
    """Whether ``el`` stamps a revision: by its class, id or itemprop, or by an "Updated" label just before it."""
    names = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
    return bool(_UPDATED.search(names) or _UPDATED.search(_text_before(el)))


def time_element_dates(root: etree._Element, headline: frozenset[etree._Element]) -> str | None:
    """The publication stamp of the first ``<time>`` outside chrome (one marked ``pubdate`` first)."""
    found: list[tuple[int, str]] = []
    for count, el in enumerate(root.iter("time")):
        if count >= MAX_TIME_ELEMENTS:
            break
        if _is_update(el) or in_chrome_zone(el, headline):
            continue
        raw = str(el.get("datetime") or "").strip() or visible_text(el)
        stamp = parse_stamp(raw) if raw else None
        if stamp:
            names = f"{el.get('class') or ''} {el.get('itemprop') or ''}".lower()
            marked = el.get("pubdate") is not None or "publi" in names
            found.append((0 if marked else 1, stamp))
    return min(found, key=lambda item: item[0])[1] if found else None


def _first_written(text: str, language: str | None) -> str | None:
    """The first date of ``text`` on a line that names no copyright, nor follows a bare update label, and before
    any update label on its line.

    An update label governs what follows it: "January 19, 2020 / Updated 8 hours ago"
    still gives the publication's day.  Layouts put the label in its own element ("Last
    updated on" / "March 12, 2026"): the line after a short update label is its date.
    """
    after_label = False
    for line in text.split("\n"):
        if COPYRIGHT.search(line):
            after_label = False
            continue
        update = _UPDATED.search(line)
        if update:
            dates = [] if after_label else find_text_dates(line[: update.start()], language)
            if dates:
                return dates[0]
            # A bare label ("Last updated on"), its date on the next line; "Updated 12.02.2020" labels only itself.
            after_label = len(line) <= UPDATE_LABEL_CHARS and not find_text_dates(line[update.end() :], language)
            continue
        dates = find_text_dates(line, language)
        if dates and not after_label:
            return dates[0]
        after_label = False
    return None


def _class_stamp(
    root: etree._Element, classes: re.Pattern[str], headline: frozenset[etree._Element] | None
) -> str | None:
    """The stamp in an attribute of the first element whose class ``classes`` names (outside chrome unless
    ``headline`` is None)."""
    marked: dict[str, bool] = {}  # a page repeats its class strings
    for count, el in enumerate(root.iterfind(".//*[@class]")):
        if count >= MAX_CLASSED_ELEMENTS:
            break
        names = str(el.get("class"))
        found = marked.get(names)
        if found is None:
            found = marked[names] = classes.search(names) is not None
        if found and (headline is None or not in_chrome_zone(el, headline)):
            for attr in ("datetime", "title", "content", "data-date"):
                raw = el.get(attr)
                if raw and (stamp := parse_stamp(raw)):
                    return stamp
    return None


def marked_stamps(root: etree._Element, headline: frozenset[etree._Element]) -> str | None:
    """A stamp in the attribute of an element classed as the publication date (hAtom ``abbr.published``)."""
    return _class_stamp(root, _MARKED_CLASS, headline)


def entry_updated(root: etree._Element) -> str | None:
    """The stamp of an hAtom ``updated`` element: for pages that date nothing else.

    hAtom requires ``updated`` and makes ``published`` optional, so blog themes stamp
    their entries with ``<span class="updated" title="...">`` alone; on a page that gives
    no other date, that is the entry's own day.
    """
    return _class_stamp(root, _HATOM_UPDATED, None)


def near_headline(runs: list[tuple[str, bool, bool]], language: str | None) -> str | None:
    """A date in the text just after the first ``<h1>``'s own words (in it or after it, outside chrome), else before
    it, else in those words."""
    ends = [i for i, (_, _, in_h1) in enumerate(runs) if in_h1]
    if not ends:
        return None
    end = ends[-1]
    after: list[str] = []
    size = 0
    for text, zone, _ in runs[end + 1 :]:
        if size > HEADLINE_AFTER_CHARS:
            break
        size += len(text)
        if not zone:
            after.append(text)
    before: list[str] = []
    size = 0
    for text, zone, _ in reversed(runs[: ends[0]]):
        if size > HEADLINE_BEFORE_CHARS:
            break
        size += len(text)
        if not zone:
            before.append(text)
    # "<h1>Title<br><small>02.02.2022</small></h1>": a line under the headline's own text, inside the <h1>, is its
    # dateline and comes first; the headline's own words name events, so they come last.
    inside = [text for text, _, in_h1 in runs[ends[0] : end + 1] if in_h1]
    subline = "\n".join(inside[1:])[:MAX_AREA_CHARS]
    return (
        _first_written("\n".join([subline, *after]), language)
        or _first_written("\n".join(before), language)
        or _first_written(inside[0][:MAX_AREA_CHARS], language)
    )


def labelled_dates(runs: list[tuple[str, bool, bool]], language: str | None) -> str | None:
    """A date right after a "published" label ("Datum:", "Veröffentlicht am", "Publié le"), outside chrome."""
    for i, (text, zone, _) in enumerate(runs):
        if zone or len(text) > MAX_AREA_CHARS:
            continue
        label = _LABELLED.search(text)  # the rarest condition first: most runs stop here
        if label is None or COPYRIGHT.search(text):
            continue
        update = _UPDATED.search(text)
        if update:  # "Published 10.02.2020 | Updated 12.02.2020": only what comes before the update label
            label = _LABELLED.search(text[: update.start()])
            if label is None:
                continue
        rest = label.group(1).strip()
        if not rest and not update and i + 1 < len(runs) and not runs[i + 1][1]:
            rest = runs[i + 1][0][:60]
        dates = find_text_dates(rest, language)
        if dates:
            return dates[0]
    return None


def area_dates(root: etree._Element, language: str | None, headline: frozenset[etree._Element]) -> str | None:
    """The first date written in an element whose class or id names a date or byline, outside chrome."""
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
        if in_chrome_zone(el, headline):
            continue
        text = visible_lines(el, MAX_AREA_CHARS)
        if text is None:
            continue
        if day := _first_written(text, language):
            return day
    return None


def any_time_element(root: etree._Element) -> str | None:
    """The stamp of the first ``<time>`` anywhere but an update stamp: for pages that date nothing else."""
    for count, el in enumerate(root.iter("time")):
        if count >= MAX_TIME_ELEMENTS:
            break
        raw = str(el.get("datetime") or "").strip() or visible_text(el)
        if not _is_update(el) and raw and (stamp := parse_stamp(raw)):
            return stamp
    return None


def first_written(runs: list[tuple[str, bool, bool]], language: str | None) -> str | None:
    """The first date written anywhere in the page's text, copyright lines aside: the last resort."""
    for count, (text, _, _) in enumerate(runs):
        if count >= MAX_FALLBACK_RUNS:
            break
        if len(text) > MAX_FALLBACK_RUN_CHARS or COPYRIGHT.search(text):
            continue
        dates = find_text_dates(text, language)
        if dates:
            return dates[0]
    return None
