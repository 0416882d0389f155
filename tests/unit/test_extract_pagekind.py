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
