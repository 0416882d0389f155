"""Listing the review queue: filters, ordering, and each item's effective state.

A claimed item whose lease has run out counts as pending again; no sweeper is
needed because every reader and the claim itself apply the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, and_, literal, or_, select

from pipelines.storage.schema import articles, review_items
from review.clock import as_utc, iso

State = Literal["pending", "claimed", "decided"]
STATES: tuple[State, ...] = ("pending", "claimed", "decided")
MAX_LIMIT = 500


@dataclass(frozen=True)
class QueueFilter:
    code: str | None = None
    source: str | None = None
    language: str | None = None
    state: State | None = None


@dataclass(frozen=True)
class QueueItem:
    id: int
    article_id: str
    state: State
    priority: int
    action: str
    score: float
    codes: tuple[str, ...]
    source_id: str
    language: str | None
    title: str
    url: str
    lease_owner: str | None
    lease_expires_at: datetime | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "state": self.state,
            "priority": self.priority,
            "action": self.action,
            "score": self.score,
            "codes": list(self.codes),
            "source_id": self.source_id,
            "language": self.language,
            "title": self.title,
            "url": self.url,
            "lease_owner": self.lease_owner,
            "lease_expires_at": iso(self.lease_expires_at),
            "decision": self.decision,
            "decided_by": self.decided_by,
            "decided_at": iso(self.decided_at),
            "created_at": iso(self.created_at),
        }


def lease_live(now: datetime) -> ColumnElement[bool]:
    return and_(review_items.c.state == "claimed", review_items.c.lease_expires_at > now)


def claimable(now: datetime) -> ColumnElement[bool]:
    """Pending, or claimed with an expired (or missing) lease."""
    return or_(
        review_items.c.state == "pending",
        and_(
            review_items.c.state == "claimed",
            or_(review_items.c.lease_expires_at.is_(None), review_items.c.lease_expires_at <= now),
        ),
    )


def has_code(code: str) -> ColumnElement[bool]:
    # codes is space separated; pad both sides so "spam" does not match "spamlink".
    escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (literal(" ") + review_items.c.codes + literal(" ")).like(f"% {escaped} %", escape="\\")


def filter_conditions(queue_filter: QueueFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if queue_filter.code:
        conditions.append(has_code(queue_filter.code))
    if queue_filter.source:
        conditions.append(review_items.c.source_id == queue_filter.source)
    if queue_filter.language:
        conditions.append(review_items.c.language == queue_filter.language)
    if queue_filter.state == "pending":
        conditions.append(claimable(now))
    elif queue_filter.state == "claimed":
        conditions.append(lease_live(now))
    elif queue_filter.state == "decided":
        conditions.append(review_items.c.state == "decided")
    return conditions


def queue_order(query: Select[Any]) -> Select[Any]:
    return query.order_by(review_items.c.priority.desc(), review_items.c.created_at.asc(), review_items.c.id.asc())


def effective_state(state: str, lease_expires_at: datetime | None, now: datetime) -> State:
    if state == "claimed" and (lease_expires_at is None or as_utc(lease_expires_at) <= now):
        return "pending"
    if state in STATES:
        return state
    return "pending"


def _item(row: Any, now: datetime) -> QueueItem:
    expires = as_utc(row.lease_expires_at) if row.lease_expires_at is not None else None
    state = effective_state(row.state, expires, now)
    live = state == "claimed"
    return QueueItem(
        id=row.id,
        article_id=row.article_id,
        state=state,
        priority=row.priority,
        action=row.action,
        score=row.score,
        codes=tuple(row.codes.split()),
        source_id=row.source_id,
        language=row.language,
        title=row.title,
        url=row.url,
        lease_owner=row.lease_owner if live else None,
        lease_expires_at=expires if live else None,
        decision=row.decision,
        decided_by=row.decided_by,
        decided_at=as_utc(row.decided_at) if row.decided_at is not None else None,
        created_at=as_utc(row.created_at),
    )


def _base() -> Select[Any]:
    return select(review_items, articles.c.title, articles.c.url).join(
        articles, articles.c.id == review_items.c.article_id
    )


def list_items(
    conn: Connection, queue_filter: QueueFilter, now: datetime, *, limit: int = 50, offset: int = 0
) -> list[QueueItem]:
    limit = max(1, min(limit, MAX_LIMIT))
    query = queue_order(_base().where(*filter_conditions(queue_filter, now))).limit(limit).offset(max(0, offset))
    return [_item(row, now) for row in conn.execute(query)]


def get_item(conn: Connection, item_id: int, now: datetime) -> QueueItem | None:
    row = conn.execute(_base().where(review_items.c.id == item_id)).first()
    return None if row is None else _item(row, now)
