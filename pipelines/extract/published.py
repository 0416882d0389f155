"""The publication date: one choice among every piece of date evidence a page gives, and which one it was.

Order of trust:

1. a full day in the URL's path (``/2019/10/16/``): set when the story was filed, and
   never rewritten by a later update (htmldate reads it first for the same reason); a
   declared stamp of that day is given instead, for its time of day;
2. the declared stamps (JSON-LD, microdata, ``<meta>``; :mod:`.metadata` lists them in its
   order of trust), put to a vote (:func:`_voted`): the first declared stamp, one more
   declared stamp per other kind of evidence, and each place the page shows a date
   each name a day; the first declared stamp counts 1.5, so it wins ties and loses
   only to two agreeing voices (a dateline under the headline in a date-named element
   is two places, as it is two signs the page means it).  A stale JSON-LD ``datePublished``, or a UTC stamp that
   moved a late-evening story to the next day, is outvoted by what readers see;
3. the visible date (:func:`visible_date`): a "published" label, a ``<time>`` element,
   an hAtom ``published`` stamp, the line at the headline, a date-named element;
4. last resort, for pages that date nothing on purpose: any ``<time>``, then an hAtom
   ``updated`` stamp, then the first date written in the page's text, copyright lines aside,
   then a publication key in a script's state (a page its scripts render).

Nothing here reads the clock; a page with no date evidence at all gets None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml import etree

from pipelines.extract.dates import parse_stamp, url_date
from pipelines.extract.structured import script_state_published
from pipelines.extract.textdates import (
    any_time_element,
    area_dates,
    entry_updated,
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
VISIBLE_STEPS = 5  # the places _visible_steps looks, one vote each
FIRST_DECLARED_VOTE = 1.5  # the most trusted declared stamp wins ties, and needs two voices against it to lose
# English read month-first ("04/05/2019" is April 5): the United States' usage, shared by Canada and the Philippines.
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_MONTH_FIRST_REGIONS = frozenset({"us", "ca", "ph"})
# Country domains of English-speaking countries that write the day first.
_DAY_FIRST_ENGLISH_DOMAINS = frozenset({"uk", "ie", "au", "nz", "za", "in"})


def date_language(root: etree._Element, language: str | None, url: str | None = None) -> str | None:
    """``language`` as :func:`.dates.find_text_dates` reads it: English of a day-first region ("en-GB") as "en-gb".

    A page that declares English without a region ("en") takes it from its host's
    country domain when that is a day-first English-speaking country (``.co.uk``, ``.ie``).
    """
    declared = str(root.get("lang") or root.get("xml:lang") or root.get(_XML_LANG) or "").lower()
    region = declared.replace("_", "-").partition("-")[2][:2]
    if language == "en" and not region:
        host = (urlsplit(url).hostname or "") if url else ""
        region = host.rpartition(".")[2] if host.rpartition(".")[2] in _DAY_FIRST_ENGLISH_DOMAINS else ""
    if language == "en" and region and region not in _MONTH_FIRST_REGIONS:
        return f"en-{region}"
    return language


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


def _visible_steps(page: _Page, language: str | None) -> Iterator[MetadataField[str]]:
    """Each place a page shows its readers a date, the most explicit first, computed as they are asked for."""
    yield MetadataField(labelled_dates(page.runs, language), Src.TEXT)
    yield MetadataField(time_element_dates(page.root, page.headline), Src.TIME)
    yield MetadataField(marked_stamps(page.root, page.headline), Src.MICRODATA)
    yield MetadataField(near_headline(page.runs, language), Src.TEXT)
    yield MetadataField(area_dates(page.root, language, page.headline), Src.TEXT)


def visible_date(page: _Page, language: str | None) -> MetadataField[str]:
    """The date the page shows its readers, from the most explicit place first."""
    return next((found for found in _visible_steps(page, language) if found.value), MetadataField())


def _day(stamp: str | None) -> str:
    return stamp[:10] if stamp else ""


def _kind_days(declared: list[MetadataField[str]], skip: Src | None) -> list[str]:
    """One day per kind of declared evidence but ``skip``: the day most of its stamps name, the first on a tie.

    One vote per kind, as a template repeats its own mistake; within a kind, the
    majority ("date" and "DC.date.issued" against one stale "pubdate").
    """
    by_kind: dict[Src | None, list[str]] = {}
    for stamp in declared:
        if stamp.source != skip:
            by_kind.setdefault(stamp.source, []).append(_day(stamp.value))
    days: list[str] = []
    for named in by_kind.values():
        counts = Counter(named)
        top = max(counts.values())
        days.append(next(day for day in named if counts[day] == top))
    return days


def _voted(declared: list[MetadataField[str]], page: _Page, language: str | None) -> MetadataField[str]:
    """The declared stamp whose day most pieces of evidence name; the first declared one unless outvoted.

    A stale JSON-LD ``datePublished``, or a UTC stamp that moved a late-evening story to
    the next day, loses to a ``<meta>`` stamp that the page's visible dateline repeats.
    """
    first = declared[0]
    votes: Counter[str] = Counter({_day(first.value): FIRST_DECLARED_VOTE})
    for day in _kind_days(declared, first.source):
        votes[day] += 1
    shown: list[MetadataField[str]] = []
    remaining = VISIBLE_STEPS
    for found in _visible_steps(page, language):
        remaining -= 1
        if found.value:
            shown.append(found)
            votes[_day(found.value)] += 1
        rivals = max((n for day, n in votes.items() if day != _day(first.value)), default=0)
        if votes[_day(first.value)] >= rivals + remaining:  # no later step can outvote it: the walk stops here
            return first
    best = max(votes.values())
    if votes[_day(first.value)] == best:
        return first
    return next((d for d in [*declared, *shown] if votes[_day(d.value)] == best), first)


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
    language = date_language(root, language, url)
    if declared:
        return _voted(declared, page, language)
    shown = visible_date(page, language)
    if shown.value:
        return shown
    if stamp := any_time_element(root):
        return MetadataField(stamp, Src.TIME)
    if stamp := entry_updated(root):
        return MetadataField(stamp, Src.MICRODATA)
    if day := first_written(page.runs, language):
        return MetadataField(day, Src.TEXT)
    if stamp := next(filter(None, map(parse_stamp, script_state_published(root))), None):
        return MetadataField(stamp, Src.META)
    return MetadataField()
