"""The one crawl configuration every newsdesk Scrapy component reads, handed over in one Scrapy setting.

Scrapy components get their configuration through ``from_crawler``; newsdesk's
read a single :class:`CrawlConfig` from the setting :data:`CRAWL_CONFIG`
(``CrawlConfig.of(crawler)``) and have no defaults of their own: every knob is in
:class:`config.settings.Settings`, validated once.  The crawl process's DNS
resolver is built from the process settings, which carry the same object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import NotConfigured

from config.settings import CrawlSettings, Settings
from config.sources import Source

CRAWL_CONFIG = "NEWSDESK_CRAWL"
HANDOFF_PIPELINE = "crawler.handoff.HandoffPipeline"


@dataclass(frozen=True)
class CrawlConfig:
    """Settings, the Redis client URL, and what this process's sources allow."""

    settings: Settings
    redis_url: str
    # Allowed domains of the sources in this process that may reach private addresses: only their requests,
    # to these names, skip the connect-time address check (the exemption is the source's, not the process's).
    private_domains: tuple[str, ...] = ()

    @classmethod
    def for_sources(cls, settings: Settings, redis_url: str, sources: tuple[Source, ...] | list[Source]) -> CrawlConfig:
        private = sorted({domain.lower() for s in sources if s.allow_private_hosts for domain in s.allowed_domains})
        return cls(settings, redis_url, tuple(private))

    @property
    def crawl(self) -> CrawlSettings:
        return self.settings.crawl

    @property
    def guard_allowed_hosts(self) -> tuple[str, ...]:
        """``host:port`` pairs let through unchecked, lower-cased."""
        return tuple(e.strip().lower() for e in self.crawl.guard_allowed_hosts.split(",") if e.strip())

    @property
    def fetch_state_ttl_seconds(self) -> int:
        return self.crawl.fetch_state_ttl_days * 86400

    @classmethod
    def of(cls, crawler: Any) -> CrawlConfig:
        """The configuration a crawler (or the crawler process) was given; NotConfigured without one."""
        config = crawler.settings.get(CRAWL_CONFIG)
        if not isinstance(config, CrawlConfig):
            raise NotConfigured(f"the Scrapy setting {CRAWL_CONFIG} must hold a crawler.config.CrawlConfig")
        return config


def within(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or under one of them."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)
