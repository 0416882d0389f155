"""extract_article / extract_raw on hand-made pages: body text, chrome removal, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import extract_article, extract_raw
from pipelines.models import ExtractedArticle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
URL = "https://herald.example/news/2024/05/14/bridge"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def news() -> ExtractedArticle:
    return extract_article(load("extract_news_article.html"), URL)


def test_body_paragraphs_in_order(news: ExtractedArticle) -> None:
    lines = news.text.split("\n")
    assert lines[0].startswith("The harbour bridge reopened to traffic on Tuesday morning")
    assert lines[-1].startswith("The bridge will close again overnight")
    assert "Traffic expected to ease" in lines  # subheadings are body text
    assert any(line.startswith("“It has been a long two years") for line in lines)  # so are quotes
    assert news.empty_reason is None


@pytest.mark.parametrize(
    "chrome",
    [
        "We use cookies",
        "Sport",
        "Facebook",
        "Advertisement",
        "Sign up for our newsletter",
        "Related stories",
        "Ferry timetable",
        "About time!",
        "All rights reserved",
        "Photo: Herald staff",
        "Home",
        "By Maria Lopes",
    ],
)
def test_chrome_is_not_in_the_text(news: ExtractedArticle, chrome: str) -> None:
    assert chrome not in news.text


@pytest.mark.parametrize(
    "category,snippet",
    [
        ("cookie_banner", "We use cookies"),
        ("navigation", "Sport"),
        ("share_bar", "Facebook"),
        ("ad_slot", "Advertisement"),
        ("newsletter_box", "Sign up for our newsletter"),
        ("related_links", "Ferry timetable"),
        ("comments", "About time!"),
    ],
)
def test_removed_chrome_is_recorded_with_its_category(news: ExtractedArticle, category: str, snippet: str) -> None:
    assert any(b.category == category and snippet in b.text for b in news.stripped)


def test_metadata(news: ExtractedArticle) -> None:
    assert news.title == "Harbour bridge reopens after two years of repairs"
    assert news.published == "2024-05-14T08:30:00+01:00"
    assert news.author == "Maria Lopes, Tom Reid"  # JSON-LD beats the meta tag
    assert news.language == "en"
    assert news.canonical_url == "https://herald.example/news/2024/05/harbour-bridge-reopens"


def test_str_and_bytes_give_the_same_article() -> None:
    raw = load("extract_news_article.html")
    assert extract_article(raw, URL) == extract_article(raw.decode("utf-8"), URL)


def test_extract_raw_keeps_text_residue_that_extract_article_strips() -> None:
    html = (
        "<html><body><article><h1>Storm warning</h1><div class='body'>"
        "<p>Forecasters issued an amber warning for high winds along the whole coast on Friday night.</p>"
        "<p>Ferries were cancelled and the coast road will close from six o'clock as a precaution.</p>"
        "<p>[ad_1]</p><p>Source link</p></div></article></body></html>"
    )
    raw = extract_raw(html)
    clean = extract_article(html)
    assert "Source link" in raw.text
    assert "Source link" not in clean.text
    assert "[ad_1]" not in clean.text
    assert clean.text.startswith("Forecasters issued an amber warning")
    assert {b.category for b in clean.stripped} >= {"ad_slot", "text_residue"}


def test_br_separated_blog_post() -> None:
    article = extract_article(load("extract_blog_br.html"))
    lines = article.text.split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("This week the first tomatoes finally turned red")
    assert "Archive" not in article.text
    assert "Posted by" not in article.text
    assert article.language == "fr"


def test_chrome_named_wrapper_holding_the_article_is_kept() -> None:
    paragraph = "The museum will reopen its east wing in September after a two-year restoration of the roof. "
    html = (
        "<html><body><nav><a href='/'>Home</a></nav>"
        "<div class='post-share-enabled sidebar-layout'>"
        + "".join(f"<p>{paragraph}Part {i}.</p>" for i in range(5))
        + "</div><footer>Contact us</footer></body></html>"
    )
    article = extract_article(html)
    assert article.text.count("The museum will reopen") == 5


def test_hidden_duplicate_metadata_block_is_ignored() -> None:
    html = (
        "<html><body><div class='story'>"
        + "<p>Rail services between the two cities resumed on Monday after the landslip was cleared.</p>" * 3
        + "</div><div style='display:none' itemscope><div itemprop='articleBody'>"
        "<p>HIDDEN copy of the story for search engines, with extra words that readers never see.</p>"
        "</div><div itemprop='datePublished'>2024-01-01</div></div></body></html>"
    )
    article = extract_article(html)
    assert "HIDDEN" not in article.text
    assert "Rail services" in article.text


def test_body_container_with_a_chrome_word_among_its_classes_is_kept() -> None:
    html = (
        "<html><body><div class='article-body share-enabled'>"
        "<p>The festival drew more than twelve thousand visitors over the weekend, organisers said.</p>"
        "<p>Next year's event will move to the larger showground on the edge of town.</p>"
        "</div></body></html>"
    )
    article = extract_article(html)
    assert article.text.startswith("The festival drew more than twelve thousand visitors")


@pytest.mark.parametrize(
    "head",
    [
        '<?xml version="1.0" encoding="iso-8859-1"?>',
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
    ],
)
def test_str_input_ignores_a_charset_the_page_declares(head: str) -> None:
    paragraph = "<p>Crème brûlée and café au lait were served at the festival on Saturday, said the organisers.</p>"
    article = extract_article(f"{head}<html><body><article>{paragraph * 3}</article></body></html>")
    assert article.text.startswith("Crème brûlée and café au lait")


def test_short_article_in_a_chrome_named_container_survives_by_retry() -> None:
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><div class='widget blog-widget'>"
        "<p>Only one paragraph of news today: the library will close early on Friday for staff training, "
        "and it will reopen at nine on Saturday morning as usual.</p>"
        "</div><footer>Contact</footer></body></html>"
    )
    article = extract_article(html)
    assert article.text.startswith("Only one paragraph of news today")
    assert "Home" not in article.text


def test_live_blog_entries_are_all_collected() -> None:
    entries = "".join(
        f"<div class='post-entry'><time>10:{i:02d}</time><p>Update {i}: the minister arrived at the summit venue "
        "and, speaking briefly to reporters, said talks would run late into the night.</p></div>"
        for i in range(8)
    )
    html = (
        "<html><body><header><nav><a href='/'>Home</a></nav></header><h1>Summit live</h1>"
        f"<div class='live-feed'>{entries}</div><aside><h3>Most read</h3><a href='/x'>Other story</a></aside>"
        "</body></html>"
    )
    article = extract_article(html)
    assert [line for line in article.text.split("\n") if line.startswith("Update")] == [
        f"Update {i}: the minister arrived at the summit venue and, speaking briefly to reporters, "
        "said talks would run late into the night."
        for i in range(8)
    ]
    assert "Most read" not in article.text


def test_wordpress_post_with_taxonomy_classes_and_a_long_comment_thread() -> None:
    paragraph = "<p>The council voted on Tuesday to approve the plan, which has divided residents for years.</p>"
    comments = "".join(
        f"<li class='comment'><div class='comment-body'><p>Comment {i}: I really disagree with this decision "
        "because it will make the traffic much worse in the town centre for everyone.</p></div></li>"
        for i in range(12)
    )
    html = (
        "<html><body><article class='post type-post category-social-media tag-ads'><h1>Vote</h1>"
        f"<div class='entry-content'>{paragraph * 3}</div></article>"
        f"<div id='comments' class='comments-area'><ol class='comment-list'>{comments}</ol></div></body></html>"
    )
    article = extract_article(html)
    assert article.text.count("The council voted") == 3
    assert "Comment" not in article.text
    assert any(b.category == "comments" and "Comment 0" in b.text for b in article.stripped)


def test_captions_and_link_lists_inside_the_article_are_recorded() -> None:
    paragraph = "<p>The mountain rescue team was called out four times over the bank holiday weekend.</p>"
    html = (
        f"<html><body><div class='story'>{paragraph * 2}"
        "<figure><img src='a.jpg'><figcaption>Volunteers on the ridge on Sunday</figcaption></figure>"
        "<ul><li><a href='/a'>Earlier: rescue team gets new vehicle</a></li></ul>"
        f"{paragraph}</div></body></html>"
    )
    article = extract_article(html)
    assert article.text.count("The mountain rescue team") == 3
    assert "Volunteers on the ridge" not in article.text
    assert "Earlier: rescue team" not in article.text
    assert ("other", "Volunteers on the ridge on Sunday") in [(b.category, b.text) for b in article.stripped]
    assert any(b.category == "related_links" and "Earlier: rescue team" in b.text for b in article.stripped)
