"""HostRateLimitMiddleware: one minimum interval per host, shared by every crawler process.

Each request asks for the host's slot (see :mod:`crawler.slots`) and, until it
gets it, sleeps without blocking the reactor (``process_request`` is a
coroutine; Scrapy >= 2.14 awaits it, a returned Deferred is deprecated).  A
429/503 with ``Retry-After`` pushes the host's next slot back before
Scrapy's RetryMiddleware re-schedules the request, so the retry and every
other request to that host, in every process, wait.  A robots.txt ``Crawl-delay`` raises the
host's interval.

Order: as close to the downloader as possible (950: after HttpCacheMiddleware 900
so cache hits take no slot, and after every other process_request so little
happens between the slot and the request leaving).

Configuration (:class:`crawler.config.CrawlConfig`): its Redis URL and
``crawl.key_namespace``; ``crawl.host_min_interval``, ``crawl.retry_after_max``
and ``crawl.crawl_delay_max`` (caps in seconds), ``crawl.host_interval_margin``
(seconds added to every reservation: the slot is taken a few milliseconds
before the request reaches the server, and that lag varies with load, so
without a margin two arrivals could land a little closer than the interval).
Spider attribute ``host_min_interval`` overrides the interval for that
spider's requests.
"""

from __future__ import annotations

import logging
import math
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached

from crawler.config import CrawlConfig
from crawler.redisstate import OutageBreaker, connect
from crawler.slots import LocalSlots, RedisSlots, SharedSlots, SlotBook
from pipelines import crawl_stats

__all__ = ["HostRateLimitMiddleware", "parse_retry_after"]

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date), or None if unusable."""
    value = value.strip()
    try:
        seconds = float(value)  # RFC 9110 says an integer; servers send "1.5" too
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None  # RFC 9110 dates are GMT; a zoneless one is not a valid HTTP-date
    return max(0.0, when.timestamp() - now)


class HostRateLimitMiddleware:
    """Downloader middleware enforcing a per-host minimum interval through shared slots."""

    def __init__(
        self,
        slots: SlotBook,
        *,
        min_interval: float = 1.0,
        retry_after_max: float = 600.0,
        crawl_delay_max: float = 60.0,
        margin: float = 0.0,
        crawler: Crawler | None = None,
    ) -> None:
        self._slots = slots
        self.min_interval = min_interval
        self.retry_after_max = retry_after_max
        self.crawl_delay_max = crawl_delay_max
        self.margin = margin
        self._crawler = crawler
        self._crawl_delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostRateLimitMiddleware:
        config = CrawlConfig.of(crawler)
        if not config.redis_url:
            raise NotConfigured("HostRateLimitMiddleware needs Redis (the crawl configuration has no Redis URL)")
        crawl = config.crawl
        breaker = OutageBreaker("rate limits fall back to this process only", logger=logger)
        shared = RedisSlots(connect(config.redis_url), namespace=crawl.key_namespace)
        middleware = cls(
            SharedSlots(shared, LocalSlots(), breaker),
            min_interval=crawl.host_min_interval,
            retry_after_max=crawl.retry_after_max,
            crawl_delay_max=crawl.crawl_delay_max,
            margin=crawl.host_interval_margin,
            crawler=crawler,
        )
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        return middleware

    def interval_for(self, host: str) -> float:
        """The spider's interval (or the default), raised to the host's robots.txt Crawl-delay."""
        spider = self._crawler.spider if self._crawler is not None else None
        interval = getattr(spider, "host_min_interval", None)
        base = self.min_interval if interval is None else float(interval)
        return max(base, self._crawl_delays.get(host, 0.0))

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Signal handler: remember the Crawl-delay robots.txt asks of our user agent."""
        # The same agent RobotsTxtMiddleware matches rules against.
        settings = self._crawler.settings if self._crawler is not None else {}
        agent = (
            settings.get("ROBOTSTXT_USER_AGENT")
            or request.headers.get(b"User-Agent")
            or settings.get("USER_AGENT")
            or "*"
        )
        delay = robotparser.crawl_delay(agent)
        host = urlparse_cached(request).hostname
        if delay and host:
            self._crawl_delays[host] = min(float(delay), self.crawl_delay_max)
            logger.info("robots.txt of %s asks for a crawl delay of %ss", host, delay)

    def _inc(self, key: str, count: int = 1) -> None:
        if self._crawler is not None and self._crawler.stats is not None:
            self._crawler.stats.inc_value(key, count)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname
        if not host:
            return
        interval = self.interval_for(host) + self.margin
        waited = False
        # Redis round trips run in a thread so a slow Redis never stalls the reactor.
        while (wait := await run_in_thread(self._slots.take, host, interval)) > 0:
            if not waited:
                self._inc(crawl_stats.RATE_LIMITED)
                waited = True
            self._inc(crawl_stats.RATE_WAIT_MS, round(wait * 1000))
            await sleep(wait)

    async def process_response(self, request: Request, response: Response) -> Response:
        header = response.headers.get(b"Retry-After")
        host = urlparse_cached(request).hostname
        if response.status not in RETRY_AFTER_STATUSES or not header or not host:
            return response
        delay = parse_retry_after(header.decode("latin-1"), time.time())
        if delay is None:
            return response
        delay = min(delay, self.retry_after_max)
        await run_in_thread(self._slots.push, host, delay)
        self._inc(crawl_stats.RETRY_AFTER)
        logger.info(
            "%s answered %s with Retry-After %s: pausing the host %.1fs",
            host,
            response.status,
            header.decode("latin-1"),
            delay,
        )
        return response
