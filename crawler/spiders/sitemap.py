"""Sitemaps: index files, gzip, and Google News sitemaps (Scrapy's SitemapSpider handles all three)."""

from __future__ import annotations

from typing import Any

from scrapy.spiders import SitemapSpider

from config.sources import Source, compile_url_pattern
from crawler.spiders.base import SourceSpiderMixin


class NewsSitemapSpider(SourceSpiderMixin, SitemapSpider):
    name = "sitemap"

    def __init__(self, source: Source, crawl_run_id: str | None = None, **kwargs: Any) -> None:
        self.sitemap_urls = list(source.start_urls)
        # Compiled patterns (anything with .search) pass through SitemapSpider as they are: no backtracking engine.
        allow: list[tuple[Any, str]] = [(compile_url_pattern(pattern), "parse_article") for pattern in source.allow]
        self.sitemap_rules = allow or [("", "parse_article")]
        super().__init__(name=f"sitemap:{source.id}", **kwargs)
        self.init_source(source, crawl_run_id)
        self.allowed_domains = list(source.allowed_domains)

    def sitemap_filter(self, entries: Any) -> Any:
        count = 0
        for entry in entries:
            location = entry.get("loc", "")
            if not self.source.wants(location):
                continue
            count += 1
            if count > self.source.politeness.max_pages:
                return
            yield entry
