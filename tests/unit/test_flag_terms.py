"""One trie-regex per term list: case/accent-insensitive, word-bounded in any script."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.flagging.normalize import folded
from pipelines.flagging.termmatch import TermMatcher, build_index, compile_terms


def _hits(terms: list[str], text: str, boundaries: bool = True) -> list[str]:
    matcher = TermMatcher("t", compile_terms(terms, boundaries))
    return [text[h.start : h.end] for h in matcher.finditer(folded(text))]


def test_longest_term_wins_and_case_and_accents_are_ignored() -> None:
    text = "The ISLAMIC STATE, Islamic art and the Café Étoile"
    assert _hits(["islamic", "Islamic State", "cafe etoile"], text) == ["ISLAMIC STATE", "Islamic", "Café Étoile"]


def test_word_boundaries_hold_in_latin_and_other_scripts() -> None:
    assert _hits(["ass"], "a class assignment, kiss my ass") == ["ass"]
    assert _hits(["москва"], "В Москве и в Москва-Сити, МОСКВА") == ["Москва", "МОСКВА"]


def test_wildcard_suffix_matches_word_endings() -> None:
    assert _hits(["behead*"], "beheaded, beheadings and behead; unbeheaded") == ["beheaded", "beheadings", "behead"]


def test_lists_without_boundaries_match_inside_words_for_unspaced_scripts() -> None:
    assert _hits(["東京"], "東京都の人口", boundaries=False) == ["東京"]
    assert _hits(["東京"], "東京都の人口") == []


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        compile_terms(["", "   "])


WORDS = ["isis", "isil", "islamic state", "state", "al-qaeda", "café", "straße", "fuck*"]


@given(st.lists(st.sampled_from([*WORDS, "the", "ISIS,", "Islamic", "STATE", "x", "-", "ä"]), max_size=30))
def test_indexed_matching_equals_a_full_scan(tokens: list[str]) -> None:
    text = " ".join(tokens)
    lists = [WORDS[:4], WORDS[3:]]
    index = build_index(lists)
    assert index is not None
    low = folded(text)
    starts = index.starts(low.text)
    for terms in lists:
        matcher = TermMatcher("t", compile_terms(terms), indexed=True)
        assert list(matcher.finditer(low, starts)) == list(matcher.finditer(low))
