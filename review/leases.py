"""Claims are leases: claim the next item, renew it with heartbeats, release it.

Two reviewers must never hold the same item.  On PostgreSQL the candidate row
is locked with ``FOR UPDATE SKIP LOCKED`` so concurrent claimers pass over each
other's picks; on SQLite (one writer at a time) the claim is a conditional
``UPDATE`` that only succeeds while the row is still claimable, and a claimer
that loses the race simply tries the next candidate.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from pipelines.storage.schema import review_items
from review import audit
from review.clock import utcnow
from review.errors import LeaseConflict, NotFound
from review.queue import QueueFilter, claimable, filter_conditions, lease_live, queue_order

MAX_CLAIM_ATTEMPTS = 100


def _claim_once(
    conn: Connection, reviewer: str, lease: timedelta, queue_filter: QueueFilter, skip: int | None
) -> tuple[int | None, bool]:
    """One attempt: (item id or None, whether the queue had a candidate at all)."""
    now = utcnow()
    conditions = [
        claimable(now),
        *filter_conditions(
            QueueFilter(code=queue_filter.code, source=queue_filter.source, language=queue_filter.language), now
        ),
    ]
    if skip is not None:
        conditions.append(review_items.c.id != skip)
    query = queue_order(select(review_items.c.id).where(*conditions)).limit(1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidate = conn.execute(query).scalar()
    if candidate is None:
        return None, False
    expires = now + lease
    result = conn.execute(
        update(review_items)
        .where(review_items.c.id == candidate, claimable(now))
        .values(state="claimed", lease_owner=reviewer, lease_expires_at=expires)
    )
    if result.rowcount != 1:
        return None, True
    audit.record(
        conn,
        actor=reviewer,
        action="claim",
        target=audit.item_target(candidate),
        detail={"lease_expires_at": expires.isoformat()},
        at=now,
    )
    return int(candidate), True


def claim_next(
    engine: Engine,
    reviewer: str,
    lease_seconds: int,
    queue_filter: QueueFilter | None = None,
    *,
    skip: int | None = None,
) -> int | None:
    """Lease the highest-priority claimable item to ``reviewer``; None when nothing is left."""
    lease = timedelta(seconds=lease_seconds)
    for _ in range(MAX_CLAIM_ATTEMPTS):
        with engine.begin() as conn:
            item_id, had_candidate = _claim_once(conn, reviewer, lease, queue_filter or QueueFilter(), skip)
        if item_id is not None:
            return item_id
        if not had_candidate:
            return None
    raise LeaseConflict("the queue is too contended; try again")


def _explain_failure(conn: Connection, item_id: int) -> LeaseConflict | NotFound:
    row = conn.execute(select(review_items.c.state).where(review_items.c.id == item_id)).first()
    if row is None:
        return NotFound(f"no review item {item_id}")
    if row.state == "decided":
        return LeaseConflict(f"item {item_id} is already decided")
    return LeaseConflict(f"you hold no live lease on item {item_id}")


def require_lease(conn: Connection, item_id: int, reviewer: str, now: datetime) -> None:
    """Raise unless ``reviewer`` holds a live lease on the item."""
    row = conn.execute(
        select(review_items.c.id).where(
            review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now)
        )
    ).first()
    if row is None:
        raise _explain_failure(conn, item_id)


def heartbeat(engine: Engine, item_id: int, reviewer: str, lease_seconds: int) -> datetime:
    """Extend a live lease; an expired one cannot be revived (someone else may hold the item)."""
    now = utcnow()
    expires = now + timedelta(seconds=lease_seconds)
    with engine.begin() as conn:
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now))
            .values(lease_expires_at=expires)
        )
        if result.rowcount != 1:
            raise _explain_failure(conn, item_id)
        audit.record(
            conn,
            actor=reviewer,
            action="heartbeat",
            target=audit.item_target(item_id),
            detail={"lease_expires_at": expires.isoformat()},
            at=now,
        )
    return expires


def release(engine: Engine, item_id: int, reviewer: str) -> None:
    """Give the item back to the queue."""
    now = utcnow()
    with engine.begin() as conn:
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now))
            .values(state="pending", lease_owner=None, lease_expires_at=None)
        )
        if result.rowcount != 1:
            raise _explain_failure(conn, item_id)
        audit.record(conn, actor=reviewer, action="release", target=audit.item_target(item_id), at=now)
