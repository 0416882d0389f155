"""Which markup names a page's source: a Source link, og:url or a foreign canonical, each URL once."""

from __future__ import annotations

from pipelines.models import NamedSource
from pipelines.provenance import MAX_NAMED_SOURCES, declared_sources, named_sources

PAGE = "https://blog.test/post"
HTML = """<html><head><meta property="og:url" content="https://wire.test/story"></head><body>
<p><a href="https://wire.test/story">Source link</a> <a href="https://other.test/b">Original article:</a>
<a href="/about">Source</a></p></body></html>"""


def test_each_named_url_keeps_the_first_markup_that_names_it() -> None:
    found = declared_sources(HTML, PAGE, foreign_canonical="https://other.test/b")
    assert found == (
        NamedSource("https://other.test/b", "canonical"),
        NamedSource("https://wire.test/story", "og:url"),
    )
    assert named_sources(HTML, PAGE) == ("https://wire.test/story", "https://other.test/b")


def test_a_source_link_within_the_page_s_own_site_names_nothing() -> None:
    assert declared_sources('<a href="https://blog.test/x">Source link</a>', PAGE) == ()


def test_a_page_naming_thousands_of_sources_keeps_the_first_few() -> None:
    links = "".join(f"<a href='https://w{i}.test/s'>Source link</a>" for i in range(5_000))
    sources = declared_sources(f"<html><body><p>Story.</p>{links}</body></html>", PAGE)
    assert [s.url for s in sources] == [f"https://w{i}.test/s" for i in range(MAX_NAMED_SOURCES)]
