"""Evidence highlighting: segments always rebuild the text; bad offsets fall back to the excerpt."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from review.highlight import Segment, Span, locate, palette, repeats, segments, spans_for


def test_marks_evidence_and_keeps_the_rest() -> None:
    text = "Buy cheap pills now"
    flags = [{"code": "spam", "evidence": [{"start": 4, "end": 15, "excerpt": "cheap pills", "field": "text"}]}]
    assert segments(text, spans_for(text, flags, "text")) == [
        Segment("Buy "),
        Segment("cheap pills", marked=True, label="spam"),
        Segment(" now"),
    ]


def test_overlapping_spans_merge_with_both_labels() -> None:
    text = "abcdefghij"
    result = segments(text, [Span(2, 6, "x"), Span(4, 8, "y"), Span(9, 10, "x")])
    assert result == [
        Segment("ab"),
        Segment("cdefgh", marked=True, label="x y"),
        Segment("i"),
        Segment("j", marked=True, label="x"),
    ]


def test_stale_offsets_fall_back_to_the_excerpt() -> None:
    text = "Intro added later. Then the bad word appears."
    assert locate(text, {"start": 0, "end": 8, "excerpt": "bad word"}) == (28, 36)
    assert locate(text, {"start": 500, "end": 510, "excerpt": "missing"}) is None
    assert locate(text, {"start": "x", "end": None, "excerpt": ""}) is None


def test_title_evidence_only_for_the_title() -> None:
    flags = [{"code": "c", "evidence": [{"start": 0, "end": 3, "excerpt": "Bad", "field": "title"}]}]
    assert spans_for("Bad title", flags, "title") == [Span(0, 3, "c")]
    assert spans_for("Bad body", flags, "text") == []


@given(
    st.text(max_size=60),
    st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70)), max_size=6),
)
def test_segments_cover_the_text_exactly(text: str, pairs: list[tuple[int, int]]) -> None:
    spans = [Span(a, b, "k") for a, b in pairs if a < b <= len(text)]
    result = segments(text, spans)
    assert "".join(segment.text for segment in result) == text
    assert all(segment.text for segment in result)
    # Exactly the characters some span covers are marked.
    covered = {index for span in spans for index in range(span.start, span.end)}
    marked: set[int] = set()
    position = 0
    for segment in result:
        if segment.marked:
            marked.update(range(position, position + len(segment.text)))
        position += len(segment.text)
    assert marked == covered


def test_every_repeat_of_an_evidence_excerpt_is_marked_with_its_colour() -> None:
    text = "Cheap pills here, cheap pills there, cheappills not, and cheap pills again."
    flags = [{"code": "spam", "evidence": [{"start": 0, "end": 11, "excerpt": "Cheap pills"}]}]
    spans = spans_for(text, flags, "text")
    assert [text[s.start : s.end].lower() for s in spans] == ["cheap pills"] * 3
    colours = palette(["spam", "hate"])
    marked = [s for s in segments(text, spans, colours) if s.marked]
    assert len(marked) == 3 and {s.colour for s in marked} == {0}
    assert repeats("a word, words", "word") == [(2, 6)]  # word boundaries
    assert repeats("x", "  ") == []
