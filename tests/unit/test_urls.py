from __future__ import annotations

import pytest

from pipelines.urls import article_id, canonicalize


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
