"""Split scraped text into plain and highlighted segments for the templates.

The segments carry raw text; the template escapes every one of them (Jinja2
autoescape), so evidence is wrapped in ``<mark>`` without ever trusting the
scraped content as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


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


def spans_for(text: str, flag_rows: Iterable[Mapping[str, Any]], field: str) -> list[Span]:
    """Spans of every flag's evidence that points into ``field`` ("text" or "title")."""
    spans = []
    for flag in flag_rows:
        for evidence in flag.get("evidence") or []:
            if not isinstance(evidence, Mapping) or (evidence.get("field") or "text") != field:
                continue
            where = locate(text, evidence)
            if where is not None:
                spans.append(Span(where[0], where[1], str(flag.get("code", ""))))
    return spans


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
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
        out.append(Segment(text[start:end], marked=True, label=" ".join(label for label in labels if label)))
        cursor = end
    if cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out
