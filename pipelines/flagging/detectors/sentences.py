"""Sentence spans with offsets: enough for picking evidence, not a linguistic splitter."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A run of text up to and including sentence-final punctuation, or up to a line break.
_SENTENCE = re.compile(r"[^\n.!?。！？]+[.!?。！？]*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str, max_chars: int = 400) -> list[Sentence]:
    """Non-blank sentences of ``text`` with exact offsets (``text[start:end] == sentence.text``).

    Very long "sentences" (no punctuation) are cut at ``max_chars`` so evidence stays readable.
    """
    found: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        for cut in range(0, len(stripped), max_chars):
            piece = stripped[cut : cut + max_chars]
            found.append(Sentence(start + cut, start + cut + len(piece), piece))
    return found
