"""Metadata: each source on a small page of its own, and which evidence each field came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import extract_article
from pipelines.models import ArticleMetadata
from pipelines.models import MetadataSource as Src

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"


def meta_of(name: str, url: str = "https://news.test/story") -> ArticleMetadata:
    return extract_article((FIXTURES / name).read_text(encoding="utf-8"), url).metadata


def test_json_ld_news_article_gives_every_field() -> None:
    meta = meta_of("meta_jsonld.html", "https://herald.test/local/bridge")
    assert meta.title.value == "Harbour bridge reopens after two years of repairs"
    assert meta.title.source is Src.JSON_LD
    assert meta.authors.value == ("Maria Lopes", "Tom Reid") and meta.authors.source is Src.JSON_LD
    assert meta.published.value == "2024-05-14T08:30:00+01:00" and meta.published.source is Src.JSON_LD
    assert meta.modified.value == "2024-05-15T10:00:00+01:00"
    assert meta.section.value == "Local"
    assert meta.tags.value == ("bridges", "transport", "harbour")
    assert meta.description.value == "The harbour bridge reopened on Tuesday."
    assert meta.image_url.value == "https://herald.test/img/bridge.jpg"
    assert meta.site_name.value == "The Coastal Herald"
    assert meta.language.value == "en" and meta.language.source is Src.MARKUP


def test_opengraph_fields_and_their_evidence() -> None:
    meta = meta_of("meta_opengraph.html")
    assert meta.title.value == "Council votes on new cycle lanes" and meta.title.source is Src.OPENGRAPH
    assert meta.published.value == "2023-09-02T17:05:00Z" and meta.published.source is Src.OPENGRAPH
    assert meta.modified.value == "2023-09-03T09:00:00Z"
    assert meta.site_name.value == "Riverside Post" and meta.site_name.source is Src.OPENGRAPH
    assert meta.section.value == "Politics"
    assert meta.tags.value == ("cycling", "council")
    assert meta.image_url.value == "https://post.test/img/lanes.jpg"
    assert meta.canonical_url.value == "https://post.test/news/cycle-lanes"
    assert meta.language.value == "fr" and meta.language.source is Src.OPENGRAPH
    assert meta.authors.value is None, "no author anywhere: absent, not guessed"


def test_microdata_article_item() -> None:
    meta = meta_of("meta_microdata.html", "https://stadt.test/kultur/bibliothek")
    assert meta.title.value == "Neue Bibliothek eröffnet am Marktplatz" and meta.title.source is Src.MICRODATA
    assert meta.authors.value == ("Anna Berger",) and meta.authors.source is Src.MICRODATA
    assert meta.published.value == "2021-03-08T09:15:00+01:00" and meta.published.source is Src.MICRODATA
    assert meta.modified.value == "2021-03-09"
    assert meta.section.value == "Kultur"
    assert meta.tags.value == ("Bibliothek", "Stadt")
    assert meta.image_url.value == "https://stadt.test/bilder/bibliothek.jpg"
    assert meta.language.value == "de"


def test_plain_meta_names_and_a_relative_canonical_link() -> None:
    meta = meta_of("meta_plain.html", "https://diario.test/2022/11/lluvias?ref=home")
    assert meta.authors.value == ("Lucía Fernández", "Jorge Ruiz") and meta.authors.source is Src.META
    assert meta.published.value == "2022-11-20" and meta.published.source is Src.META
    assert meta.description.value == "Las lluvias dejaron más de 200 litros por metro cuadrado."
    assert meta.tags.value == ("lluvia", "clima", "costa")
    assert meta.canonical_url.value == "https://diario.test/2022/lluvias-record"
    assert meta.canonical_url.source is Src.MARKUP
    assert meta.language.value == "es" and meta.language.source is Src.META
    assert meta.title.value == "Lluvias récords en la costa" and meta.title.source is Src.MARKUP


def test_time_element_and_byline_outside_navigation_comments_and_footer() -> None:
    meta = meta_of("meta_time_byline.html")
    assert meta.published.value == "2019-06-21T14:00:00-04:00" and meta.published.source is Src.TIME
    assert meta.authors.value == ("Jane Doe", "John Roe") and meta.authors.source is Src.BYLINE


def test_date_from_the_url_pattern_before_the_text() -> None:
    meta = meta_of("meta_url_text.html", "https://stadt.test/2019/10/15/preise")
    assert meta.published.value == "2019-10-15" and meta.published.source is Src.URL


def test_date_written_in_the_dateline_not_the_copyright_footer() -> None:
    meta = meta_of("meta_url_text.html", "https://stadt.test/wirtschaft/preise")
    assert meta.published.value == "2019-10-16" and meta.published.source is Src.TEXT


def test_no_date_is_none_never_today_or_a_copyright_year() -> None:
    meta = meta_of("meta_none.html")
    assert meta.published.value is None and meta.published.source is None
    assert meta.modified.value is None


def test_article_repeats_the_metadata_in_its_flat_fields() -> None:
    article = extract_article((FIXTURES / "meta_jsonld.html").read_text(encoding="utf-8"), "https://herald.test/a")
    assert article.published == article.metadata.published.value
    assert article.author == "Maria Lopes, Tom Reid"
    assert article.language == "en"


@pytest.mark.parametrize(
    "ld",
    [
        '{"@type": "NewsArticle", "datePublished": "not a date", "author": "https://x.test/me"}',
        '{"@type": "NewsArticle", "datePublished": "2019-02-30", "author": {"name": 7}}',
        '[{"@type": ["Thing"]}, 5, null, "x"]',
        '{"@type": "NewsArticle", "author": [' + '{"name": "A B"},' * 500 + '{"name": "C D"}]}',
        "{not json",
    ],
    ids=["junk-values", "impossible-day", "odd-shapes", "many-authors", "malformed"],
)
def test_hostile_json_ld_gives_absent_or_bounded_fields(ld: str) -> None:
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body><p>Text.</p></body></html>'
    meta = extract_article(html, "https://news.test/a").metadata
    assert meta.published.value is None
    assert meta.authors.value is None or len(meta.authors.value) <= 10
