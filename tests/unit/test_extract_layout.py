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


def test_a_second_copy_of_the_article_for_another_screen_size_goes() -> None:
    copy = f"<h2>The repairs</h2>{_paragraphs('repair', 6)}"
    html = (
        f"<html><body><div class='story'><div class='desktop'>{copy}</div>"
        f"<div class='mobile'>{copy}</div></div></body></html>"
    )
    text = extract_article(html, URL).text
    assert text.count("Paragraph 5 of the repair part") == 1
    assert text.count("The repairs") == 1


def test_a_step_repeated_through_a_plan_stays() -> None:
    day = "<h3>Warm up</h3><p>Ten minutes of easy jogging, then five short strides at a faster pace.</p>"
    days = "".join(
        f"<h2>Day {i}</h2>{day}<p>The main set of day {i}: intervals, hills and a long run.</p>" for i in range(5)
    )
    html = f"<html><body><div class='story'>{_paragraphs('intro')}{days}</div></body></html>"
    text = extract_article(html, URL).text
    assert text.count("Ten minutes of easy jogging") == 5


def test_a_grid_of_post_cards_after_the_story_goes() -> None:
    cards = "".join(
        f"<article class='card'><h3><a href='/s/{i}'>Another harbour story {i}</a></h3>"
        f"<p>The excerpt of another story number {i}, long enough to pass for a paragraph of prose here.</p></article>"
        for i in range(3)
    )
    html = f"<html><body><div class='page'><div class='story'>{_paragraphs('main', 6)}</div>{cards}</div></body></html>"
    text = extract_article(html, URL).text
    assert "Paragraph 5 of the main part" in text
    assert "Another harbour story" not in text
    assert "excerpt of another story" not in text


def test_an_article_among_sibling_articles_keeps_its_own_text() -> None:
    others = "".join(
        f"<article><h3><a href='/s/{i}'>Another story {i}</a></h3><p>Teaser {i}.</p></article>" for i in range(3)
    )
    html = f"<html><body><main><article>{_paragraphs('main', 6)}</article>{others}</main></body></html>"
    text = extract_article(html, URL).text
    assert "Paragraph 5 of the main part" in text


def test_sections_written_as_sibling_articles_stay() -> None:
    sections = "".join(f"<article><h2>Part {i}</h2>{_paragraphs(f'section {i}', 6)}</article>" for i in range(3))
    html = f"<html><body><div class='story'>{sections}</div></body></html>"
    text = extract_article(html, URL).text
    assert all(f"Paragraph 5 of the section {i} part" in text for i in range(3))


def test_a_listicle_made_of_cards_stays() -> None:
    cards = "".join(
        f"<article><h3><a href='/v/{i}'>Restaurant number {i}</a></h3>"
        f"<p>Why restaurant number {i} made the list, with enough words, commas, and detail to be prose.</p></article>"
        for i in range(8)
    )
    intro = "<p>The best places to eat this year, chosen by our critics.</p>"
    html = f"<html><body><div class='story'>{intro}{cards}</div></body></html>"
    text = extract_article(html, URL).text
    assert "Why restaurant number 7 made the list" in text
