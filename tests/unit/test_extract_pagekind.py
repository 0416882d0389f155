"""Pages that are not articles give empty text and a reason, not a patchwork of teasers."""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


def test_listing_page_is_empty_with_reason() -> None:
    article = extract_article((FIXTURES / "extract_listing_page.html").read_bytes())
    assert article.text == ""
    assert article.empty_reason == "listing_page"
    assert article.title == "Local news"


def test_error_page_is_empty_with_reason() -> None:
    article = extract_article((FIXTURES / "extract_error_page.html").read_bytes())
    assert article.text == ""
    assert article.empty_reason == "error_page"


def test_page_without_prose_is_empty() -> None:
    article = extract_article("<html><body><nav><a href='/'>Home</a></nav><p>Hello.</p></body></html>")
    assert article.text == ""
    assert article.empty_reason == "no_main_content"


def test_article_with_a_few_related_headlines_is_still_an_article() -> None:
    paragraph = "<p>Volunteers planted two thousand trees along the river bank over the weekend, the trust said.</p>"
    related = "".join(f"<h3><a href='/n/{i}'>Another local story headline number {i}</a></h3>" for i in range(3))
    html = f"<html><body><article>{paragraph * 8}{related}</article></body></html>"
    article = extract_article(html)
    assert article.empty_reason is None
    assert article.text.count("Volunteers planted") == 8


def test_short_article_followed_by_related_teasers_with_summaries_is_an_article() -> None:
    story = "".join(
        f"<p>Paragraph {i} of the story: the harbour authority confirmed the new ferry route will open in May.</p>"
        for i in range(4)
    )
    teasers = "".join(
        f"<div><h3><a href='/n/{i}'>Another local headline about something else, number {i}</a></h3>"
        f"<p>A one-line summary of that other story, long enough to look like a paragraph {i}.</p></div>"
        for i in range(6)
    )
    article = extract_article(f"<html><body><div class='main'>{story}{teasers}</div></body></html>")
    assert article.empty_reason is None
    assert article.text.count("harbour authority confirmed") == 4


def test_index_of_bare_headline_links_is_a_listing() -> None:
    links = "".join(f"<h2><a href='/n/{i}'>Headline number {i} about the town council vote</a></h2>" for i in range(12))
    article = extract_article(f"<html><body><main>{links}</main></body></html>")
    assert article.text == ""
    assert article.empty_reason == "listing_page"
