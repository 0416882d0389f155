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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipelines.flagging.normalize import Folded, fold

_WILDCARD = "\x00"  # trie key standing for the "*" suffix


def _trie_regex(node: dict[str, dict[str, object]]) -> str:
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
        assert isinstance(child, dict)
        branches.append(re.escape(key) + _trie_regex(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if optional:
        # Longest match first (greedy ``?``) so "islamic state" beats "islamic".
        return "(?:" + body + ")?"
    return body if len(branches) == 1 and len(branches[0]) <= 1 else "(?:" + body + ")"


def _insert(trie: dict[str, dict[str, object]], term: str) -> None:
    node: dict[str, object] = trie  # type: ignore[assignment]
    wildcard = term.endswith("*")
    for ch in term.rstrip("*"):
        node = node.setdefault(ch, {})  # type: ignore[assignment]
    if wildcard:
        node = node.setdefault(_WILDCARD, {})  # type: ignore[assignment]
    node[""] = {}


def compile_terms(terms: Iterable[str], word_boundaries: bool = True) -> re.Pattern[str]:
    """Fold ``terms`` and compile them into one regex (raises ValueError when empty)."""
    trie: dict[str, dict[str, object]] = {}
    count = 0
    for raw in terms:
        term = fold(raw.strip())
        if term.rstrip("*"):
            _insert(trie, term)
            count += 1
    if not count:
        raise ValueError("the term list is empty")
    body = _trie_regex(trie)
    if word_boundaries:
        return re.compile(r"(?<!\w)" + body + r"(?!\w)")
    return re.compile(body)


@dataclass(frozen=True)
class TermHit:
    """A term found in the original text: its offsets there and the folded term."""

    start: int
    end: int
    term: str


@dataclass(frozen=True)
class TermMatcher:
    """Finds the terms of one list in folded text and maps hits back to the original."""

    name: str
    pattern: re.Pattern[str]

    def finditer(self, text: Folded) -> Iterator[TermHit]:
        for match in self.pattern.finditer(text.text):
            if match.end() == match.start():
                continue
            start, end = text.span(match.start(), match.end())
            yield TermHit(start, end, match.group())
