"""crawler.incremental: conditional headers, 304s and unchanged bodies (in-memory state store)."""

from __future__ import annotations

import asyncio
import logging

import pytest
import redis
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.fetchstate import FetchState, body_digest
from crawler.incremental import ConditionalRequestMiddleware
from crawler.redisstate import OutageBreaker

BODY = b"<html><body>story</body></html>"


class MemoryStore:
    def __init__(self) -> None:
        self.states: dict[str, FetchState] = {}
        self.touched: list[str] = []
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise redis.ConnectionError("connection refused")

    def load(self, url: str) -> FetchState | None:
        self._check()
        return self.states.get(url)

    def save(self, url: str, state: FetchState) -> None:
        self._check()
        self.states[url] = state

    def touch(self, url: str) -> None:
        self._check()
        self.touched.append(url)


def make(store: MemoryStore) -> tuple[ConditionalRequestMiddleware, Crawler]:
    crawler = get_crawler(Spider)
    crawler.spider = crawler._create_spider("probe")
    return ConditionalRequestMiddleware(store, OutageBreaker("unconditional"), crawler=crawler), crawler


def fetch(
    middleware: ConditionalRequestMiddleware,
    request: Request,
    status: int,
    body: bytes = BODY,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request/response round through the middleware, like the downloader would do it."""

    async def round_trip() -> Response:
        await middleware.process_request(request)
        response = HtmlResponse(request.url, status=status, body=body, headers=headers or {})
        return await middleware.process_response(request, response)

    return asyncio.run(round_trip())


def stat(crawler: Crawler, key: str) -> object:
    assert crawler.stats is not None
    return crawler.stats.get_value(key)


def test_first_fetch_is_plain_and_remembered() -> None:
    store = MemoryStore()
    middleware, _ = make(store)
    request = Request("https://news.example/a")
    fetch(middleware, request, 200, headers={"ETag": '"v1"', "Last-Modified": "Wed, 21 Oct 2026 07:28:00 GMT"})
    assert b"If-None-Match" not in request.headers
    assert store.states["https://news.example/a"] == FetchState(
        etag='"v1"', last_modified="Wed, 21 Oct 2026 07:28:00 GMT", sha256=body_digest(BODY)
    )


def test_next_fetch_is_conditional_and_304_is_ignored() -> None:
    store = MemoryStore()
    store.states["https://news.example/a"] = FetchState('"v1"', "Wed, 21 Oct 2026 07:28:00 GMT", "x")
    middleware, crawler = make(store)
    request = Request("https://news.example/a")
    with pytest.raises(IgnoreRequest, match="not modified"):
        fetch(middleware, request, 304, body=b"")
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Wed, 21 Oct 2026 07:28:00 GMT"
    assert stat(crawler, "newsdesk/not_modified") == 1
    assert store.touched == ["https://news.example/a"]  # the stored state stays alive


def test_same_body_is_flagged_unchanged() -> None:
    store = MemoryStore()
    store.states["https://news.example/a"] = FetchState(None, None, body_digest(BODY))
    middleware, crawler = make(store)
    request = Request("https://news.example/a")
    fetch(middleware, request, 200)
    assert b"If-None-Match" not in request.headers  # nothing to be conditional on
    assert request.meta["newsdesk_unchanged"] is True
    assert stat(crawler, "newsdesk/unchanged") == 1


def test_changed_body_is_not_flagged_and_state_updates() -> None:
    store = MemoryStore()
    store.states["https://news.example/a"] = FetchState('"v1"', None, body_digest(b"old"))
    middleware, crawler = make(store)
    request = Request("https://news.example/a")
    fetch(middleware, request, 200, headers={"ETag": '"v2"'})
    assert "newsdesk_unchanged" not in request.meta
    assert stat(crawler, "newsdesk/unchanged") is None
    assert store.states["https://news.example/a"].etag == '"v2"'


def test_discovery_pages_count_separately() -> None:
    store = MemoryStore()
    store.states["https://news.example/feed.xml"] = FetchState(None, None, body_digest(BODY))
    middleware, crawler = make(store)
    request = Request("https://news.example/feed.xml", meta={"newsdesk_discovery": True})
    fetch(middleware, request, 200)
    assert request.meta["newsdesk_unchanged"] is True
    assert stat(crawler, "newsdesk/unchanged_discovery") == 1
    assert stat(crawler, "newsdesk/unchanged") is None


def test_redirect_drops_validators_of_the_old_url() -> None:
    store = MemoryStore()
    store.states["https://news.example/old"] = FetchState('"old"', None, "x")
    store.states["https://news.example/new"] = FetchState('"new"', None, "y")
    middleware, _ = make(store)
    first = Request("https://news.example/old")
    asyncio.run(middleware.process_request(first))
    redirected = first.replace(url="https://news.example/new")  # what RedirectMiddleware does
    asyncio.run(middleware.process_request(redirected))
    assert redirected.headers[b"If-None-Match"] == b'"new"'
    gone = first.replace(url="https://news.example/unknown")
    asyncio.run(middleware.process_request(gone))
    assert b"If-None-Match" not in gone.headers


@pytest.mark.parametrize(
    "request_",
    [
        Request("https://news.example/robots.txt"),
        Request("https://news.example/a", method="POST"),
        Request("https://news.example/a", meta={"newsdesk_unconditional": True}),
    ],
)
def test_requests_left_alone(request_: Request) -> None:
    store = MemoryStore()
    store.states[request_.url] = FetchState('"v1"', None, body_digest(BODY))
    middleware, _ = make(store)
    fetch(middleware, request_, 200)
    assert b"If-None-Match" not in request_.headers
    assert "newsdesk_unchanged" not in request_.meta


def test_spider_own_validators_are_kept_and_its_304_passes() -> None:
    store = MemoryStore()
    middleware, _ = make(store)
    request = Request("https://news.example/a", headers={"If-None-Match": '"mine"'})
    response = fetch(middleware, request, 304, body=b"")
    assert response.status == 304
    assert request.headers[b"If-None-Match"] == b'"mine"'


def test_redis_outage_degrades_to_plain_fetches(caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore()
    store.states["https://news.example/a"] = FetchState('"v1"', None, body_digest(BODY))
    store.down = True
    middleware, _ = make(store)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            request = Request("https://news.example/a")
            response = fetch(middleware, request, 200)
            assert response.status == 200
            assert b"If-None-Match" not in request.headers
    assert sum("Redis unreachable" in r.getMessage() for r in caplog.records) == 1
