"""AddressGuardMiddleware: refuse every request whose target is not a public http(s) address.

Every request passes through ``process_request``, including the new requests
that RedirectMiddleware and MetaRefreshMiddleware create (they go back to the
scheduler and through the whole chain again) and RobotsTxtMiddleware's
robots.txt fetches.  Placed before RobotsTxtMiddleware (order < 100), a
refused host is never contacted at all.

Configuration (:class:`crawler.config.CrawlConfig`): ``crawl.allow_private_hosts``
lifts the address checks for the whole crawl; spider attribute
``allow_private_hosts`` (a source's) lifts them for that spider's requests.
The connect-time resolver (:mod:`crawler.resolver`) is exempt for names within
the allowed domains of such sources, so a request of any other source to one
of those names is refused here.  ``crawl.guard_allowed_hosts`` lists exact
``host:port`` pairs let through unchecked (tests and demos on a local site);
``crawl.dns_cache_seconds`` caches resolutions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from crawler.addresses import Resolver, check_url, resolve_host
from crawler.config import CrawlConfig, within
from pipelines import crawl_stats
from pipelines.errors import RefusedAddress

__all__ = ["AddressGuardMiddleware", "CachingResolver", "GuardRefused"]

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


class GuardRefused(IgnoreRequest):
    """The request's target is not a public http(s) address; the message says why."""


class CachingResolver:
    """Wraps a resolver with a short per-host cache; the guard sees every request to a host."""

    def __init__(self, resolve: Resolver, *, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._resolve = resolve
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, host: str) -> list[str]:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(host)
        if hit is not None and hit[0] > now:
            return hit[1]
        addresses = self._resolve(host)
        with self._lock:
            self._cache[host] = (now + self._ttl, addresses)
        return addresses


class AddressGuardMiddleware:
    """Downloader middleware raising GuardRefused (an IgnoreRequest) for refused targets.

    Each refusal is logged as a warning and counted in stats ``newsdesk/refused_address``.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        allowed_hosts: Iterable[str] = (),
        private_domains: Iterable[str] = (),
        resolve: Resolver = resolve_host,
        crawler: Crawler | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        self.private_domains = tuple(domain.lower() for domain in private_domains)
        self._resolve = resolve
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        config = CrawlConfig.of(crawler)
        return cls(
            allow_private=config.crawl.allow_private_hosts,
            allowed_hosts=config.guard_allowed_hosts,
            private_domains=config.private_domains,
            resolve=CachingResolver(resolve_host, ttl=config.crawl.dns_cache_seconds),
            crawler=crawler,
        )

    def _private_allowed(self) -> bool:
        spider = self._crawler.spider if self._crawler is not None else None
        return self.allow_private or bool(getattr(spider, "allow_private_hosts", False))

    def verdict(self, request: Request, *, allow_private: bool) -> str | None:
        """Why ``request`` is refused, or None.  Blocking (resolves names): run it off the reactor.

        Raises DNSLookupError when the host does not resolve, so that
        Scrapy's RetryMiddleware treats it like any other DNS failure.
        """
        parts = urlparse_cached(request)
        try:
            port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
        except ValueError:
            port = 0  # check_url refuses the malformed port below
        host = (parts.hostname or "").lower()
        if f"{host}:{port}" in self.allowed_hosts:
            return None
        if not allow_private and within(host, self.private_domains):
            # The resolver lets private answers through for this name, for the source allowed them: not for this one.
            return f"refused {host!r}: only a source allowed private hosts may fetch it (its address is not checked)"
        try:
            check_url(request.url, allow_private=allow_private, resolve=self._resolve)
        except RefusedAddress as exc:
            return str(exc)
        except OSError as exc:
            raise DNSLookupError(f"{parts.hostname}: {exc}") from exc
        return None

    async def process_request(self, request: Request) -> None:
        reason = await run_in_thread(self.verdict, request, allow_private=self._private_allowed())
        if reason is None:
            return
        spider = self._crawler.spider if self._crawler is not None else None
        logger.warning("Address guard: %s", reason, extra={"spider": spider})
        if self._crawler is not None and self._crawler.stats is not None:
            self._crawler.stats.inc_value(crawl_stats.REFUSED_ADDRESS)
        raise GuardRefused(reason)
