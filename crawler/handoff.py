"""Item pipeline: hand each fetched page to Celery without blocking the reactor.

Publishing runs in a thread.  When Redis cannot be reached the page goes to
the disk spool, and a timer keeps trying to drain the spool, so a Redis
outage during a crawl loses nothing and the crawl keeps going.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads
from twisted.internet.defer import Deferred

from config.settings import Settings
from crawler.spool import Spool
from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from workers.dispatch import PageDispatcher
from workers.runtime import build_runtime

log = logging.getLogger("newsdesk.handoff")
DRAIN_INTERVAL_SECONDS = 2.0


class HandoffPipeline:
    """Sends :class:`Page` items to the processing queue, spooling them during an outage."""

    def __init__(self, dispatcher: PageDispatcher, spool: Spool, crawler: Crawler | None = None) -> None:
        self.dispatcher = dispatcher
        self.spool = spool
        self.crawler = crawler
        self._drainer: task.LoopingCall | None = None
        self._draining = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HandoffPipeline:
        settings = crawler.settings.get("NEWSDESK_SETTINGS")
        spool_dir = crawler.settings.get("NEWSDESK_SPOOL_DIR")
        if not isinstance(settings, Settings) or not spool_dir:
            raise NotConfigured("NEWSDESK_SETTINGS and NEWSDESK_SPOOL_DIR are required")
        return cls(build_runtime(settings).dispatcher, Spool(Path(spool_dir)), crawler)

    def _inc(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def open_spider(self) -> None:
        self._drainer = task.LoopingCall(self._drain_in_thread)
        self._drainer.start(DRAIN_INTERVAL_SECONDS, now=True)

    def _send_or_spool(self, page: Page) -> str:
        try:
            self.dispatcher.enqueue_page(page)
        except RedisUnavailable as exc:
            self.spool.put(page)
            log.warning("queue unavailable, spooled %s: %s", page.url, exc)
            return "spooled"
        return "sent"

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        outcome = await maybe_deferred_to_future(threads.deferToThread(self._send_or_spool, item))
        self._inc(f"newsdesk/items_{outcome}")
        return item

    def _drain(self) -> int:
        if self._draining:
            return 0
        self._draining = True
        try:
            return self.spool.drain(self.dispatcher.enqueue_page)
        finally:
            self._draining = False

    def _drain_in_thread(self) -> Deferred[int]:
        deferred: Deferred[int] = threads.deferToThread(self._drain)

        def counted(sent: int) -> int:
            for _ in range(sent):
                self._inc("newsdesk/items_unspooled")
            return sent

        return deferred.addCallback(counted)

    async def close_spider(self) -> None:
        if self._drainer is not None and self._drainer.running:
            self._drainer.stop()
        await maybe_deferred_to_future(self._drain_in_thread())
