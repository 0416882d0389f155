"""Page layouts that hide or misname the article: streamed parts, page-builder wrappers named like chrome."""

from __future__ import annotations

from pipelines.extract import extract_article

URL = "https://gazette.example/2024/05/14/harbour"


def _paragraphs(part: str, count: int = 4) -> str:
    return "".join(
        f"<p>Paragraph {i} of the {part} part, with enough words, commas, and detail to read as prose.</p>"
        for i in range(count)
    )


def test_streamed_parts_are_read_where_their_placeholders_are() -> None:
    # React's streaming render: the page ships placeholders, the parts come later as hidden divs.
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><main><h1>Harbour reopens</h1>"
        f"<div class='story'>{_paragraphs('opening')}<template id='P:1'></template></div></main>"
        "<footer><p>All rights reserved by the gazette and its owners, nothing to see.</p></footer>"
        f"<div hidden id='S:1'>{_paragraphs('streamed')}</div>"
        "<script>$RS('S:1','P:1')</script></body></html>"
    )
    text = extract_article(html, URL).text
    assert "Paragraph 3 of the opening part" in text
    assert "Paragraph 3 of the streamed part" in text
    assert text.index("opening part") < text.index("streamed part")


def test_other_hidden_divs_stay_hidden() -> None:
    html = (
        f"<html><body><div class='story'>{_paragraphs('visible')}</div>"
        f"<div hidden id='draft'>{_paragraphs('hidden draft')}</div></body></html>"
    )
    text = extract_article(html, URL).text
    assert "visible part" in text
    assert "hidden draft" not in text


def _widget(part: str) -> str:
    inner = f"<div class='wrapper-widget'>{_paragraphs(part)}</div>"
    return f"<div class='row'><div class='cell widget-span'>{inner}</div></div>"


def test_a_chrome_word_naming_the_article_wrapper_does_not_strip_the_articles_parts() -> None:
    # A page builder names every box "widget": the outer one holds the article, so the inner ones are its sections.
    html = (
        "<html><body><div class='page widget-span'>"
        f"{_widget('first')}{_widget('second')}{_widget('third')}"
        "</div></body></html>"
    )
    text = extract_article(html, URL).text
    for part in ("first", "second", "third"):
        assert f"Paragraph 3 of the {part} part" in text


def test_a_story_list_named_like_the_wrapper_is_still_chrome() -> None:
    teasers = "".join(
        f"<article><h3><a href='/s/{i}'>Another harbour headline {i}</a></h3>"
        f"<p>A summary of another story number {i}, long enough to pass for a paragraph of prose.</p></article>"
        for i in range(3)
    )
    html = (
        "<html><body><div class='page widget-span'>"
        f"{_widget('first')}{_widget('second')}<div class='posts-widget'>{teasers}</div>"
        "</div></body></html>"
    )
    text = extract_article(html, URL).text
    assert "Paragraph 3 of the second part" in text
    assert "Another harbour headline" not in text
    assert "summary of another story" not in text
