from __future__ import annotations

import pytest

from pipelines.urls import article_id, article_identity, canonicalize, registrable_domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://News.Example.COM:80/a/b?utm_source=tw&id=3#top", "http://news.example.com/a/b?id=3"),
        ("https://news.example.com:443", "https://news.example.com/"),
        ("https://news.example.com:8443/x?b=2&a=1&fbclid=z", "https://news.example.com:8443/x?a=1&b=2"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_article_id_is_stable_and_short() -> None:
    first = article_id(canonicalize("http://a.test/x?utm_medium=1"))
    assert first == article_id(canonicalize("http://A.test/x"))
    assert len(first) == 32


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("evil.github.io", "evil.github.io"),  # a private suffix: every user's own site
        ("a.b.legit.test", "legit.test"),  # unknown suffix: the list's default rule "*"
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_registrable_domain(host: str, site: str) -> None:
    assert registrable_domain(host) == site


@pytest.mark.parametrize(
    ("declared", "final_url", "domains", "identity", "foreign"),
    [
        (None, "http://legit.test/a?utm_source=x", (), "http://legit.test/a", None),
        ("http://www.legit.test/story-1", "http://legit.test/amp/story-1", (), "http://www.legit.test/story-1", None),
        ("https://legit-cdn.test/s", "http://legit.test/s", ("legit-cdn.test",), "https://legit-cdn.test/s", None),
        # Another site's URL is not the page's identity; it is kept as evidence of a copy.
        ("http://legit.test/story-1", "http://evil.test/p", (), "http://evil.test/p", "http://legit.test/story-1"),
        (
            "http://legit.github.io/s",
            "http://evil.github.io/s",
            (),
            "http://evil.github.io/s",
            "http://legit.github.io/s",
        ),
        # The source's allowed domains do not let one of its pages claim a third site.
        ("http://legit.test/s", "http://evil.test/s", ("evil.test",), "http://evil.test/s", "http://legit.test/s"),
        ("javascript:alert(1)", "http://evil.test/p", (), "http://evil.test/p", "javascript:alert(1)"),
    ],
)
def test_a_canonical_url_off_the_site_never_becomes_the_identity(
    declared: str | None, final_url: str, domains: tuple[str, ...], identity: str, foreign: str | None
) -> None:
    result = article_identity(declared, final_url, domains)
    assert result.canonical_url == identity
    assert result.foreign_canonical == foreign
