"""Split scraped text into plain and highlighted segments for the templates.

The segments carry raw text; the template escapes every one of them (Jinja2
autoescape), so evidence is wrapped in ``<mark>`` without ever trusting the
scraped content as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_SPANS = 2000  # marks per field; a page of a thousand repeats is marked no further
PALETTE_SIZE = 8  # colours in review.css (.hl-0 ... .hl-7), one per flag code


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False
    label: str = ""
    colour: int = 0  # index into the legend's palette (the first code of the mark)


def locate(text: str, evidence: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where one evidence entry sits in ``text``: trust offsets that agree with the excerpt,
    else find the excerpt (offsets may predate a re-extraction), else drop it."""
    start, end, excerpt = evidence.get("start"), evidence.get("end"), evidence.get("excerpt") or ""
    valid = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
    if valid and (not excerpt or text[start:end] == excerpt):
        return start, end  # type: ignore[return-value]
    if isinstance(excerpt, str) and excerpt:
        found = text.find(excerpt)
        if found >= 0:
            return found, found + len(excerpt)
    return None


def repeats(text: str, excerpt: str) -> list[tuple[int, int]]:
    """Every occurrence of ``excerpt`` in ``text``, case-insensitively and on word boundaries where the
    excerpt starts or ends with a word character (rules keep at most a few evidence spans; a reviewer must
    see every match)."""
    if not excerpt.strip():
        return []
    head = r"(?<!\w)" if excerpt[0].isalnum() else ""
    tail = r"(?!\w)" if excerpt[-1].isalnum() else ""
    pattern = re.compile(head + re.escape(excerpt) + tail, re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)][:MAX_SPANS]


def spans_for(text: str, flag_rows: Iterable[Mapping[str, Any]], field: str) -> list[Span]:
    """Spans of every flag's evidence that points into ``field`` ("text" or "title"), with every other
    occurrence of the same words."""
    spans: set[Span] = set()
    for flag in flag_rows:
        code = str(flag.get("code", ""))
        for evidence in flag.get("evidence") or []:
            if not isinstance(evidence, Mapping) or (evidence.get("field") or "text") != field:
                continue
            where = locate(text, evidence)
            if where is None:
                continue
            spans.add(Span(where[0], where[1], code))
            for start, end in repeats(text, text[where[0] : where[1]]):
                spans.add(Span(start, end, code))
            if len(spans) >= MAX_SPANS:
                return sorted(spans, key=lambda s: (s.start, s.end))
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def palette(codes: Iterable[str]) -> dict[str, int]:
    """One colour per code, in the order given (the legend's order)."""
    out: dict[str, int] = {}
    for code in codes:
        out.setdefault(code, len(out) % PALETTE_SIZE)
    return out


def segments(text: str, spans: Iterable[Span], colours: Mapping[str, int] | None = None) -> list[Segment]:
    """Cover ``text`` with segments; overlapping spans merge into one mark with both labels."""
    merged: list[tuple[int, int, list[str]]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start < merged[-1][1]:
            start, end, labels = merged[-1]
            if span.label not in labels:
                labels.append(span.label)
            merged[-1] = (start, max(end, span.end), labels)
        else:
            merged.append((span.start, span.end, [span.label]))
    out: list[Segment] = []
    cursor = 0
    for start, end, labels in merged:
        if start > cursor:
            out.append(Segment(text[cursor:start]))
        named = [label for label in labels if label]
        colour = (colours or {}).get(named[0], 0) if named else 0
        out.append(Segment(text[start:end], marked=True, label=" ".join(named), colour=colour))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out
