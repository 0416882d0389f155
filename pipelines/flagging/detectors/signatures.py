"""Count co-occurring template signatures: auto-blog residue, leftover boilerplate.

One weak signature alone (a stray "[…]", a title printed twice) proves little;
several together (``[ad_1]`` + ``[ad_2]`` + "Source link" + the title printed
twice) are the fingerprint of an auto-blogging plugin, and a few ``strong``
ones ("Source link" as a line of its own, ``[ad_1]``) are enough alone.  The finding's weight is the number of
distinct signatures, so the rule's score grows with them.  Signatures that
extraction already removed are looked for in the stripped blocks of the
configured categories too; they count, but have no offsets in the text, so they
are named in ``detail`` rather than given as evidence.

Patterns anchored with ``^`` are whole-line signatures: they are only tried on
lines of at most ``short_line_chars`` (page furniture is short; article
paragraphs are long), which keeps the detector cheap on a typical article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from pipelines.flagging.findings import Finding, evidence_at
from pipelines.flagging.matchers import chunks
from pipelines.flagging.normalize import folded
from pipelines.flagging.params import ParamError, Params
from pipelines.flagging.regexsafety import PatternMatch, UserPattern
from pipelines.models import Evidence, FlagInput

_SPACES = re.compile(r"\s+")
_MIN_TITLE_CHARS = 15  # short titles ("Home", "News") repeat innocently


_LINE = re.compile(r"[^\n]+")


def _short_lines(text: str, max_chars: int) -> tuple[list[int], list[int], str]:
    """The lines of ``text`` up to ``max_chars`` joined by newlines, with each kept
    line's start in ``text`` and in the joined string."""
    starts: list[int] = []
    joined_starts: list[int] = []
    lines: list[str] = []
    pos = 0
    for m in _LINE.finditer(text):
        if m.end() - m.start() <= max_chars:
            starts.append(m.start())
            joined_starts.append(pos)
            lines.append(m.group())
            pos += m.end() - m.start() + 1
    return starts, joined_starts, "\n".join(lines)


@dataclass(frozen=True)
class SignatureDetector:
    name: str
    patterns: dict[str, UserPattern]
    stripped_categories: frozenset[str]
    title_repeat: bool
    min_distinct: int
    strong: frozenset[str]  # any one of these suffices on its own
    max_line_chars: int
    short_line_chars: int

    def _search(self, label: str, text: str) -> PatternMatch | None:
        match = self.patterns[label].search(text)
        return match if match and match.end() > match.start() else None

    def _in_text(self, text: str) -> dict[str, Evidence]:
        """The first hit of each signature, searched on the folded text, mapped back."""
        low = folded(text)
        # Whole text in one go when short (the usual case); long texts in capped pieces.
        pieces = [(0, low.text)]
        if len(low.text) > self.max_line_chars:
            pieces = list(chunks(low.text, self.max_line_chars))
        starts, joined_starts, short = _short_lines(low.text, self.short_line_chars)
        first: dict[str, Evidence] = {}
        for label, pattern in self.patterns.items():
            if pattern.pattern.startswith("^"):
                match = self._search(label, short)
                if match:
                    line = bisect_right(joined_starts, match.start()) - 1
                    shift = starts[line] - joined_starts[line]
                    start, end = low.span(match.start() + shift, match.end() + shift)
                    first[label] = evidence_at(text, start, end, label)
                continue
            for offset, piece in pieces:
                match = self._search(label, piece)
                if match:
                    start, end = low.span(offset + match.start(), offset + match.end())
                    first[label] = evidence_at(text, start, end, label)
                    break
        return first

    def _title_repeats(self, item: FlagInput) -> list[Evidence]:
        title = _SPACES.sub(" ", item.title).strip()
        if len(title) < _MIN_TITLE_CHARS:
            return []
        spots: list[Evidence] = []
        pos = item.text.find(title)
        while pos >= 0 and len(spots) < 3:
            spots.append(evidence_at(item.text, pos, pos + len(title), "title_repeated"))
            pos = item.text.find(title, pos + len(title))
        return spots if len(spots) >= 2 else []

    def detect(self, item: FlagInput) -> list[Finding]:
        found = self._in_text(item.text)
        evidence = list(found.values())
        labels = set(found)
        if self.title_repeat:
            repeats = self._title_repeats(item)
            if repeats:
                labels.add("title_repeated")
                evidence.extend(repeats)
        stripped_only: set[str] = set()
        for block in item.stripped:
            if block.category not in self.stripped_categories:
                continue
            block_text = folded(block.text[: self.max_line_chars]).text
            for label in self.patterns:
                if label not in labels and self._search(label, block_text):
                    stripped_only.add(label)
        labels |= stripped_only
        if len(labels) < self.min_distinct and not labels & self.strong:
            return []
        detail = "signatures: " + ", ".join(sorted(labels - stripped_only))
        if stripped_only:
            detail += "; removed by extraction: " + ", ".join(sorted(stripped_only))
        evidence.sort(key=lambda e: e.start)
        return [Finding(evidence=tuple(evidence), weight=float(len(labels)), detail=detail)]


def make(params: Params, name: str = "signatures") -> SignatureDetector:
    params.only(
        [
            "patterns",
            "stripped_categories",
            "title_repeat",
            "min_distinct",
            "strong",
            "max_line_chars",
            "short_line_chars",
        ]
    )
    patterns = params.patterns("patterns", re.MULTILINE)
    strong = frozenset(params.strings("strong"))
    unknown = strong - set(patterns) - {"title_repeated"}
    if unknown:
        raise ParamError("strong", f"not pattern labels: {', '.join(sorted(unknown))}")
    return SignatureDetector(
        name=name,
        patterns=patterns,
        stripped_categories=frozenset(params.strings("stripped_categories")),
        title_repeat=params.flag("title_repeat", False),
        min_distinct=params.integer("min_distinct", 1),
        strong=strong,
        max_line_chars=max(1, params.integer("max_line_chars", 10_000)),
        short_line_chars=max(1, params.integer("short_line_chars", 300)),
    )
