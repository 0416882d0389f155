"""One compiled matcher per term list: a prefix-trie turned into a single regex.

A plain ``a|b|c`` alternation makes ``re`` retry every term at every position;
factoring shared prefixes (``isi(?:s|l)``) keeps the scan close to linear in the
text whatever the list size.  Terms are folded (casefold, accents stripped) at
load and matched against the folded text, so matching is case- and
accent-insensitive; word boundaries are ``\\w``-based, which ``re`` applies to
every script.  A trailing ``*`` on a term means "any word ending" (``fuck*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipelines.flagging.normalize import Folded, fold

_WILDCARD = "\x00"  # trie key standing for the "*" suffix
Trie = dict[str, "Trie"]


def _trie_regex(node: Trie) -> str:
    """Regex source for a trie; the empty key marks the end of a term."""
    branches: list[str] = []
    optional = False
    for key in sorted(node, key=lambda k: (k == "", k == _WILDCARD, k)):
        child = node[key]
        if key == "":
            optional = True
            continue
        if key == _WILDCARD:
            branches.append(r"\w*")
            continue
        branches.append(re.escape(key) + _trie_regex(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A greedy ``?`` tries the longer term first, so "islamic state" beats "islamic".
    return "(?:" + body + ")?" if optional else body


def _insert(trie: Trie, term: str) -> None:
    node = trie
    for ch in term.rstrip("*"):
        node = node.setdefault(ch, {})
    if term.endswith("*"):
        node = node.setdefault(_WILDCARD, {})
    node[""] = {}


def terms_source(terms: Iterable[str]) -> str:
    """Regex source (no boundaries) matching any of the folded ``terms``; ValueError when empty."""
    trie: Trie = {}
    count = 0
    for raw in terms:
        term = fold(raw.strip())
        if term.rstrip("*"):
            _insert(trie, term)
            count += 1
    if not count:
        raise ValueError("the term list is empty")
    return _trie_regex(trie)


def compile_terms(terms: Iterable[str], word_boundaries: bool = True) -> re.Pattern[str]:
    """Fold ``terms`` and compile them into one regex (raises ValueError when empty)."""
    body = terms_source(terms)
    if word_boundaries:
        return re.compile(r"(?<!\w)" + body + r"(?!\w)")
    return re.compile(body)


@dataclass(frozen=True)
class TermHit:
    """A term found: its offsets in the original text, the folded term, its folded offsets."""

    start: int
    end: int
    term: str
    norm_start: int
    norm_end: int


@dataclass(frozen=True)
class TermMatcher:
    """Finds the terms of one list in folded text and maps hits back to the original."""

    name: str
    pattern: re.Pattern[str]
    terms: tuple[str, ...] = ()
    indexed: bool = False  # its terms are in the rule set's TermIndex (word-bounded lists only)

    def finditer(self, text: Folded, starts: Sequence[int] | None = None) -> Iterator[TermHit]:
        """Hits in ``text``.

        With ``starts`` (every position where some indexed term begins, from one
        :class:`TermIndex` scan) only those positions are tried; the result is the
        same as a full scan, because this list's terms can only begin there.
        """
        matches = self.pattern.finditer(text.text) if starts is None else self._at(text.text, starts)
        for match in matches:
            if match.end() == match.start():
                continue
            start, end = text.span(match.start(), match.end())
            yield TermHit(start, end, match.group(), match.start(), match.end())

    def _at(self, text: str, starts: Sequence[int]) -> Iterator[re.Match[str]]:
        last_end = 0
        for pos in starts:
            if pos < last_end:
                continue  # non-overlapping, like finditer
            match = self.pattern.match(text, pos)
            if match:
                last_end = match.end()
                yield match


@dataclass(frozen=True)
class TermIndex:
    """Every word-bounded term list of a rule set in one trie, scanned once per text.

    The scan is a zero-width lookahead, so it reports every position where any
    term of any list starts (overlaps included); each list then tries only those
    positions instead of scanning the whole article again.
    """

    pattern: re.Pattern[str]

    def starts(self, text: str) -> list[int]:
        return [m.start() for m in self.pattern.finditer(text)]


def build_index(lists: Iterable[Iterable[str]]) -> TermIndex | None:
    """The index over all terms of ``lists``; None when there are none."""
    terms = [term for terms in lists for term in terms]
    if not terms:
        return None
    return TermIndex(re.compile(r"(?<!\w)(?=" + terms_source(terms) + r"(?!\w))"))
