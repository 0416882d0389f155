"""ConditionalRequestMiddleware: re-crawl a site without re-downloading or re-processing what did not change.

On a request it looks up the URL's last fetch (:mod:`crawler.fetchstate`) and
adds ``If-None-Match`` / ``If-Modified-Since``.  A 304 answer becomes
:class:`NotModified`, an IgnoreRequest (stats ``newsdesk/not_modified``).  A 200 whose body hashes to
the stored sha256 is flagged ``meta["newsdesk_unchanged"] = True`` (stats
``newsdesk/unchanged``) so the pipeline can skip it; for discovery requests
(``meta["newsdesk_discovery"]``: feeds, sitemaps) the flag is informational
and counted as ``newsdesk/unchanged_discovery``.  Every 200 updates the state.

Order: between RetryMiddleware (550) and HttpCompressionMiddleware (590),
e.g. 560: process_response runs in decreasing order, so the body it hashes
is already decompressed, and the 304 is handled before Retry sees it.

Configuration (:class:`crawler.config.CrawlConfig`): its Redis URL,
``crawl.fetch_state_ttl_days`` and ``crawl.key_namespace``.  When the crawl
hands pages off (:class:`crawler.handoff.HandoffPipeline` is an item pipeline),
article states are saved by the hand-off once the page is queued or spooled;
feeds and sitemaps are saved here.
A request with ``meta["newsdesk_unconditional"]`` is fetched plainly.  If
Redis is down, fetches are unconditional until it is back (one warning).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.httpobj import urlparse_cached

from crawler.config import HANDOFF_PIPELINE, CrawlConfig
from crawler.fetchstate import FetchState, FetchStateStore, StateStore, body_digest
from crawler.redisstate import OutageBreaker, connect
from pipelines import crawl_stats

__all__ = ["ConditionalRequestMiddleware", "NotModified"]

logger = logging.getLogger(__name__)

UNCHANGED = "newsdesk_unchanged"
DISCOVERY = "newsdesk_discovery"
UNCONDITIONAL = "newsdesk_unconditional"
# Private meta entry: which URL our validators belong to and which headers we added.
_STASH = "_newsdesk_conditional"

_T = TypeVar("_T")


class NotModified(IgnoreRequest):
    """The server answered 304 to our conditional request: nothing new (errbacks may ignore it)."""


class ConditionalRequestMiddleware:
    """Downloader middleware sending conditional requests and flagging unchanged bodies."""

    def __init__(
        self,
        store: StateStore,
        breaker: OutageBreaker,
        *,
        crawler: Crawler | None = None,
        deferred_to_handoff: bool = False,
    ) -> None:
        self._store = store
        self.deferred_to_handoff = deferred_to_handoff
        self._breaker = breaker
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        config = CrawlConfig.of(crawler)
        if not config.redis_url:
            raise NotConfigured("ConditionalRequestMiddleware needs Redis (the crawl configuration has no Redis URL)")
        store = FetchStateStore(
            connect(config.redis_url),
            ttl_seconds=config.fetch_state_ttl_seconds,
            namespace=config.crawl.key_namespace,
        )
        breaker = OutageBreaker("fetching unconditionally until it is back", logger=logger)
        deferred = HANDOFF_PIPELINE in crawler.settings.getdict("ITEM_PIPELINES")
        return cls(store, breaker, crawler=crawler, deferred_to_handoff=deferred)

    def _inc(self, key: str) -> None:
        if self._crawler is not None and self._crawler.stats is not None:
            self._crawler.stats.inc_value(key)

    async def _redis(self, call: Callable[[], _T]) -> _T | None:
        """Run one store call in a thread; None (and degrade) when Redis is down."""
        if not self._breaker.available():
            return None
        try:
            result = await run_in_thread(call)
        except redis.RedisError as exc:
            self._breaker.failed(exc)
            return None
        self._breaker.succeeded()
        return result

    @staticmethod
    def _applies(request: Request) -> bool:
        # A 304 for robots.txt would read as "no robots.txt" to RobotsTxtMiddleware.
        return (
            request.method == "GET"
            and not request.meta.get(UNCONDITIONAL)
            and urlparse_cached(request).path != "/robots.txt"
        )

    async def process_request(self, request: Request) -> None:
        stash = request.meta.get(_STASH)
        if stash is not None and stash["url"] == request.url:
            return  # a retry of the same URL: validators already in place
        if stash is not None:
            # A redirect copies headers and meta; our validators belong to the old URL.
            for name in stash["added"]:
                request.headers.pop(name, None)
            del request.meta[_STASH]
        if not self._applies(request):
            return
        url = request.url
        state = await self._redis(lambda: self._store.load(url))
        if state is None:
            return
        added = []
        if state.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = state.etag
            added.append("If-None-Match")
        if state.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = state.last_modified
            added.append("If-Modified-Since")
        request.meta[_STASH] = {"url": request.url, "added": added, "sha256": state.sha256}

    async def process_response(self, request: Request, response: Response) -> Response:
        stash = request.meta.get(_STASH)
        url = request.url
        if response.status == 304 and stash is not None and stash["added"]:
            self._inc(crawl_stats.NOT_MODIFIED)
            await self._redis(lambda: self._store.touch(url))
            raise NotModified(f"not modified since the last crawl: {url}")
        if response.status != 200 or not self._applies(request):
            return response
        digest = body_digest(response.body)
        if stash is not None and stash["sha256"] == digest:
            # request.meta becomes response.meta once the engine ties them together.
            request.meta[UNCHANGED] = True
            self._inc(crawl_stats.UNCHANGED_DISCOVERY if request.meta.get(DISCOVERY) else crawl_stats.UNCHANGED)
        if request.meta.get(DISCOVERY) or not self.deferred_to_handoff:
            # Feeds and sitemaps yield no items: their state can be saved at once.  An article's state is
            # saved by the hand-off pipeline only after the page was queued or spooled, so a page whose
            # queue message is lost is fetched (and queued) again by the next crawl, not skipped as unchanged.
            state = FetchState(
                etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"), sha256=digest
            )
            await self._redis(lambda: self._store.save(url, state))
        return response


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
