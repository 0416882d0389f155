"""Authors: declared values and visible bylines, each on a small hand-written page."""

from __future__ import annotations

import pytest

from pipelines.extract import extract_article
from pipelines.extract.bylines import clean_authors
from pipelines.extract.tree import MAX_MARKUP_CHARS
from pipelines.models import MetadataSource as Src

STORY = "<p>" + "The council met on Thursday and agreed the new budget for the coming year. " * 6 + "</p>"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Budget agreed</title>{head}</head><body><h1>Budget agreed</h1>{body}{STORY}</body></html>"


def authors_of(html: str) -> tuple[tuple[str, ...] | None, Src | None]:
    found = extract_article(html, "https://news.test/story").metadata.authors
    return found.value, found.source


def test_json_ld_of_an_oversized_page_survives_the_script_clean_up() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Ana Silva"}}</script>'
    filler = "<script>var x = 1;</script>" + "<div>" + "x" * 1000 + "</div>"
    html = page(head=ld, body=filler * (MAX_MARKUP_CHARS // len(filler) + 10))
    assert len(html) > MAX_MARKUP_CHARS
    assert authors_of(html) == (("Ana Silva",), Src.JSON_LD)
