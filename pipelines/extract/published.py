"""The publication date: one choice among every piece of date evidence a page gives, and which one it was.

Order of trust:

1. a full day in the URL's path (``/2019/10/16/``): set when the story was filed, and
   never rewritten by a later update (htmldate reads it first for the same reason); a
   declared stamp of that day is given instead, for its time of day;
2. the declared stamps (JSON-LD, microdata, ``<meta>``; :mod:`.metadata` lists them in its
   order of trust).  When they disagree about the day, and the page's visible date
   matches one of them, that one wins: a stale JSON-LD ``datePublished`` or a UTC stamp
   that moved a late-evening story to the next day is outvoted by what readers see;
3. the visible date (:func:`visible_date`): a "published" label, a ``<time>`` element,
   an hAtom ``published`` stamp, the line at the headline, a date-named element;
4. last resort, for pages that date nothing on purpose: any ``<time>``, then the first
   date written in the page's text, copyright lines aside.

Nothing here reads the clock; a page with no date evidence at all gets None.
"""

from __future__ import annotations

from lxml import etree

from pipelines.extract.dates import url_date
from pipelines.extract.textdates import (
    any_time_element,
    area_dates,
    first_written,
    labelled_dates,
    marked_stamps,
    near_headline,
    time_element_dates,
)
from pipelines.extract.zones import text_runs
from pipelines.models import MetadataField
from pipelines.models import MetadataSource as Src

Runs = list[tuple[str, bool, bool]]


class _Page:
    """The page's text runs, walked once and only when a step needs them."""

    def __init__(self, root: etree._Element, headline: frozenset[etree._Element]) -> None:
        self.root = root
        self.headline = headline
        self._runs: Runs | None = None

    @property
    def runs(self) -> Runs:
        if self._runs is None:
            self._runs = text_runs(self.root, self.headline)
        return self._runs


def visible_date(page: _Page, language: str | None) -> MetadataField[str]:
    """The date the page shows its readers, from the most explicit place first."""
    if day := labelled_dates(page.runs, language):
        return MetadataField(day, Src.TEXT)
    if stamp := time_element_dates(page.root, page.headline):
        return MetadataField(stamp, Src.TIME)
    if stamp := marked_stamps(page.root, page.headline):
        return MetadataField(stamp, Src.MICRODATA)
    if day := near_headline(page.runs, language) or area_dates(page.root, language, page.headline):
        return MetadataField(day, Src.TEXT)
    return MetadataField()


def _day(stamp: str | None) -> str | None:
    return stamp[:10] if stamp else None


def _corroborated(declared: list[MetadataField[str]], page: _Page, language: str | None) -> MetadataField[str]:
    """The first declared stamp, unless the declared stamps disagree and the visible date sides with a later one."""
    first = declared[0]
    if len({_day(d.value) for d in declared}) == 1:
        return first
    shown = _day(visible_date(page, language).value)
    if shown and _day(first.value) != shown:
        for other in declared[1:]:
            if _day(other.value) == shown:
                return other
    return first


def published_date(
    root: etree._Element,
    headline: frozenset[etree._Element],
    declared: list[MetadataField[str]],
    url: str | None,
    language: str | None,
) -> MetadataField[str]:
    """The publication date by the order of trust above; ``declared`` is in the page's order of trust."""
    if day := url_date(url):
        # A declared stamp of the same day says more (the time, the offset): that one, as its own evidence.
        return next((d for d in declared if _day(d.value) == day), MetadataField(day, Src.URL))
    page = _Page(root, headline)
    if declared:
        return _corroborated(declared, page, language)
    shown = visible_date(page, language)
    if shown.value:
        return shown
    if stamp := any_time_element(root):
        return MetadataField(stamp, Src.TIME)
    if day := first_written(page.runs, language):
        return MetadataField(day, Src.TEXT)
    return MetadataField()
