"""RSS and Atom feeds: follow each entry's link to the article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from config.sources import Source
from crawler.spiders.base import SourceSpiderMixin

# RSS <item><link>text</link>, Atom <entry><link href rel="alternate"|no rel>.
FEED_LINK_XPATHS = (
    "//*[local-name()='item']/*[local-name()='link']/text()",
    "//*[local-name()='item']/*[local-name()='guid'][@isPermaLink='true']/text()",
    "//*[local-name()='entry']/*[local-name()='link'][not(@rel) or @rel='alternate']/@href",
)


class FeedSpider(SourceSpiderMixin, Spider):
    name = "feed"

    def __init__(self, source: Source, crawl_run_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=f"feed:{source.id}", **kwargs)
        self.init_source(source, crawl_run_id)
        self.allowed_domains = list(source.allowed_domains)

    async def start(self) -> Any:
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse_feed, meta={"newsdesk_discovery": True})

    def parse_feed(self, response: Response) -> Iterator[Request]:
        seen: set[str] = set()
        limit = self.source.politeness.max_pages
        for xpath in FEED_LINK_XPATHS:
            for link in response.xpath(xpath).getall():
                url = response.urljoin(link.strip())
                if url in seen or len(seen) >= limit:
                    continue
                seen.add(url)
                yield Request(url, callback=self.parse_article)
