"""The page itself, for reviewers: the stored HTML, sanitized, served for a sandboxed frame; and re-extraction.

Defence in depth, since the page was written by an attacker: nh3 (the Ammonia sanitizer) keeps only
structural and text tags with no URL-bearing or event attributes, so nothing can load or run; the response
carries its own CSP (``default-src 'none'`` and ``sandbox``: no script, no network, a unique origin) and the
desk frames it in an ``<iframe sandbox>``.  What the sanitizer took out is counted for the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import nh3
from sqlalchemy import Connection, Engine, select

from pipelines.decode import decode_html
from pipelines.extract import extract_raw
from pipelines.storage.repository import stored_page, update_extraction
from pipelines.storage.schema import articles, review_items
from pipelines.strip import strip_residue
from review import audit
from review.clock import utcnow
from review.errors import NotFound

PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'self'; sandbox"
)
KEPT_TAGS = frozenset(
    "a abbr article aside b blockquote br caption cite code dd del details dfn div dl dt em figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hr i ins kbd li main mark nav ol p pre q s section small span strong sub "
    "summary sup table tbody td tfoot th thead time tr u ul".split()
)
KEPT_ATTRIBUTES = {"*": {"title", "lang", "dir"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
# What a reader should know was removed (approximate counts over the raw markup).
REMOVED_PATTERNS = {
    "scripts": re.compile(r"<script\b", re.IGNORECASE),
    "frames": re.compile(r"<i?frame\b", re.IGNORECASE),
    "event handlers": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "images": re.compile(r"<img\b", re.IGNORECASE),
    "forms": re.compile(r"<form\b", re.IGNORECASE),
    "embedded objects": re.compile(r"<(?:object|embed|applet)\b", re.IGNORECASE),
    "style sheets": re.compile(r"<style\b|<link\b[^>]*stylesheet", re.IGNORECASE),
    "links (kept as text)": re.compile(r"<a\b[^>]*\shref\s*=", re.IGNORECASE),
}
_STORED_PAGE_PATH = re.compile(r"/items/\d{1,10}/page")


def is_stored_page(path: str) -> bool:
    """Whether ``path`` is the route that serves a stored page (it gets :data:`PAGE_CSP`)."""
    return _STORED_PAGE_PATH.fullmatch(path) is not None


FRAME_STYLE = (
    "body{font:15px/1.5 Georgia,serif;margin:1rem;color:#1d232b;max-width:80ch}"
    "a{color:#2457c5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 4px}"
)


@dataclass(frozen=True)
class PageView:
    html: str  # a whole document, sanitized
    removed: tuple[tuple[str, int], ...]
    original_bytes: int


def _article_of(conn: Connection, item_id: int) -> Any:
    row = conn.execute(
        select(articles.c.id, articles.c.url, articles.c.title)
        .join(review_items, review_items.c.article_id == articles.c.id)
        .where(review_items.c.id == item_id)
    ).first()
    if row is None:
        raise NotFound(f"no review item {item_id}")
    return row


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(KEPT_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in KEPT_ATTRIBUTES.items()},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def removed_counts(html: str) -> tuple[tuple[str, int], ...]:
    counts = ((name, len(pattern.findall(html))) for name, pattern in REMOVED_PATTERNS.items())
    return tuple((name, count) for name, count in counts if count)


def page_view(conn: Connection, item_id: int) -> PageView | None:
    """The item's page, sanitized (None when the page was not kept, e.g. stored before pages were)."""
    row = _article_of(conn, item_id)
    stored = stored_page(conn, row.id)
    if stored is None:
        return None
    body, content_type = stored
    html = decode_html(body, content_type)
    document = (
        '<!doctype html><html><head><meta charset="utf-8"><title>stored page</title>'
        f"<style>{FRAME_STYLE}</style></head><body>{sanitize(html)}</body></html>"
    )
    return PageView(document, removed_counts(html), len(body))


def has_page(conn: Connection, item_id: int) -> bool:
    return stored_page(conn, _article_of(conn, item_id).id) is not None


def reextract(engine: Engine, item_id: int, admin: str) -> dict[str, Any]:
    """Run extraction and stripping again over the stored page (after an extractor fix); audited."""
    now = utcnow()
    with engine.begin() as conn:
        row = _article_of(conn, item_id)
        stored = stored_page(conn, row.id)
        if stored is None:
            raise NotFound(f"the page of item {item_id} was not kept; it cannot be re-extracted")
        before = conn.execute(select(articles.c.text, articles.c.title).where(articles.c.id == row.id)).one()
        body, content_type = stored
        article = strip_residue(extract_raw(decode_html(body, content_type), row.url))
        update_extraction(conn, row.id, article, now)
        detail = {
            "title_before": before.title[:200],
            "title_after": article.title[:200],
            "chars_before": len(before.text),
            "chars_after": len(article.text),
            "stripped": len(article.stripped),
            "empty_reason": article.empty_reason,
        }
        audit.record(conn, actor=admin, action="reextract", target=audit.item_target(item_id), detail=detail, at=now)
    return detail
