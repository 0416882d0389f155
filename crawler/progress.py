"""A Scrapy extension that prints crawl progress to stderr once a second."""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

PROGRESS_INTERVAL_SECONDS = 1.0


class ProgressReporter:
    """One line per interval: responses, pages queued, spooled, refused."""

    def __init__(self, crawler: Crawler, stream: Any = sys.stderr) -> None:
        self.crawler = crawler
        self.stream = stream
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        if not crawler.settings.getbool("NEWSDESK_PROGRESS"):
            raise NotConfigured
        reporter = cls(crawler)
        crawler.signals.connect(reporter.opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.closed, signal=signals.spider_closed)
        return reporter

    def line(self) -> str:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return (
            f"[{self.crawler.spider.name if self.crawler.spider else 'crawl'}] "
            f"responses {stats.get('response_received_count', 0)}  "
            f"queued {stats.get('newsdesk/items_sent', 0) + stats.get('newsdesk/items_unspooled', 0)}  "
            f"spooled {stats.get('newsdesk/items_spooled', 0)}  "
            f"refused {stats.get('newsdesk/refused_address', 0)}"
        )

    def report(self) -> None:
        self.stream.write(self.line() + "\n")
        self.stream.flush()

    def opened(self, spider: Any) -> None:
        self._loop = task.LoopingCall(self.report)
        self._loop.start(PROGRESS_INTERVAL_SECONDS, now=True)

    def closed(self, spider: Any) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.report()
