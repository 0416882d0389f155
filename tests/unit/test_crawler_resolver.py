"""crawler.resolver: the connect-time address check and its opt-ins (no real lookups)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.settings import Settings

from config.settings import parse_settings
from config.sources import parse_sources
from crawler.config import CRAWL_CONFIG, CrawlConfig
from crawler.guard import GuardRefused
from crawler.resolver import GuardedResolver


def resolver(**kwargs: Any) -> GuardedResolver:
    return GuardedResolver(SimpleNamespace(), 0, 5.0, **kwargs)  # type: ignore[arg-type]


def test_public_answer_passes() -> None:
    assert resolver()._check("93.184.216.34", "news.example") == "93.184.216.34"


@pytest.mark.parametrize(("answer", "reason"), [("127.0.0.1", "loopback"), ("169.254.169.254", "metadata")])
def test_forbidden_answer_is_refused(answer: str, reason: str) -> None:
    with pytest.raises(GuardRefused, match=reason):
        resolver()._check(answer, "rebind.example")


def test_opt_ins() -> None:
    assert not resolver()._exempt("localhost")
    assert resolver(allow_private=True)._exempt("localhost")
    assert resolver(allowed_names=["LocalHost"])._exempt("localhost")


def test_one_private_source_does_not_lift_the_check_for_the_others() -> None:
    """``crawl --all``: one process, a private source among public ones; only its own domains are exempt."""
    sources = parse_sources(
        {
            "sources": [
                {"id": "intranet", "name": "I", "kind": "site", "start_urls": ["http://wiki.corp.test/"],
                 "allow_private_hosts": True},
                {"id": "public", "name": "P", "kind": "feed", "start_urls": ["http://news.example/feed"]},
            ]
        }
    )  # fmt: skip
    config = CrawlConfig.for_sources(parse_settings(None, {}), "redis://127.0.0.1:1/0", sources)
    assert config.private_domains == ("wiki.corp.test",)
    process = SimpleNamespace(settings=Settings({"DNS_TIMEOUT": 30, CRAWL_CONFIG: config}))
    built = GuardedResolver.from_crawler(process, SimpleNamespace())  # type: ignore[arg-type]
    assert built._exempt("wiki.corp.test") and built._exempt("WIKI.corp.test")
    for name in ("news.example", "rebind.example", "corp.test", "localhost"):
        assert not built._exempt(name), name


def test_settings_come_from_the_process() -> None:
    settings = parse_settings(None, {"NEWSDESK_CRAWL_GUARD_ALLOWED_HOSTS": "localhost:8080"})
    config = CrawlConfig(settings, "redis://127.0.0.1:1/0")
    scrapy_settings = Settings(
        {"DNSCACHE_ENABLED": True, "DNSCACHE_SIZE": 100, "DNS_TIMEOUT": 30, CRAWL_CONFIG: config}
    )
    built = GuardedResolver.from_crawler(SimpleNamespace(settings=scrapy_settings), SimpleNamespace())  # type: ignore[arg-type]
    assert built.allowed_names == frozenset({"localhost"})
    assert not built.allow_private
    assert built.timeout == 30.0
