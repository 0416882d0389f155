"""crawler.guard: the middleware's decisions, opt-ins and bookkeeping (fake resolver)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from config.settings import parse_settings
from crawler.config import CRAWL_CONFIG, CrawlConfig
from crawler.guard import AddressGuardMiddleware, CachingResolver

DNS = {"news.example": ["93.184.216.34"], "intranet.example": ["10.0.0.5"]}


def fake_resolve(host: str) -> list[str]:
    if host not in DNS:
        raise OSError("Name or service not known")
    return DNS[host]


def make_crawler(settings: dict[str, str] | None = None, **spider_attrs: object) -> Crawler:
    """A crawler whose crawl configuration is built from newsdesk settings (environment-variable names)."""
    config = CrawlConfig(parse_settings(None, settings or {}), "", private_domains=("intranet.example",))
    crawler = get_crawler(Spider, {CRAWL_CONFIG: config})
    crawler.spider = crawler._create_spider("probe", **spider_attrs)
    return crawler


def guard(crawler: Crawler) -> AddressGuardMiddleware:
    return AddressGuardMiddleware(resolve=fake_resolve, crawler=crawler)


def run(middleware: AddressGuardMiddleware, url: str) -> None:
    asyncio.run(middleware.process_request(Request(url)))


def test_public_host_passes() -> None:
    crawler = make_crawler()
    run(guard(crawler), "https://news.example/story")
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsdesk/refused_address") is None


@pytest.mark.parametrize(
    "url", ["http://intranet.example/", "http://169.254.169.254/latest/meta-data/", "http://0x7f.1/"]
)
def test_private_targets_are_ignored_logged_and_counted(url: str, caplog: pytest.LogCaptureFixture) -> None:
    crawler = make_crawler()
    middleware = guard(crawler)
    with caplog.at_level(logging.WARNING, logger="crawler.guard"), pytest.raises(IgnoreRequest, match="refused"):
        run(middleware, url)
    assert any(url in record.getMessage() for record in caplog.records)
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsdesk/refused_address") == 1


def test_spider_attribute_opts_in() -> None:
    run(guard(make_crawler(allow_private_hosts=True)), "http://intranet.example/")
    run(guard(make_crawler(allow_private_hosts=True)), "http://127.0.0.1:8080/")


def test_setting_opts_in_for_the_whole_crawl() -> None:
    crawler = make_crawler({"NEWSDESK_CRAWL_ALLOW_PRIVATE_HOSTS": "true"})
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    assert middleware.allow_private
    run(middleware, "http://127.0.0.1:8080/")


def test_a_private_sources_names_are_refused_to_every_other_source() -> None:
    """The connect-time resolver skips the address check for a private source's domains; so only that source's
    requests may go there (a public source's page linking to the intranet name is refused here)."""
    public = AddressGuardMiddleware.from_crawler(make_crawler())
    with pytest.raises(IgnoreRequest, match="only a source allowed private hosts"):
        run(public, "http://intranet.example/")
    with pytest.raises(IgnoreRequest, match="only a source allowed private hosts"):
        run(public, "http://wiki.intranet.example/")
    private = AddressGuardMiddleware.from_crawler(make_crawler(allow_private_hosts=True))
    private._resolve = fake_resolve
    run(private, "http://intranet.example/")


def test_opt_in_still_refuses_other_schemes() -> None:
    with pytest.raises(IgnoreRequest, match="scheme 'file'"):
        run(guard(make_crawler(allow_private_hosts=True)), "file:///etc/passwd")


def test_allow_list_is_exact_host_and_port() -> None:
    crawler = make_crawler({"NEWSDESK_CRAWL_GUARD_ALLOWED_HOSTS": "localhost:8123, LOCALHOST:80"})
    middleware = AddressGuardMiddleware.from_crawler(crawler)
    run(middleware, "http://localhost:8123/page")
    run(middleware, "http://localhost/")  # port 80 implied
    for refused in ("http://localhost:8124/", "http://127.0.0.1:8123/", "https://localhost/"):
        with pytest.raises(IgnoreRequest):
            run(middleware, refused)


def test_unresolvable_host_is_a_dns_error_for_retry() -> None:
    with pytest.raises(DNSLookupError, match=r"unknown\.example"):
        run(guard(make_crawler()), "http://unknown.example/")


def test_caching_resolver_asks_once_per_ttl() -> None:
    asked: list[str] = []
    now = [0.0]

    def counting(host: str) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    resolver = CachingResolver(counting, ttl=60.0, clock=lambda: now[0])
    assert resolver("news.example") == ["93.184.216.34"]
    resolver("news.example")
    now[0] = 61.0
    resolver("news.example")
    assert asked == ["news.example", "news.example"]
