"""Authors: declared values and visible bylines, each on a small hand-written page."""

from __future__ import annotations

import pytest

from pipelines.extract import extract_article
from pipelines.extract.bylines import clean_authors
from pipelines.extract.tree import MAX_MARKUP_CHARS
from pipelines.models import MetadataSource as Src

STORY = "<p>" + "The council met on Thursday and agreed the new budget for the coming year. " * 6 + "</p>"


def page(head: str = "", body: str = "") -> str:
    title = "Budget agreed"
    return f"<html><head><title>{title}</title>{head}</head><body><h1>{title}</h1>{body}{STORY}</body></html>"


def authors_of(html: str) -> tuple[tuple[str, ...] | None, Src | None]:
    found = extract_article(html, "https://news.test/story").metadata.authors
    return found.value, found.source


def test_json_ld_of_an_oversized_page_survives_the_script_clean_up() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Ana Silva"}}</script>'
    filler = "<script>var x = 1;</script>" + "<div>" + "x" * 1000 + "</div>"
    html = page(head=ld, body=filler * (MAX_MARKUP_CHARS // len(filler) + 10))
    assert len(html) > MAX_MARKUP_CHARS
    assert authors_of(html) == (("Ana Silva",), Src.JSON_LD)


@pytest.mark.parametrize(
    ("byline", "want"),
    [
        ('<div class="byline">By <a href="/a/jane">Jane Doe</a> and <a href="/a/john">John Roe</a> | March 3</div>',
         ("Jane Doe", "John Roe")),
        ('<div class="author"><a href="/a/c">Christoph Hein</a> <span>Chefredakteur</span></div>', ("Christoph Hein",)),
        ('<div class="author"><a href="/a/c">Celeste Long</a><p>Gardener, Astrologer</p></div>', ("Celeste Long",)),
        ('<p class="byline">Veröffentlicht von <a href="/autor/cj">Chris Jung</a></p>', ("Chris Jung",)),
        ('<span class="author-name">View all posts by Daniel Lemire</span>', ("Daniel Lemire",)),
        ('<div class="byline"><span>Isabel Caro</span>, <span>Rocío Latorre</span> <span>Hace 2 horas</span></div>',
         ("Isabel Caro", "Rocío Latorre")),
        ('<div class="byline">Posted</div>', None),
    ],
    ids=["and-joined", "role-after-name", "roles-without-connector", "german-lead-phrase", "view-all-posts",
         "comma-joined-then-date", "lead-word-only"],
)  # fmt: skip
def test_visible_byline_names(byline: str, want: tuple[str, ...] | None) -> None:
    names, source = authors_of(page(body=byline))
    assert names == want
    assert source is (Src.BYLINE if want else None)


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("Staff Writer", ("Staff Writer",)),
        ("Redaktion", ("Redaktion",)),
        ("Jane Doe, Culture desk", ("Jane Doe",)),
        ("webmaster", ()),
        ("undefined", ()),
        ("Reviewed by Dr. Ann Lee", ()),
        ("Luke Kim December", ("Luke Kim",)),
    ],
)
def test_declared_values(value: str, want: tuple[str, ...]) -> None:
    assert clean_authors([value]) == want


def test_an_author_that_only_names_the_site_gives_way_to_the_byline() -> None:
    head = '<meta name="author" content="The Daily Planet"><meta property="og:site_name" content="The Daily Planet">'
    body = '<div class="byline">By <a href="/author/lois">Lois Lane</a></div>'
    assert authors_of(page(head=head, body=body)) == (("Lois Lane",), Src.BYLINE)
    assert authors_of(page(head=head)) == (None, None), "the outlet is no writer"


def test_a_personal_site_named_after_its_writer_keeps_the_name() -> None:
    html = page(head='<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Jane Doe">')
    assert authors_of(html) == (("Jane Doe",), Src.META)


def test_microdata_authors_of_comments_are_not_the_story_s() -> None:
    body = (
        '<article itemscope itemtype="https://schema.org/Article">'
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">Ann Berg</span></span>'
        '<div itemprop="comment" itemscope itemtype="https://schema.org/Comment">'
        '<span itemprop="author">Bob Reader</span><p>Nice.</p></div></article>'
    )
    assert authors_of(page(body=body)) == (("Ann Berg",), Src.MICRODATA)
