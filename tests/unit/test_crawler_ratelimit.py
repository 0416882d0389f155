"""crawler.ratelimit: Retry-After parsing, intervals, and the middleware's waits (local slots)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.utils.test import get_crawler

from crawler.ratelimit import HostRateLimitMiddleware, parse_retry_after
from crawler.slots import LocalSlots

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        (format_datetime(datetime.fromtimestamp(NOW + 90, UTC), usegmt=True), 90.0),
        (format_datetime(datetime.fromtimestamp(NOW - 90, UTC), usegmt=True), 0.0),  # already past
        ("-5", None),
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: not an HTTP-date
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    parsed = parse_retry_after(value, NOW)
    assert parsed == (pytest.approx(expected) if expected is not None else None)


def make_crawler(**spider_attrs: object) -> Crawler:
    crawler = get_crawler(Spider)
    crawler.spider = crawler._create_spider("probe", **spider_attrs)
    return crawler


def test_not_configured_without_redis_url() -> None:
    with pytest.raises(NotConfigured):
        HostRateLimitMiddleware.from_crawler(make_crawler())


def test_interval_comes_from_setting_spider_and_robots() -> None:
    middleware = HostRateLimitMiddleware(LocalSlots(), min_interval=1.0, crawler=make_crawler())
    assert middleware.interval_for("a.example") == 1.0
    spider_override = HostRateLimitMiddleware(LocalSlots(), crawler=make_crawler(host_min_interval=0.2))
    assert spider_override.interval_for("a.example") == 0.2

    robots = ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 7\n", None)
    spider_override.robots_parsed(robots, Request("https://a.example/page"))
    assert spider_override.interval_for("a.example") == 7.0  # robots.txt asks for more: it wins
    assert spider_override.interval_for("b.example") == 0.2


def test_crawl_delay_for_our_user_agent_wins_over_the_wildcard() -> None:
    crawler = get_crawler(Spider, {"USER_AGENT": "newsdesk/0.1 (+https://newsdesk.example)"})
    crawler.spider = crawler._create_spider("probe")
    middleware = HostRateLimitMiddleware(LocalSlots(), min_interval=0.5, crawler=crawler)
    robots = b"User-agent: newsdesk\nCrawl-delay: 4\n\nUser-agent: *\nCrawl-delay: 1\n"
    middleware.robots_parsed(ProtegoRobotParser(robots, None), Request("https://a.example/"))
    assert middleware.interval_for("a.example") == 4.0


def test_crawl_delay_is_capped() -> None:
    middleware = HostRateLimitMiddleware(LocalSlots(), crawl_delay_max=30.0, crawler=make_crawler())
    middleware.robots_parsed(
        ProtegoRobotParser(b"User-agent: *\nCrawl-delay: 3600\n", None), Request("https://a.example/")
    )
    assert middleware.interval_for("a.example") == 30.0


def test_requests_to_one_host_wait_for_their_slots() -> None:
    crawler = make_crawler()
    middleware = HostRateLimitMiddleware(LocalSlots(), min_interval=0.15, crawler=crawler)

    async def three() -> list[float]:
        started = time.monotonic()
        done: list[float] = []

        async def one(url: str) -> None:
            await middleware.process_request(Request(url))
            done.append(time.monotonic() - started)

        await asyncio.gather(*(one(f"https://a.example/{i}") for i in range(3)), one("https://b.example/"))
        return sorted(done)

    finished = asyncio.run(three())
    # b.example and the first a.example go at once; the others one interval apart.
    assert finished[0] < 0.1 and finished[1] < 0.1
    assert finished[2] >= 0.15 and finished[3] >= 0.30
    assert crawler.stats is not None
    assert crawler.stats.get_value("newsdesk/rate_limited") == 2  # requests that waited, not naps taken


@pytest.mark.parametrize(
    ("status", "header", "pushed"),
    [(429, "2", 2.0), (503, "1", 1.0), (429, "99999", 600.0), (200, "5", None), (429, None, None), (503, "x", None)],
)
def test_retry_after_pushes_the_host_slot(status: int, header: str | None, pushed: float | None) -> None:
    now = [100.0]
    slots = LocalSlots(lambda: now[0])
    middleware = HostRateLimitMiddleware(slots, min_interval=0.0, retry_after_max=600.0, crawler=make_crawler())
    request = Request("https://a.example/")
    response = Response(request.url, status=status, headers={"Retry-After": header} if header else {})
    assert asyncio.run(middleware.process_response(request, response)) is response  # RetryMiddleware retries it
    assert slots.take("a.example", 0.0) == (pushed or 0.0)
