"""Why a URL could not be fetched, in a word: one failure per URL, counted by reason.

:func:`classify` turns the exception Scrapy gave up with (after its retries)
into a reason of :data:`REASONS` and a one-line detail; :class:`FailureLog`,
a downloader middleware placed outermost, sees only final outcomes (a retried
request that then succeeds is no failure) and records each failed URL in the
crawl's stats: a count per reason (``newsdesk/failed/<reason>``) and the list
under :data:`FAILURES_KEY` (at most :data:`MAX_LISTED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from twisted.internet import error as twisted_errors
from twisted.internet.defer import CancelledError
from twisted.web._newclient import ResponseNeverReceived

from crawler.guard import GuardRefused
from crawler.incremental import NotModified
from pipelines import crawl_stats

REASONS = ("dns", "refused", "timeout", "robots", "offsite", "blocked address", "http 4xx", "http 5xx",
           "too large", "not html", "connection", "other")  # fmt: skip
# Counted by reason but not as errors: the crawl did what it was told.
NOT_ERRORS = frozenset({"robots", "not html"})
FAILURES_KEY = crawl_stats.FAILURES
FAILED_PREFIX = crawl_stats.FAILED_PREFIX
MAX_LISTED = 1000
# Scrapy's loggers that print a traceback per failed URL; FailureLog reports those failures in one line each.
FAILURE_LOGGERS = (
    "scrapy.core.scraper",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
)
# The outermost downloader middleware (Scrapy's OffsiteMiddleware is 50), so it sees what retries gave up on.
ORDER = 5


@dataclass(frozen=True)
class FailedFetch:
    """One URL that could not be fetched."""

    url: str
    reason: str
    detail: str


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def classify(exc: BaseException) -> tuple[str, str]:
    """The reason (one of :data:`REASONS`) and a one-line detail for a download that raised ``exc``."""
    detail = _first_line(exc)
    lowered = detail.lower()
    if isinstance(exc, GuardRefused):
        return "blocked address", detail
    if isinstance(exc, (CannotResolveHostError, twisted_errors.DNSLookupError)):
        return "dns", detail
    if isinstance(exc, (DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError)):
        return "refused", detail
    if isinstance(exc, (DownloadTimeoutError, twisted_errors.TimeoutError, twisted_errors.TCPTimedOutError)):
        return "timeout", detail
    # Scrapy cancels a download only when the body outgrows DOWNLOAD_MAXSIZE (the message is in its log).
    if isinstance(exc, (DownloadCancelledError, CancelledError)):
        return "too large", detail if detail != type(exc).__name__ else "larger than crawl.max_response_bytes"
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in lowered:
            return "robots", detail
        if "offsite" in lowered:
            return "offsite", detail
        if "max size" in lowered or "maxsize" in lowered:
            return "too large", detail
    if isinstance(exc, (DownloadFailedError, ResponseDataLossError, ResponseNeverReceived,
                        twisted_errors.ConnectionLost, twisted_errors.ConnectionDone)):  # fmt: skip
        return "connection", detail
    if isinstance(exc, twisted_errors.ConnectError):
        return "refused", detail
    return "other", f"{type(exc).__name__}: {detail}"


def classify_status(status: int) -> str | None:
    if 400 <= status < 500:
        return "http 4xx"
    if status >= 500:
        return "http 5xx"
    return None


def _is_robots_fetch(request: Request) -> bool:
    return request.url.split("?", 1)[0].endswith("/robots.txt")


def record_failure(crawler: Crawler | None, url: str, reason: str, detail: str) -> None:
    """Count ``url`` as failed for ``reason`` in the crawl's stats and list it (the first :data:`MAX_LISTED`)."""
    stats = crawler.stats if crawler is not None else None
    if stats is None:
        return
    stats.inc_value(f"{FAILED_PREFIX}{reason}")
    listed: list[FailedFetch] = stats.get_value(FAILURES_KEY) or []
    if len(listed) < MAX_LISTED:
        listed.append(FailedFetch(url, reason, detail))
        stats.set_value(FAILURES_KEY, listed)


class FailureLog:
    """Downloader middleware that records every URL the crawl could not fetch, with its reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureLog:
        return cls(crawler)

    def record(self, url: str, reason: str, detail: str) -> None:
        record_failure(self.crawler, url, reason, detail)

    def process_response(self, request: Request, response: Response) -> Response:
        if _is_robots_fetch(request):
            return response  # a missing robots.txt means "allowed", not a failure
        reason = classify_status(response.status)
        if reason is not None:
            self.record(request.url, reason, f"HTTP {response.status}")
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, NotModified) or _is_robots_fetch(request):
            return None
        reason, detail = classify(exception)
        self.record(request.url, reason, detail)
        return None


def failures_of(stats: dict[str, Any]) -> tuple[list[FailedFetch], dict[str, int]]:
    """The failed URLs and the count per reason recorded in a crawl's stats."""
    listed = [f for f in stats.get(FAILURES_KEY) or [] if isinstance(f, FailedFetch)]
    counts = {k[len(FAILED_PREFIX) :]: int(v) for k, v in stats.items() if k.startswith(FAILED_PREFIX)}
    return listed, dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
