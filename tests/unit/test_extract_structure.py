"""Main-text structure on hand-made pages: which parts of a page's layout hold article text."""

from __future__ import annotations

import pytest

from pipelines.extract import extract_article

URL = "https://gazette.example/2024/05/14/harbour"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the harbour story, with enough words, commas, and detail to read as prose.</p>"
    for i in range(6)
)


def test_a_header_inside_the_article_keeps_its_lead() -> None:
    html = (
        "<html><body><header><a href='/'>Home</a> <a href='/news'>News</a></header>"
        "<article><header><h1>Harbour reopens</h1>"
        "<p>The lead: the harbour reopened on Tuesday after two years of repairs and delays.</p></header>"
        f"{PARAGRAPHS}</article></body></html>"
    )
    text = extract_article(html, URL).text
    assert "The lead: the harbour reopened on Tuesday" in text
    assert "Paragraph 5 of the harbour story" in text
    assert "News" not in text.split("\n")


@pytest.mark.parametrize(
    "opener",
    [
        "<header class='site-header'><a href='/'>Home</a>",  # no </header>: the parser puts the page in the banner
        "<div class='menu'><button class='menu-toggle'>Menu",  # no </button>: the page inside a control
    ],
)
def test_an_unclosed_chrome_element_does_not_take_the_article_with_it(opener: str) -> None:
    html = f"<html><body>{opener}<div class='story'><h1>Harbour reopens</h1>{PARAGRAPHS}</div></body></html>"
    text = extract_article(html, URL).text
    assert "Paragraph 0 of the harbour story" in text
    assert "Paragraph 5 of the harbour story" in text


def test_a_heading_over_a_link_list_goes_with_the_list() -> None:
    links = "".join(f"<li><a href='/s/{i}'>Another harbour headline number {i}</a></li>" for i in range(4))
    html = (
        f"<html><body><div class='story'><h2>The repairs</h2>{PARAGRAPHS}"
        f"<h2>Further coverage</h2><ul>{links}</ul></div></body></html>"
    )
    lines = extract_article(html, URL).text.split("\n")
    assert "The repairs" in lines  # a heading over prose stays
    assert "Further coverage" not in lines
    assert not any("Another harbour headline" in line for line in lines)


def test_a_chapter_heading_directly_over_a_section_heading_stays() -> None:
    html = f"<html><body><div class='story'><h2>Part one</h2><h3>The repairs</h3>{PARAGRAPHS}</div></body></html>"
    lines = extract_article(html, URL).text.split("\n")
    assert "Part one" in lines and "The repairs" in lines


def test_a_figure_caption_is_dropped_but_a_figure_wrapping_the_article_is_not() -> None:
    caption = "<figure><img src='a.jpg'><figcaption>The harbour at dawn, photographed by staff</figcaption></figure>"
    html = (
        f"<html><body><div class='story'>{caption}<figure class='layout'>{PARAGRAPHS * 2}</figure></div></body></html>"
    )
    text = extract_article(html, URL).text
    assert "The harbour at dawn" not in text
    assert "Paragraph 4 of the harbour story" in text


def test_ruby_readings_are_not_read_into_the_text() -> None:
    sentence = "<ruby>法律<rt>ほうりつ</rt></ruby>ができて、親が子どもを教育するために、新しい決まりを作りました。"
    html = f"<html><body><div class='story'>{PARAGRAPHS}<p>{sentence * 2}</p></div></body></html>"
    text = extract_article(html, URL).text
    assert "法律ができて" in text
    assert "ほうりつ" not in text


def test_one_linked_line_between_paragraphs_stays_but_a_link_list_goes() -> None:
    links = "".join(f"<p><a href='/s/{i}'>Another harbour headline number {i}</a></p>" for i in range(3))
    html = (
        "<html><body><div class='story'>"
        f"{PARAGRAPHS}<p><a href='/report.pdf'>The inspectors' full report</a></p>{PARAGRAPHS}{links}"
        "</div></body></html>"
    )
    text = extract_article(html, URL).text
    assert "The inspectors' full report" in text
    assert "Another harbour headline" not in text


def test_the_lead_between_headline_and_body_container_is_kept() -> None:
    html = (
        "<html><body><div class='page'><h1>Harbour reopens</h1>"
        "<div class='intro'><p>After two years of repairs, the harbour opened again to ships on Tuesday.</p></div>"
        "<div class='byline'>By Staff</div>"
        f"<div class='story-body'>{PARAGRAPHS}</div></div>"
        "<div class='elsewhere'><p>A paragraph of another page region that is no lead of this story at all.</p></div>"
        "</body></html>"
    )
    text = extract_article(html, URL).text
    assert text.startswith("After two years of repairs")
    assert "another page region" not in text
