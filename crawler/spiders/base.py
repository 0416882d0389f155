"""What every newsdesk spider shares: its source, opt-ins, and the article callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Spider
from scrapy.http import Response

from config.sources import Source
from crawler.spiders.pages import is_html, page_from_response
from pipelines.models import Page


class SourceSpiderMixin:
    """Mixed into each spider class; ``source`` is set by the constructor."""

    source: Source
    crawl_run_id: str | None
    allow_private_hosts: bool
    host_min_interval: float | None

    def init_source(self, source: Source, crawl_run_id: str | None = None) -> None:
        self.source = source
        self.crawl_run_id = crawl_run_id
        self.allow_private_hosts = source.allow_private_hosts
        self.host_min_interval = source.politeness.host_min_interval

    def parse_article(self, response: Response, **_: Any) -> Iterator[Page]:
        spider = self if isinstance(self, Spider) else None
        stats = spider.crawler.stats if spider is not None and spider.crawler.stats is not None else None
        if response.meta.get("newsdesk_unchanged"):
            if stats is not None:
                stats.inc_value("newsdesk/skipped_unchanged")
            return
        if not is_html(response):
            if stats is not None:
                stats.inc_value("newsdesk/non_html")
            return
        if stats is not None:
            stats.inc_value("newsdesk/pages")
        yield page_from_response(response, self.source, self.crawl_run_id)
