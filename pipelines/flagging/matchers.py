"""The three engine-side matchers: term lists, regexes, and wrapped detectors.

Term lists and regexes both run on the folded text (case/accent-insensitive)
and map their hits back to the original.  Regexes run on pieces of at most
``max_line_chars`` cut at line breaks (a typical article is one piece), so a
pattern that passed the load-time backtracking check spends bounded time per
piece.  ``unless`` drops a hit when a
context pattern matches within ``window`` characters of it (e.g. "convicted
of trying to join ISIS" is reporting, not recruiting).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipelines.flagging.findings import Detector, FieldName, Finding, ItemView, evidence_at
from pipelines.flagging.regexsafety import UserPattern
from pipelines.flagging.termmatch import TermMatcher
from pipelines.models import Evidence

_STOPS = ".!?\n"


@dataclass(frozen=True)
class Unless:
    """A context pattern that excuses a hit in the same sentence, within ``window`` characters."""

    pattern: UserPattern
    window: int

    def excuses(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - self.window, *(text.rfind(c, 0, start) + 1 for c in _STOPS))
        ends = [i for i in (text.find(c, end) for c in _STOPS) if i >= 0]
        hi = min(len(text), end + self.window, *ends)
        return self.pattern.search(text, lo, hi) is not None


def _finding(hits: list[Evidence], min_matches: int, max_evidence: int) -> list[Finding]:
    if len(hits) < min_matches or not hits:
        return []
    distinct = sorted({hit.matched for hit in hits})
    detail = f"{len(hits)} match(es): " + ", ".join(distinct[:10])
    return [Finding(evidence=tuple(hits[:max_evidence]), detail=detail)]


@dataclass(frozen=True)
class TermsMatcher:
    """A ``terms`` rule: one compiled list, looked for in the chosen fields."""

    terms: TermMatcher
    fields: tuple[FieldName, ...]
    min_matches: int
    max_evidence: int
    unless: Unless | None = None

    def find(self, view: ItemView) -> list[Finding]:
        hits: list[Evidence] = []
        for name in self.fields:
            raw = view.raw(name)
            text = view.folded(name)
            starts = view.term_starts(name) if self.terms.indexed else None
            for hit in self.terms.finditer(text, starts):
                if self.unless and self.unless.excuses(text.text, hit.norm_start, hit.norm_end):
                    continue
                hits.append(evidence_at(raw, hit.start, hit.end, hit.term, name))
        return _finding(hits, self.min_matches, self.max_evidence)


def chunks(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``text`` in pieces of at most ``max_chars``.

    Pieces end at line breaks where possible, so a typical article is one piece
    and a 5 MB one-line text is many bounded ones.
    """
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + max_chars)
        if end < len(text):
            cut = text.rfind("\n", pos, end)
            end = cut + 1 if cut > pos else end
        yield pos, text[pos:end]
        pos = end


@dataclass(frozen=True)
class RegexMatcher:
    """A ``regex`` rule: patterns applied to bounded pieces of the chosen fields."""

    patterns: tuple[UserPattern, ...]
    fields: tuple[FieldName, ...]
    min_matches: int
    max_evidence: int
    max_line_chars: int
    unless: Unless | None = None

    def find(self, view: ItemView) -> list[Finding]:
        hits: list[Evidence] = []
        for name in self.fields:
            raw = view.raw(name)
            text = view.folded(name)
            for offset, piece in chunks(text.text, self.max_line_chars):
                for pattern in self.patterns:
                    for match in pattern.finditer(piece):
                        lo, hi = offset + match.start(), offset + match.end()
                        if hi == lo or (self.unless and self.unless.excuses(text.text, lo, hi)):
                            continue
                        start, end = text.span(lo, hi)
                        hits.append(evidence_at(raw, start, end, match.group(), name))
        return _finding(hits, self.min_matches, self.max_evidence)


@dataclass(frozen=True)
class DetectorMatcher:
    """A ``detector`` or ``classifier`` rule: hands the item to the detector."""

    detector: Detector
    max_evidence: int

    def find(self, view: ItemView) -> list[Finding]:
        findings = self.detector.detect(view.item)
        return [Finding(evidence=f.evidence[: self.max_evidence], weight=f.weight, detail=f.detail) for f in findings]
