"""Everything a reviewer sees about one item: article, flags, stripped blocks, copies, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from pipelines.flagging.ruleset import RuleSet
from pipelines.storage.metadata_row import metadata_from_row
from pipelines.storage.schema import articles, review_items
from review import audit
from review.clock import iso
from review.copies import copy_article_ids
from review.decisions import flag_snapshot, history
from review.errors import NotFound
from review.evidence import complete
from review.highlight import Segment, palette, segments, spans_for
from review.queue import QueueItem, effective_state, get_item


@dataclass(frozen=True)
class Copy:
    article_id: str
    title: str
    url: str
    source_id: str
    item_id: int | None
    state: str | None
    decision: str | None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class ItemDetail:
    item: QueueItem
    article: dict[str, Any]
    flags: tuple[dict[str, Any], ...]
    copies: tuple[Copy, ...]
    audit: tuple[audit.AuditEntry, ...]
    decisions: tuple[dict[str, Any], ...]
    blind: bool = False  # a second opinion is due and the viewer may not see the first
    marked: tuple[dict[str, Any], ...] | None = None  # the flags with every match (review.evidence)

    @property
    def mark_flags(self) -> tuple[dict[str, Any], ...]:
        return self.marked if self.marked is not None else self.flags

    @property
    def legend(self) -> dict[str, int]:
        """Each flag code and its highlight colour."""
        return palette(str(flag.get("code", "")) for flag in self.flags)

    @property
    def text_segments(self) -> list[Segment]:
        text = str(self.article["text"])
        return segments(text, spans_for(text, self.mark_flags, "text"), self.legend)

    @property
    def title_segments(self) -> list[Segment]:
        title = str(self.article["title"])
        return segments(title, spans_for(title, self.mark_flags, "title"), self.legend)

    @property
    def match_counts(self) -> dict[str, int]:
        """Marked matches per code, title and text together."""
        counts: dict[str, int] = {}
        for field in ("title", "text"):
            for span in spans_for(str(self.article[field]), self.mark_flags, field):
                counts[span.label] = counts.get(span.label, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item.to_json(),
            "article": self.article,
            "flags": list(self.flags),
            "copies": [copy.to_json() for copy in self.copies],
            "audit": [entry.to_json() for entry in self.audit],
            "decisions": list(self.decisions),
            "blind": self.blind,
            "matches": self.match_counts,
        }


def _article(conn: Connection, article_id: str) -> dict[str, Any]:
    row = conn.execute(select(articles).where(articles.c.id == article_id)).one()
    stripped = [
        {"category": str(block.get("category", "other")), "text": str(block.get("text", ""))}
        for block in (row.stripped or [])
        if isinstance(block, dict)
    ]
    return {
        "id": row.id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "source_id": row.source_id,
        "title": row.title,
        "text": row.text,
        "language": row.language,
        "published": row.published,
        "author": row.author,
        "fetched_at": iso(row.fetched_at),
        "duplicate_of": row.duplicate_of,
        "duplicate_kind": row.duplicate_kind,
        "cluster_id": row.cluster_id,
        "stripped": stripped,
        "empty_reason": row.empty_reason,
        "metadata": metadata_view(row.article_metadata),
    }


# The metadata block of the item page: label, field name, in display order.
METADATA_LABELS: tuple[tuple[str, str], ...] = (
    ("Title", "title"), ("Authors", "authors"), ("Published", "published"), ("Modified", "modified"),
    ("Language", "language"), ("Site", "site_name"), ("Section", "section"), ("Tags", "tags"),
    ("Description", "description"), ("Lead image", "image_url"), ("Canonical URL", "canonical_url"),
)  # fmt: skip


def metadata_view(stored: object) -> list[dict[str, str]]:
    """The stored metadata as rows of label, value (lists joined) and evidence, for the item page and its JSON."""
    meta = metadata_from_row(stored)
    rows = []
    for label, name in METADATA_LABELS:
        found = getattr(meta, name)
        if found.value:
            value = ", ".join(found.value) if isinstance(found.value, tuple) else found.value
            rows.append({"label": label, "field": name, "value": value, "source": str(found.source or "")})
    return rows


def _copies(conn: Connection, article_id: str, now: datetime) -> tuple[Copy, ...]:
    ids = copy_article_ids(conn, article_id)
    if not ids:
        return ()
    rows = conn.execute(
        select(
            articles.c.id,
            articles.c.title,
            articles.c.url,
            articles.c.source_id,
            articles.c.fetched_at,
            review_items.c.id.label("item_id"),
            review_items.c.state,
            review_items.c.lease_expires_at,
            review_items.c.decision,
        )
        .outerjoin(review_items, review_items.c.article_id == articles.c.id)
        .where(articles.c.id.in_(ids))
        .order_by(articles.c.fetched_at, articles.c.id)
    )
    return tuple(
        Copy(
            article_id=row.id,
            title=row.title,
            url=row.url,
            source_id=row.source_id,
            item_id=row.item_id,
            state=None if row.state is None else effective_state(row.state, row.lease_expires_at, now),
            decision=row.decision,
        )
        for row in rows
    )


def load_detail(
    conn: Connection,
    item_id: int,
    now: datetime,
    *,
    viewer_is_admin: bool = True,
    rules: RuleSet | None = None,
) -> ItemDetail:
    """The item as ``viewer`` may see it: while a blind second opinion is due, a reviewer sees no earlier
    decision (an admin sees everything)."""
    item = get_item(conn, item_id, now)
    if item is None:
        raise NotFound(f"no review item {item_id}")
    blind = item.second_review == "wanted" and not viewer_is_admin
    entries = tuple(reversed(audit.entries(conn, target=audit.item_target(item_id), limit=200)))
    if blind:
        entries = tuple(e for e in entries if e.action not in ("decision", "undo"))
    article = _article(conn, item.article_id)
    stored = tuple(flag_snapshot(conn, item.article_id))
    return ItemDetail(
        item=item,
        article=article,
        flags=stored,
        marked=complete(rules, stored, str(article["title"]), str(article["text"])),
        copies=_copies(conn, item.article_id, now),
        audit=entries,
        decisions=() if blind else tuple(history(conn, item_id)),
        blind=blind,
    )
