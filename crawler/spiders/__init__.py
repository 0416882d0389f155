"""Spiders for the three source kinds, chosen by :func:`spider_class`."""

from __future__ import annotations

from scrapy import Spider

from crawler.spiders.feed import FeedSpider
from crawler.spiders.site import SiteSpider
from crawler.spiders.sitemap import NewsSitemapSpider

SPIDERS: dict[str, type[Spider]] = {"feed": FeedSpider, "sitemap": NewsSitemapSpider, "site": SiteSpider}


def spider_class(kind: str) -> type[Spider]:
    return SPIDERS[kind]
