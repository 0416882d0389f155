"""Case- and accent-folded copies of a text, with a map back to the original offsets.

Term lists match on the folded copy (casefold, then NFD with combining marks
dropped) so that "Étát" finds "etat"; evidence must still point into the text
the reviewer sees, so every folded character remembers where it came from.

The map is a list of segments rather than one int per character: ASCII runs
(most of a typical article) fold with ``str.lower`` and map linearly, so the
per-character Python loop only runs over non-ASCII characters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# Combining marks of the scripts we expect (Latin/Greek/Cyrillic diacritics,
# Hebrew points, Arabic harakat).  A class over code-point ranges keeps this a
# C-speed regex instead of a unicodedata call per character.
_MARK_RANGES = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
MARKS = re.compile(f"[{_MARK_RANGES}]+")
_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def fold_pattern(source: str) -> str:
    """Lower-case a regex source except escapes (``\\S``, ``\\W`` keep their meaning).

    Patterns run on folded text without ``re.IGNORECASE``: case-insensitive
    matching in ``re`` is several times slower and defeats its first-character scan.
    """
    out: list[str] = []
    escaped = False
    for ch in source:
        out.append(ch if escaped else fold(ch))
        escaped = not escaped and ch == "\\"
    return "".join(out)


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """The folded form of one character (may be empty or longer than one)."""
    return MARKS.sub("", unicodedata.normalize("NFD", ch.casefold()))


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding every character; filled on first sight of each code point."""

    def __init__(self) -> None:
        super().__init__((c, chr(c).lower()) for c in range(128))
        self.uneven: set[str] = set()  # characters whose fold is not exactly one character

    def __missing__(self, code: int) -> str:
        folded_char = fold_char(chr(code))
        if len(folded_char) != 1:
            self.uneven.add(chr(code))
        if len(self) < 65536:  # bounded, like fold_char's cache
            self[code] = folded_char
        return folded_char


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold a whole string the way :func:`folded` does, without keeping the map (for terms)."""
    if text.isascii():
        return text.lower()
    return text.translate(_TABLE)


@dataclass(frozen=True)
class Folded:
    """A folded text and the segments that map it back to the original.

    Segment *i* covers folded ``[norm_starts[i], norm_starts[i+1])`` and came
    from original ``[orig_starts[i], orig_starts[i] + orig_lens[i])``; a segment
    is linear when both lengths agree, else (``ß`` -> ``ss``) every folded
    character in it maps to the whole original span.
    """

    text: str
    original: str
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_lens: tuple[int, ...]
    norm_lens: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` for a folded ``[start, end)`` (``end > start``)."""
        return self._orig_start(start), self._orig_end(end - 1)

    def _segment(self, pos: int) -> int:
        return bisect_right(self.norm_starts, pos) - 1

    def _orig_start(self, pos: int) -> int:
        i = self._segment(pos)
        if self.orig_lens[i] == self.norm_lens[i]:
            return self.orig_starts[i] + (pos - self.norm_starts[i])
        return self.orig_starts[i]

    def _orig_end(self, last: int) -> int:
        i = self._segment(last)
        if self.orig_lens[i] == self.norm_lens[i]:
            end = self.orig_starts[i] + (last - self.norm_starts[i]) + 1
        else:
            end = self.orig_starts[i] + self.orig_lens[i]
        # Take trailing combining marks along, so an excerpt keeps "é" whole.
        mark = MARKS.match(self.original, end)
        return mark.end() if mark else end


@lru_cache(maxsize=16)
def folded(text: str) -> Folded:
    """Fold ``text`` and build its offset map.

    Cached (a few entries): every rule and detector looking at the same article
    text shares one fold; ``str`` caches its own hash, so a hit costs little.
    """
    if text.isascii():
        return Folded(text.lower(), text, (0,), (0,), (len(text),), (len(text),))
    # Most non-ASCII text (curly quotes, dashes, accented or Cyrillic letters) folds one character to one:
    # one C-speed translate and one linear segment.
    quick = text.translate(_TABLE)
    if _TABLE.uneven.isdisjoint(text):
        return Folded(quick, text, (0,), (0,), (len(text),), (len(text),))
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_lens: list[int] = []
    norm_lens: list[int] = []
    npos = 0

    def add(norm: str, orig_start: int, orig_len: int) -> None:
        nonlocal npos
        if not norm:
            return
        last = len(norm_starts) - 1
        linear = len(norm) == orig_len
        if (
            linear
            and last >= 0
            and orig_lens[last] == norm_lens[last]
            and orig_starts[last] + orig_lens[last] == orig_start
        ):
            orig_lens[last] += orig_len
            norm_lens[last] += orig_len
        else:
            norm_starts.append(npos)
            orig_starts.append(orig_start)
            orig_lens.append(orig_len)
            norm_lens.append(len(norm))
        parts.append(norm)
        npos += len(norm)

    for run in _RUNS.finditer(text):
        chunk = run.group()
        if chunk.isascii():
            add(chunk.lower(), run.start(), len(chunk))
            continue
        base = run.start()
        pieces = list(map(fold_char, chunk))
        sizes = list(map(len, pieces))
        if min(sizes) == 1 == max(sizes):
            add("".join(pieces), base, len(chunk))  # one char each (Cyrillic, Greek, CJK...): linear
            continue
        for offset, piece in enumerate(pieces):
            add(piece, base + offset, 1)
    if not norm_starts:
        return Folded("", text, (0,), (0,), (0,), (0,))
    return Folded("".join(parts), text, tuple(norm_starts), tuple(orig_starts), tuple(orig_lens), tuple(norm_lens))
