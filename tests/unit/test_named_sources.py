"""Which markup names a page's source: a Source link, og:url or a foreign canonical, each URL once."""

from __future__ import annotations

import re
import sys

import pytest

from pipelines.models import NamedSource
from pipelines.provenance import MAX_NAMED_SOURCES, declared_sources, may_name_sources, named_sources

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


GATE = re.compile(r"og:url|source|original", re.IGNORECASE)  # what the gate must answer like


@pytest.mark.parametrize(
    "html",
    ["", "<p>nothing here</p>", "<meta property='OG:URL'>", "<a>SoUrCe</a>", "resources", "ORIGINALLY",
     "\u017fource", "or\u0130ginal", "or\u0131ginal", "or\u0130gin", "og:ur", "sourc", "\u212aelvin " * 50],
)  # fmt: skip
def test_the_cheap_gate_answers_as_the_case_blind_regex(html: str) -> None:
    assert may_name_sources(html) is (GATE.search(html) is not None)


def test_the_gate_knows_every_non_ascii_letter_the_regex_folds_onto_its_words() -> None:
    letters = re.compile(r"[ogurlsceina:]", re.IGNORECASE)
    folded = [chr(c) for c in range(128, sys.maxunicode + 1) if letters.fullmatch(chr(c))]
    assert sorted(folded) == ["\u0130", "\u0131", "\u017f"]
    for ch in folded:  # in each place of each word: "\u017fource" and "or\u0130ginal" match, "\u0131ource" does not
        for word in ("og:url", "source", "original"):
            for at in range(len(word)):
                html = f"<p>{word[:at]}{ch}{word[at + 1 :]}</p>"
                assert may_name_sources(html) is (GATE.search(html) is not None), (hex(ord(ch)), html)
