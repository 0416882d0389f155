"""Word-level differences and the kind of copy."""

from __future__ import annotations

from review.compare import kind_of, word_diff


def marked(tokens: list, op: str) -> list[str]:  # type: ignore[type-arg]
    return [t.text for t in tokens if t.op == op]


def test_word_diff_marks_changed_words_and_keeps_layout() -> None:
    old = "Prices rose on Tuesday.\nFarmers said so."
    new = "Prices climbed on Tuesday.\nFarmers said so, again."
    left, right, ratio = word_diff(old, new)
    assert "".join(t.text for t in left) == old and "".join(t.text for t in right) == new
    assert marked(left, "removed") == ["rose", "so."]
    assert marked(right, "added") == ["climbed", "so,", "again."]
    assert 0.5 < ratio < 1.0


def test_identical_and_empty() -> None:
    left, right, ratio = word_diff("same words here", "same words here")
    assert ratio == 1.0 and not marked(left, "removed") and not marked(right, "added")
    assert word_diff("", "")[2] == 1.0
    assert marked(word_diff("", "new text")[1], "added") == ["new", "text"]


def test_kind() -> None:
    assert kind_of("near", 1.0, True) == "exact"
    assert kind_of("exact", 0.3, False) == "exact"
    assert kind_of("near", 0.9, False) == "near"
    assert kind_of("near", 0.4, False) == "rewritten"
    assert kind_of(None, 0.4, False) == "rewritten"
