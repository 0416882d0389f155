"""Listing the review queue: filters, ordering, and each item's effective state.

A claimed item whose lease has run out counts as pending again; no sweeper is
needed because every reader and the claim itself apply the same rule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, and_, func, literal, or_, select

from pipelines.models import SEVERITY_RANK
from pipelines.storage import search
from pipelines.storage.schema import articles, review_items
from review.clock import as_utc, iso

State = Literal["pending", "claimed", "decided"]
STATES: tuple[State, ...] = ("pending", "claimed", "decided")
Sort = Literal["priority", "oldest", "newest", "score"]
SORTS: tuple[Sort, ...] = ("priority", "oldest", "newest", "score")
QueueName = Literal["main", "admin"]
MAX_LIMIT = 500
MAX_ID = 2**31 - 1  # review item ids are 32-bit integers in PostgreSQL (and kept so on SQLite)
SEVERITY_NAMES = {rank: name for name, rank in SEVERITY_RANK.items()}


@dataclass(frozen=True)
class QueueFilter:
    code: str | None = None
    source: str | None = None
    language: str | None = None
    state: State | None = None
    q: str | None = None  # full-text search over titles and text
    queue: QueueName | None = None  # None: both; reviewers claim only from "main"

    def query_args(self) -> dict[str, str]:
        """The filter as query parameters (carried from the queue to claims and back)."""
        values = {"code": self.code, "source": self.source, "language": self.language, "q": self.q}
        return {key: value for key, value in values.items() if value}


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
    queue: str = "main"
    second_review: str | None = None
    escalated_by: str | None = None
    escalation_reason: str | None = None
    first_reviewer: str | None = None

    @property
    def severity(self) -> str:
        return SEVERITY_NAMES.get((self.priority // 1000) % 10, "info")

    @property
    def priority_label(self) -> str:
        """The priority as a reviewer reads it: what processing did, how severe, how sure."""
        return f"{self.action} · {self.severity} · score {self.score:.2f}"

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
            "severity": self.severity,
            "priority_label": self.priority_label,
            "queue": self.queue,
            "second_opinion_due": self.second_review == "wanted",
            "escalated_by": self.escalated_by,
            "escalation_reason": self.escalation_reason,
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


def claimable_by(reviewer: str, is_admin: bool) -> list[ColumnElement[bool]]:
    """Who may take an item: the admins' queue is for admins, and a second opinion is never the first one's."""
    conditions = [
        or_(
            review_items.c.second_review.is_(None),
            review_items.c.second_review != "wanted",
            review_items.c.first_reviewer.is_(None),
            review_items.c.first_reviewer != reviewer,
        )
    ]
    if not is_admin:
        conditions.append(review_items.c.queue == "main")
    return conditions


def filter_conditions(queue_filter: QueueFilter, now: datetime, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if queue_filter.q:
        conditions.append(search.matches(dialect, queue_filter.q))
    if queue_filter.queue:
        conditions.append(review_items.c.queue == queue_filter.queue)
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


def queue_order(query: Select[Any], sort: Sort = "priority") -> Select[Any]:
    c = review_items.c
    if sort == "oldest":
        return query.order_by(c.created_at.asc(), c.id.asc())
    if sort == "newest":
        return query.order_by(c.created_at.desc(), c.id.desc())
    if sort == "score":
        return query.order_by(c.score.desc(), c.priority.desc(), c.id.asc())
    return query.order_by(c.priority.desc(), c.created_at.asc(), c.id.asc())


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
        queue=row.queue,
        second_review=row.second_review,
        escalated_by=row.escalated_by,
        escalation_reason=row.escalation_reason,
        first_reviewer=row.first_reviewer,
    )


def _base() -> Select[Any]:
    return select(review_items, articles.c.title, articles.c.url).join(
        articles, articles.c.id == review_items.c.article_id
    )


def list_items(
    conn: Connection,
    queue_filter: QueueFilter,
    now: datetime,
    *,
    limit: int = 50,
    offset: int = 0,
    sort: Sort = "priority",
) -> list[QueueItem]:
    limit = max(1, min(limit, MAX_LIMIT))
    conditions = filter_conditions(queue_filter, now, conn.dialect.name)
    query = queue_order(_base().where(*conditions), sort).limit(limit).offset(max(0, offset))
    return [_item(row, now) for row in conn.execute(query)]


@dataclass(frozen=True)
class Facets:
    """The choices a filter offers, each with how many items it would show (the other filters applied)."""

    codes: tuple[tuple[str, int], ...]
    sources: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...]
    states: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "codes": dict(self.codes),
            "sources": dict(self.sources),
            "languages": dict(self.languages),
            "states": dict(self.states),
        }


def facets(conn: Connection, queue_filter: QueueFilter, now: datetime) -> Facets:
    """Counts per code, source, language and state; each facet ignores its own filter so every choice shows."""
    dialect = conn.dialect.name

    def without(**cleared: None) -> list[ColumnElement[bool]]:
        return filter_conditions(dataclasses.replace(queue_filter, **cleared), now, dialect)

    code_counts: dict[str, int] = {}
    base = _base().where(*without(code=None)).subquery()
    for codes, count in conn.execute(select(base.c.codes, func.count()).group_by(base.c.codes)):
        for code in str(codes).split():
            code_counts[code] = code_counts.get(code, 0) + int(count)
    states: dict[str, int] = {}
    for state in STATES:
        conditions = filter_conditions(dataclasses.replace(queue_filter, state=state), now, dialect)
        query = select(func.count()).select_from(_base().where(*conditions).subquery())
        states[state] = int(conn.execute(query).scalar_one())
    sources = _facet(conn, "source_id", without(source=None))
    languages = _facet(conn, "language", without(language=None))
    return Facets(
        codes=tuple(sorted(code_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        sources=sources,
        languages=languages,
        states=tuple((state, states.get(state, 0)) for state in STATES),
    )


def _facet(conn: Connection, name: str, conditions: list[ColumnElement[bool]]) -> tuple[tuple[str, int], ...]:
    base = _base().where(*conditions).subquery()
    column = base.c[name]
    rows = conn.execute(select(column, func.count()).group_by(column))
    pairs = [(str(value), int(count)) for value, count in rows if value is not None]
    return tuple(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))


def get_item(conn: Connection, item_id: int, now: datetime) -> QueueItem | None:
    row = conn.execute(_base().where(review_items.c.id == item_id)).first()
    return None if row is None else _item(row, now)
