"""Item pipeline: hand fetched pages to Celery in batches without blocking the reactor.

Pages are gathered into batches (:mod:`crawler.batcher`); each batch is one
processing task, published from a thread.  When Redis cannot be reached the page goes to
the disk spool, and a timer keeps trying to drain the spool, so a Redis
outage during a crawl loses nothing and the crawl keeps going.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads
from twisted.internet.defer import Deferred

from crawler.batcher import PageBatcher
from crawler.config import CrawlConfig
from crawler.fetchstate import FetchState, FetchStateStore, body_digest
from crawler.spool import Spool
from pipelines import crawl_stats
from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from workers.dispatch import PageDispatcher
from workers.runtime import build_runtime

log = logging.getLogger("newsdesk.handoff")
DRAIN_INTERVAL_SECONDS = 2.0


class HandoffPipeline:
    """Sends :class:`Page` items to the processing queue, spooling them during an outage."""

    def __init__(
        self,
        dispatcher: PageDispatcher,
        spool: Spool,
        crawler: Crawler | None = None,
        fetch_state: FetchStateStore | None = None,
        *,
        batch_size: int = 1,
        linger_seconds: float = 0.0,
    ) -> None:
        self.dispatcher = dispatcher
        self.spool = spool
        self.crawler = crawler
        self.fetch_state = fetch_state
        self._batcher = PageBatcher(self._send_or_spool, size=batch_size, linger_seconds=linger_seconds)
        self._drainer: task.LoopingCall | None = None
        # One drain at a time, or two threads could send the same spooled page twice.
        self._drain_lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HandoffPipeline:
        config = CrawlConfig.of(crawler)
        settings = config.settings
        runtime = build_runtime(settings)
        fetch_state = FetchStateStore(
            runtime.redis, ttl_seconds=config.fetch_state_ttl_seconds, namespace=settings.crawl.key_namespace
        )
        return cls(
            runtime.dispatcher,
            Spool.of(settings),
            crawler,
            fetch_state,
            batch_size=settings.crawl.handoff_batch_size,
            linger_seconds=settings.crawl.handoff_linger_seconds,
        )

    def _inc(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def open_spider(self) -> None:
        self._drainer = task.LoopingCall(self._drain_in_thread)
        self._drainer.start(DRAIN_INTERVAL_SECONDS, now=True)

    def _send_or_spool(self, pages: list[Page]) -> str:
        """Runs in a thread: one task for the batch, or every page of it to the spool."""
        try:
            self.dispatcher.enqueue_pages(pages)
            outcome = "sent"
        except RedisUnavailable as exc:
            for page in pages:
                self.spool.put(page)
            log.warning("queue unavailable, spooled %d page(s) from %s on: %s", len(pages), pages[0].url, exc)
            outcome = "spooled"
        self._remember_fetches(pages)
        return outcome

    def _remember_fetches(self, pages: list[Page]) -> None:
        """Only now that the pages are safe (queued or spooled) may a re-crawl treat them as unchanged."""
        if self.fetch_state is None:
            return
        states = [(page.final_url, FetchState(page.etag, page.last_modified, body_digest(page.body))) for page in pages]
        try:
            self.fetch_state.save_many(states)
        except redis.RedisError as exc:
            # The next crawl then fetches these pages unconditionally: more work, nothing lost.
            log.warning("cannot record fetch state of %d page(s) from %s on: %s", len(pages), pages[0].final_url, exc)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        outcome = await maybe_deferred_to_future(self._batcher.add(item))
        self._inc(crawl_stats.handoff_outcome(outcome))
        return item

    def _drain(self, wait: bool = False) -> int:
        if not self._drain_lock.acquire(blocking=wait):
            return 0  # a drain is already running
        try:
            return self.spool.drain(self.dispatcher.enqueue_page)
        finally:
            self._drain_lock.release()

    def _drain_in_thread(self, wait: bool = False) -> Deferred[int]:
        deferred: Deferred[int] = threads.deferToThread(self._drain, wait)

        def counted(sent: int) -> int:
            for _ in range(sent):
                self._inc(crawl_stats.ITEMS_UNSPOOLED)
            return sent

        return deferred.addCallback(counted)

    async def close_spider(self) -> None:
        if self._drainer is not None and self._drainer.running:
            self._drainer.stop()
        await maybe_deferred_to_future(self._batcher.flush())
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(crawl_stats.TASKS_SENT, self._batcher.batches["sent"])
        # The last drain waits for a running one to finish, then sends what is left.
        await maybe_deferred_to_future(self._drain_in_thread(wait=True))
