"""Folding (case + accents) keeps an exact map back to the original offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.flagging.normalize import fold, fold_char, fold_pattern, folded


def _original_span(text: str, needle: str) -> tuple[int, int]:
    low = folded(text)
    pos = low.text.index(needle)
    return low.span(pos, pos + len(needle))


def test_ascii_text_folds_to_lower_case_with_identity_offsets() -> None:
    text = "The ISLAMIC State"
    start, end = _original_span(text, "islamic state")
    assert text[start:end] == "ISLAMIC State"


def test_accents_and_expansions_map_back_to_the_original_characters() -> None:
    text = "À Paris, l'ÉTAT et la Straße: Ærø"
    assert text[slice(*_original_span(text, "etat"))] == "ÉTAT"
    assert text[slice(*_original_span(text, "strasse"))] == "Straße"
    assert text[slice(*_original_span(text, "a paris"))] == "À Paris"


def test_decomposed_accents_are_kept_whole_in_the_excerpt() -> None:
    text = "le cafe\u0301 noir"  # "é" written as e + combining acute
    start, end = _original_span(text, "cafe")
    assert text[start:end] == "cafe\u0301"


def test_non_latin_scripts_fold_case() -> None:
    text = "Новости: МОСКВА и Αθήνα"
    assert text[slice(*_original_span(text, "москва"))] == "МОСКВА"
    assert text[slice(*_original_span(text, "αθηνα"))] == "Αθήνα"


def test_fold_pattern_keeps_escapes() -> None:
    assert fold_pattern(r"\S+ Source\W\D") == r"\S+ source\W\D"


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
def test_a_folded_needle_maps_back_to_where_it_was_inserted(prefix: str, suffix: str) -> None:
    needle = "Zürich"
    text = prefix + " " + needle + " " + suffix
    low = folded(text)
    target = fold(needle)
    # The needle's own folded position: fold the prefix the same way to find it.
    pos = len(fold(prefix + " "))
    assert low.text[pos : pos + len(target)] == target
    start, end = low.span(pos, pos + len(target))
    assert text[start:end] == needle


@given(st.text(alphabet=st.sampled_from("aÉé’—ßİ\u0301ﬁЖж 中.")))
def test_the_one_pass_fold_equals_folding_character_by_character(text: str) -> None:
    # One-to-one text takes the translate path (one segment); ß, ﬁ, İ or a lone combining mark the segmented one.
    expected = "".join(fold_char(ch) for ch in text)
    assert folded(text).text == expected == fold(text)
    if len(expected) == len(text) and all(len(fold_char(ch)) == 1 for ch in text) and text:
        assert folded(text).span(0, len(text)) == (0, len(text))
