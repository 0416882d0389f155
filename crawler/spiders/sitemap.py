"""Sitemaps: index files, gzip, and Google News sitemaps (Scrapy's SitemapSpider handles all three)."""

from __future__ import annotations

import re
from typing import Any

from scrapy.spiders import SitemapSpider

from config.sources import Source
from crawler.spiders.base import SourceSpiderMixin


class NewsSitemapSpider(SourceSpiderMixin, SitemapSpider):
    name = "sitemap"

    def __init__(self, source: Source, crawl_run_id: str | None = None, **kwargs: Any) -> None:
        self.sitemap_urls = list(source.start_urls)
        self.sitemap_rules = [(pattern, "parse_article") for pattern in source.allow] or [("", "parse_article")]
        super().__init__(name=f"sitemap:{source.id}", **kwargs)
        self.init_source(source, crawl_run_id)
        self.allowed_domains = list(source.allowed_domains)
        self._deny = source.deny

    def sitemap_filter(self, entries: Any) -> Any:
        count = 0
        for entry in entries:
            location = entry.get("loc", "")
            if any(re.search(p, location) for p in self._deny):
                continue
            count += 1
            if count > self.source.politeness.max_pages:
                return
            yield entry
