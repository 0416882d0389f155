"""``newsdesk preview``: fetch a few pages of a source and show what processing would make of them.

Nothing is stored or queued: the pages are collected in memory, the duplicate
index is only peeked at, and no fetch state is recorded, so the real first
crawl of the source is not affected.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from config.sources import Source
from crawler.config import CrawlConfig
from crawler.settings import DOWNLOADER_MIDDLEWARES, scrapy_settings
from crawler.spiders import spider_class
from pipelines.dedupe import DedupeIndex
from pipelines.errors import NewsdeskError
from pipelines.models import DedupeVerdict, OriginEvidence, Page, ProcessedArticle
from pipelines.process import process_page
from workers.context import WorkerContext
from workers.runtime import Runtime

log = logging.getLogger("newsdesk.preview")


@dataclass(frozen=True)
class PreviewItem:
    """One fetched page and what processing would do with it (or why it could not)."""

    page: Page
    processed: ProcessedArticle | None
    error: str | None


class PeekingIndex:
    """The shared duplicate index, asked but never written to."""

    def __init__(self, index: DedupeIndex) -> None:
        self.index = index

    def check_and_add(self, doc_id: str, text: str, evidence: OriginEvidence | None = None) -> DedupeVerdict:
        return self.index.peek(doc_id, text)


def fetch_pages(runtime: Runtime, source: Source, limit: int) -> list[Page]:
    """Crawl ``source`` in this process until ``limit`` pages were fetched; nothing leaves the process."""
    middlewares = {k: v for k, v in DOWNLOADER_MIDDLEWARES.items() if not k.endswith("ConditionalRequestMiddleware")}
    extra: dict[str, Any] = {
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "CLOSESPIDER_ITEMCOUNT": limit,
    }
    config = CrawlConfig.for_sources(runtime.settings, runtime.redis_client_url, [source])
    process = CrawlerProcess(scrapy_settings(config, source=source, extra=extra))
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    pages: list[Page] = []

    def collect(item: Any, **_: Any) -> None:
        if isinstance(item, Page) and len(pages) < limit:
            pages.append(item)

    crawler = process.create_crawler(spider_class(source.kind))
    crawler.signals.connect(collect, signal=signals.item_scraped)
    process.crawl(crawler, source=source)
    process.start(stop_after_crawl=True)
    return pages


def preview_source(runtime: Runtime, source: Source, limit: int) -> list[PreviewItem]:
    context = WorkerContext(runtime.settings, runtime.broker_url)
    # The worker's own dependencies, with the duplicate index only asked, never written to.
    deps = dataclasses.replace(context.deps, duplicates=PeekingIndex(context.dedupe_index))
    items = []
    for page in fetch_pages(runtime, source, limit):
        try:
            items.append(PreviewItem(page, process_page(page, deps), None))
        except NewsdeskError as exc:
            items.append(PreviewItem(page, None, f"{type(exc).__name__}: {exc}"))
    context.engine.dispose()
    return items
