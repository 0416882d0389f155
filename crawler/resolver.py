"""GuardedResolver: Scrapy's DNS resolver, refusing forbidden addresses at connect time.

AddressGuardMiddleware resolves a host to judge it, but the downloader
resolves it again before connecting.  A hostile DNS server can answer the
first lookup with a public address and the second with 127.0.0.1 (DNS
rebinding).  Installed as ``TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"``
(a process-level setting: pass it to CrawlerProcess), this resolver checks
the address the downloader will actually connect to.

Scrapy builds one resolver per process from the CrawlerProcess, not from a
Crawler, and a lookup names a host, not a request.  So the exemption is tied to
the sources that have it: private answers pass only for names within the
allowed domains of the process's sources with ``allow_private_hosts``
(:attr:`crawler.config.CrawlConfig.private_domains`), for the host names of
``crawl.guard_allowed_hosts`` (a resolver does not see ports), or everywhere
when ``crawl.allow_private_hosts`` is set.  The address guard refuses requests
of every other source to those names, so an exempt lookup serves only requests
of the source that is allowed it.  ``newsdesk crawl --all`` runs every source in
one process: one private source no longer lifts the check for the others.
Caution: it also resolves the proxy's host, so a proxy on a private address
must be allow-listed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from ipaddress import ip_address
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred

from crawler.addresses import forbidden_reason
from crawler.config import CrawlConfig, within
from crawler.guard import GuardRefused

__all__ = ["GuardedResolver"]

logger = logging.getLogger(__name__)


class GuardedResolver(CachingThreadedResolver):
    """IPv4 caching resolver (Scrapy's default) that fails lookups answering a forbidden address."""

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        timeout: float,
        *,
        allow_private: bool = False,
        allowed_names: Sequence[str] = (),
        private_domains: Sequence[str] = (),
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private
        self.allowed_names = frozenset(name.lower() for name in allowed_names)
        self.private_domains = tuple(domain.lower() for domain in private_domains)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> GuardedResolver:
        """``crawler`` is the CrawlerProcess here (Scrapy passes the runner); only its settings are read."""
        settings = crawler.settings
        config = CrawlConfig.of(crawler)
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            allow_private=config.crawl.allow_private_hosts,
            allowed_names=[entry.rsplit(":", 1)[0] for entry in config.guard_allowed_hosts],
            private_domains=config.private_domains,
        )

    def _exempt(self, name: str) -> bool:
        return self.allow_private or name.lower() in self.allowed_names or within(name, self.private_domains)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # Twisted's name
        looked_up: Deferred[str] = super().getHostByName(name, timeout)
        if self._exempt(name):
            return looked_up
        return looked_up.addCallback(self._check, name)

    def _check(self, address: Any, name: str) -> str:
        reason = forbidden_reason(ip_address(str(address)))
        if reason is not None:
            # Twisted reports any resolver failure as "DNS lookup failed", so say why here.
            message = f"refused connection to {name!r}: it resolves to {address}, which is {reason}"
            logger.warning("Guarded resolver: %s", message)
            raise GuardRefused(message)
        return str(address)
