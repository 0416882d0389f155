"""GuardedResolver: Scrapy's DNS resolver, refusing forbidden addresses at connect time.

AddressGuardMiddleware resolves a host to judge it, but the downloader
resolves it again before connecting.  A hostile DNS server can answer the
first lookup with a public address and the second with 127.0.0.1 (DNS
rebinding).  Installed as ``DNS_RESOLVER = "crawler.resolver.GuardedResolver"``,
this resolver checks the address the downloader will actually connect to.

It honours the same opt-ins as the middleware: ``NEWSDESK_ALLOW_PRIVATE_HOSTS``,
the spider attribute ``allow_private_hosts``, and the host names of
``NEWSDESK_GUARD_ALLOWED_HOSTS`` (a resolver does not see ports).  Caution:
it also resolves the proxy's host, so a proxy on a private address must be
allow-listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address
from typing import Any

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred

from crawler.addresses import forbidden_reason
from crawler.guard import GuardRefused

__all__ = ["GuardedResolver"]


class GuardedResolver(CachingThreadedResolver):  # type: ignore[misc]  # Twisted's base is untyped
    """IPv4 caching resolver (Scrapy's default) that fails lookups answering a forbidden address."""

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        timeout: float,
        *,
        allow_private: bool = False,
        allowed_names: Sequence[str] = (),
        crawler: Crawler | None = None,
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private
        self.allowed_names = frozenset(name.lower() for name in allowed_names)
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> GuardedResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        allowed = settings.getlist("NEWSDESK_GUARD_ALLOWED_HOSTS", [])
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            allow_private=settings.getbool("NEWSDESK_ALLOW_PRIVATE_HOSTS", False),
            allowed_names=[entry.rsplit(":", 1)[0] for entry in allowed],
            crawler=crawler,
        )

    def _exempt(self, name: str) -> bool:
        spider = self._crawler.spider if self._crawler is not None else None
        return (
            self.allow_private
            or name.lower() in self.allowed_names
            or bool(getattr(spider, "allow_private_hosts", False))
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802  # Twisted API
        looked_up: Deferred[str] = super().getHostByName(name, timeout)
        if self._exempt(name):
            return looked_up
        return looked_up.addCallback(self._check, name)

    def _check(self, address: Any, name: str) -> str:
        reason = forbidden_reason(ip_address(str(address)))
        if reason is not None:
            if self._crawler is not None and self._crawler.stats is not None:
                self._crawler.stats.inc_value("newsdesk/refused_address")
            raise GuardRefused(f"refused connection to {name!r}: it now resolves to {address}, which is {reason}")
        return str(address)
