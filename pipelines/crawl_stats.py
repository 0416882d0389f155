"""Every crawl stat newsdesk's Scrapy components write, and the counts derived from them, in one place.

Scrapy keeps a crawl's stats as a flat ``{name: number}`` mapping; the
crawler's components increment the names below, the crawl summary and the
crawl-run rows (:mod:`pipelines.storage.crawl_runs`) read them through
:func:`crawl_counts`, so a name is spelt once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "newsdesk/"
PAGES = "newsdesk/pages"  # article responses turned into pages
NON_HTML = "newsdesk/non_html"  # responses skipped: not HTML (PDF, images)
SKIPPED_UNCHANGED = "newsdesk/skipped_unchanged"  # article responses whose body had not changed
NOT_MODIFIED = "newsdesk/not_modified"  # 304 answers to conditional requests
UNCHANGED = "newsdesk/unchanged"  # 200 answers whose body hashed as before
UNCHANGED_DISCOVERY = "newsdesk/unchanged_discovery"  # the same, for feeds and sitemaps
REFUSED_ADDRESS = "newsdesk/refused_address"  # requests the address guard refused
RATE_LIMITED = "newsdesk/rate_limited"  # requests that waited for their host's slot
RATE_WAIT_MS = "newsdesk/rate_wait_ms"  # milliseconds waited for slots, in all
RETRY_AFTER = "newsdesk/retry_after"  # 429/503 answers whose Retry-After pushed the host back
ITEMS_SENT = "newsdesk/items_sent"  # pages queued during the crawl
ITEMS_SPOOLED = "newsdesk/items_spooled"  # pages spooled to disk (queue unavailable)
ITEMS_UNSPOOLED = "newsdesk/items_unspooled"  # spooled pages queued later (one task each)
TASKS_SENT = "newsdesk/tasks_sent"  # processing tasks (batches) the queued pages went out in
FAILURES = "newsdesk/failures"  # the list of failed URLs with their reasons (crawler.failures)
FAILED_PREFIX = "newsdesk/failed/"  # + reason: URLs that failed for that reason
_ERRORS = ("log_count/ERROR", "downloader/exception_count")


def handoff_outcome(outcome: str) -> str:
    """The stat of a page the hand-off ``sent`` or ``spooled``."""
    return {"sent": ITEMS_SENT, "spooled": ITEMS_SPOOLED}[outcome]


@dataclass(frozen=True)
class CrawlCounts:
    """What a crawl's stats add up to."""

    pages: int
    queued: int  # pages on the queue: sent during the crawl, or from the spool after an outage
    tasks: int  # processing tasks they went out in: a batch is one; a page from the spool is one of its own
    spooled: int
    refused: int
    non_html: int
    not_modified: int
    errors: int


def crawl_counts(stats: Mapping[str, Any]) -> CrawlCounts:
    def count(name: str) -> int:
        value = stats.get(name, 0)
        return int(value) if isinstance(value, (int, float)) else 0

    return CrawlCounts(
        pages=count(PAGES),
        queued=count(ITEMS_SENT) + count(ITEMS_UNSPOOLED),
        tasks=count(TASKS_SENT) + count(ITEMS_UNSPOOLED),
        spooled=count(ITEMS_SPOOLED),
        refused=count(REFUSED_ADDRESS),
        non_html=count(NON_HTML),
        not_modified=count(NOT_MODIFIED),
        errors=sum(count(name) for name in stats if name.startswith(_ERRORS)),
    )
