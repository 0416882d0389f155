"""A Scrapy extension that hands each source's crawl progress to a sink a few times a second.

The sink (setting ``NEWSDESK_PROGRESS_SINK``, a callable taking a
:class:`CrawlProgress`) draws it: ``newsdesk crawl`` shows one progress bar
per source.  Without a sink the extension is off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.failures import FAILED_PREFIX, NOT_ERRORS
from pipelines import crawl_stats

PROGRESS_INTERVAL_SECONDS = 0.25
SINK_SETTING = "NEWSDESK_PROGRESS_SINK"


@dataclass(frozen=True)
class CrawlProgress:
    """Where one source's crawl stands: requests done of those scheduled, pages fetched, queued, failed."""

    source: str
    done: int
    scheduled: int
    fetched: int
    queued: int
    errors: int
    finished: bool = False


def progress_of(source: str, stats: Mapping[str, Any], finished: bool = False) -> CrawlProgress:
    """Read a :class:`CrawlProgress` from a crawl's stats (pure)."""

    def count(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    scheduled = count("scheduler/enqueued")
    fetched = sum(count(k) for k in (crawl_stats.PAGES, crawl_stats.NOT_MODIFIED, crawl_stats.SKIPPED_UNCHANGED,
                                     crawl_stats.NON_HTML))  # fmt: skip
    errors = sum(int(v) for k, v in stats.items() if k.startswith(FAILED_PREFIX) and k[len(FAILED_PREFIX) :]
                 not in NOT_ERRORS)  # fmt: skip
    return CrawlProgress(
        source=source,
        done=scheduled if finished else min(scheduled, count("scheduler/dequeued")),
        scheduled=scheduled,
        fetched=fetched,
        queued=count(crawl_stats.ITEMS_SENT) + count(crawl_stats.ITEMS_UNSPOOLED),
        errors=errors,
        finished=finished,
    )


class ProgressSink:
    """Wraps the sink for the settings: Scrapy deep-copies its settings, and a sink is shared, never copied."""

    def __init__(self, send: Callable[[CrawlProgress], object]) -> None:
        self.send = send

    def __call__(self, update: CrawlProgress) -> None:
        self.send(update)

    def __deepcopy__(self, memo: dict[int, Any]) -> ProgressSink:
        return self


class ProgressReporter:
    """Sends the crawl's :class:`CrawlProgress` to the sink every interval and once at the end."""

    def __init__(self, crawler: Crawler, sink: Callable[[CrawlProgress], object], source: str) -> None:
        self.crawler = crawler
        self.sink = sink
        self.source = source
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        sink = crawler.settings.get(SINK_SETTING)
        if not callable(sink):
            raise NotConfigured
        reporter = cls(crawler, sink, "crawl")
        crawler.signals.connect(reporter.opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.closed, signal=signals.spider_closed)
        return reporter

    def report(self, finished: bool = False) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        self.sink(progress_of(self.source, stats, finished))

    def opened(self, spider: Any) -> None:
        source = getattr(spider, "source", None)
        self.source = getattr(source, "id", None) or spider.name
        self._loop = task.LoopingCall(self.report)
        self._loop.start(PROGRESS_INTERVAL_SECONDS, now=True)

    def closed(self, spider: Any) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.report(finished=True)
