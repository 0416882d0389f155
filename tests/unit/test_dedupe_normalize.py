"""The exact key: what normalisation erases and what it keeps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipelines.dedupe import content_hash
from pipelines.dedupe.normalize import normalize, tokens


def test_case_whitespace_and_punctuation_do_not_change_the_key() -> None:
    a = "The Minister said: “We will act.”\n\nMore   follows…"
    b = "the minister said we will act more follows"
    assert content_hash(a) == content_hash(b)


def test_a_changed_word_changes_the_key() -> None:
    assert content_hash("the minister said we will act") != content_hash("the minister said we will wait")


def test_word_boundaries_matter() -> None:
    assert content_hash("no thing") != content_hash("nothing")


def test_compatibility_forms_fold() -> None:
    assert content_hash("ＡＢＣ ﬁle") == content_hash("abc file")


def test_unspaced_scripts_tokenise_per_character() -> None:
    assert tokens(normalize("北京今天 sunny, 很好")) == ["北", "京", "今", "天", "sunny", "很", "好"]


def test_ascii_and_unicode_paths_agree() -> None:
    text = "Hello, world_wide web 2.0 -- a/b"
    assert tokens(text.lower()) == tokens(text.lower() + " é")[:-1]


def test_key_is_hex() -> None:
    key = content_hash("")
    assert len(key) == 32
    int(key, 16)


@given(
    st.lists(st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd")), min_size=1, max_size=8), max_size=30),
    st.lists(st.sampled_from([" ", "\n", ", ", " -- ", "... ", "\t", " “", "” "]), min_size=30, max_size=30),
)
def test_separators_never_change_the_key(words: list[str], separators: list[str]) -> None:
    plain = " ".join(words)
    decorated = "".join(w + sep for w, sep in zip(words, separators, strict=False))
    assert content_hash(decorated) == content_hash(plain)
