"""Scrapy side of newsdesk: spiders, settings and the downloader middlewares that keep crawls safe and polite."""
