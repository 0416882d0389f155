"""Turning a Scrapy response into a :class:`Page` item, for every spider."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import Response

from config.sources import Source
from pipelines.models import Page

HTML_TYPES = ("text/html", "application/xhtml+xml")


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if isinstance(value, bytes) else None


def is_html(response: Response) -> bool:
    """Decide by Content-Type, falling back to sniffing the first bytes (never parse a PDF as HTML)."""
    content_type = (header(response, "Content-Type") or "").split(";")[0].strip().lower()
    if content_type:
        return content_type in HTML_TYPES
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def page_from_response(response: Response, source: Source, crawl_run_id: str | None) -> Page:
    original = response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url
    return Page(
        url=original,
        final_url=response.url,
        status=response.status,
        body=response.body,
        source_id=source.id,
        fetched_at=datetime.now(UTC),
        content_type=header(response, "Content-Type"),
        etag=header(response, "ETag"),
        last_modified=header(response, "Last-Modified"),
        source_language=source.language,
        crawl_run_id=crawl_run_id,
    )
