"""What every newsdesk spider shares: its source, opt-ins, and the article callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from config.sources import Source
from crawler.failures import record_failure
from crawler.spiders.pages import is_html, page_from_response
from pipelines import crawl_stats
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

    def _count(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)  # set by Scrapy on every spider it runs
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)

    def parse_article(self, response: Response, **_: Any) -> Iterator[Page]:
        if response.meta.get("newsdesk_unchanged"):
            self._count(crawl_stats.SKIPPED_UNCHANGED)
        elif not is_html(response):
            self._count(crawl_stats.NON_HTML)
            content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or "no Content-Type"
            record_failure(getattr(self, "crawler", None), response.url, "not html", content_type[:80])
        else:
            self._count(crawl_stats.PAGES)
            yield page_from_response(response, self.source, self.crawl_run_id)
