"""Our crawl configuration and a source -> Scrapy settings (pure).

Newsdesk's own components get the whole :class:`crawler.config.CrawlConfig` in one setting; everything
else here is Scrapy's own settings, derived from it.
"""

from __future__ import annotations

from typing import Any

from config.sources import Source
from crawler.config import CRAWL_CONFIG, HANDOFF_PIPELINE, CrawlConfig

# Order numbers relative to Scrapy's own: the guard sees every request first,
# including those that redirects and meta refreshes create.
DOWNLOADER_MIDDLEWARES = {
    "crawler.guard.AddressGuardMiddleware": 50,
    # Below HttpCompressionMiddleware (590) so the content hash is of the decoded body.
    "crawler.incremental.ConditionalRequestMiddleware": 560,
    # Last, so a host slot is taken as late as possible before the request leaves.
    "crawler.ratelimit.HostRateLimitMiddleware": 950,
}
ITEM_PIPELINES = {HANDOFF_PIPELINE: 500}
# Only the web: no file://, s3://, ftp:// or data: fetches.
DISABLED_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}


def scrapy_settings(
    config: CrawlConfig, *, source: Source | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Scrapy settings for one crawl (of ``source``, when given)."""
    settings = config.settings
    crawl = settings.crawl
    politeness = source.politeness if source else None
    values: dict[str, Any] = {
        "BOT_NAME": "newsdesk",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "DOWNLOAD_MAXSIZE": crawl.max_response_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_response_bytes // 2,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "REDIRECT_MAX_TIMES": crawl.max_redirects,
        "METAREFRESH_ENABLED": True,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": (
            politeness.concurrent_requests_per_domain
            if politeness and politeness.concurrent_requests_per_domain
            else crawl.concurrent_requests_per_domain
        ),
        # Scrapy starts this many asyncio tasks for the output of every response (default 100), while an article
        # response yields one item; 16 still lets a feed's or sitemap's many requests flow in parallel.
        "CONCURRENT_ITEMS": 16,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": 0.5,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
        "DEPTH_LIMIT": politeness.max_depth if politeness else 2,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "DOWNLOAD_HANDLERS": DISABLED_HANDLERS,
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "ITEM_PIPELINES": ITEM_PIPELINES,
        # Both open a control port into the crawler process: never wanted here.
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        # Scrapy's INFO lines (settings dumps, per-minute stats) drown ours; show them only when debugging.
        "LOG_LEVEL": "DEBUG" if settings.log_level == "DEBUG" else "WARNING",
        "COOKIES_ENABLED": False,
        "DNS_TIMEOUT": 10,
        # Checks the address the downloader really connects to (closes DNS rebinding after the guard's check).
        "TWISTED_DNS_RESOLVER": "crawler.resolver.GuardedResolver",
        CRAWL_CONFIG: config,
    }
    values.update(extra or {})
    return values
