"""Site crawls: follow links within the allowed domains, with allow/deny patterns and a depth limit."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

from config.sources import Source
from crawler.spiders.base import SourceSpiderMixin


class SiteSpider(SourceSpiderMixin, CrawlSpider):
    name = "site"

    def __init__(self, source: Source, crawl_run_id: str | None = None, **kwargs: Any) -> None:
        self.start_urls = list(source.start_urls)
        self.allowed_domains = list(source.allowed_domains)
        # Domains are enforced by Scrapy's OffsiteMiddleware (allowed_domains), which, unlike
        # LinkExtractor(allow_domains=...), copes with explicit ports.
        # Allow and deny run here, with the linear-time engine, not in LinkExtractor (Python's re backtracks).
        extractor = LinkExtractor(unique=True)
        self.rules = (Rule(extractor, callback="parse_article", follow=True, process_links=self.wanted_links),)
        super().__init__(name=f"site:{source.id}", **kwargs)
        self.init_source(source, crawl_run_id)

    def wanted_links(self, links: list[Link]) -> list[Link]:
        return [link for link in links if self.source.wants(link.url)]

    async def start(self) -> Any:
        for url in self.start_urls:
            yield Request(url, meta={"newsdesk_discovery": True}, dont_filter=True)
