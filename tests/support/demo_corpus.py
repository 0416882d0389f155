"""The bundled demo's article pages as fetched pages, for tests that process them without a crawl."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from newsdesk.demo_pages import build_routes, demo_sources, load_stories
from pipelines.models import Page
from pipelines.urls import article_id, canonicalize

FETCHED = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def site_bases(tag: str = "") -> tuple[str, str]:
    """The planet/metro base and the auto-blog's, on two sites (``tag`` makes a round's URLs its own)."""
    return f"http://news{tag}.test", f"http://autoblog{tag}.test"


def story_pages(tag: str = "") -> dict[str, Page]:
    """Each demo story's page, by slug, as its source would have fetched it (fetch times in slug order)."""
    base, autoblog = site_bases(tag)
    routes = build_routes(base, autoblog)
    pages = {}
    for n, story in enumerate(load_stories()):
        path = f"/{story.site}/{story.slug}"
        url = f"{autoblog if story.site == 'autoblog' else base}{path}"
        _status, content_type, body = routes[path]
        pages[story.slug] = Page(url, url, 200, body, story.site, FETCHED + timedelta(minutes=n), content_type,
                                 source_language="en")  # fmt: skip
    return pages


def refetched(page: Page, minutes: int) -> Page:
    """``page`` fetched ``minutes`` after the corpus's first fetch."""
    return dataclasses.replace(page, fetched_at=FETCHED + timedelta(minutes=minutes))


def page_id(page: Page) -> str:
    return article_id(canonicalize(page.final_url))


def sources_doc(tags: list[str]) -> dict[str, Any]:
    """The demo's sources, allowed on every round's hosts."""
    doc = demo_sources(*site_bases())
    for source in doc["sources"]:
        host = source["allowed_domains"][0]
        source["allowed_domains"] = [host.replace(".test", f"{tag}.test") for tag in ["", *tags]]
    return doc
