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

from pipelines.storage.schema import articles, review_items
from review import audit
from review.clock import utcnow
from review.errors import LeaseConflict, NotFound
from review.queue import (
    QueueFilter,
    claimable,
    claimable_by,
    effective_state,
    filter_conditions,
    lease_live,
    queue_order,
)

MAX_CLAIM_ATTEMPTS = 100


def _claim_once(
    conn: Connection,
    reviewer: str,
    is_admin: bool,
    lease: timedelta,
    queue_filter: QueueFilter,
    skip: int | None,
) -> tuple[int | None, bool]:
    """One attempt: (item id or None, whether the queue had a candidate at all)."""
    now = utcnow()
    # Every filter on screen applies except the state: a claim is always of a claimable item.
    wanted = QueueFilter(
        code=queue_filter.code,
        source=queue_filter.source,
        language=queue_filter.language,
        q=queue_filter.q,
        queue=queue_filter.queue,
    )
    conditions = [
        claimable(now),
        *claimable_by(reviewer, is_admin),
        *filter_conditions(wanted, now, conn.dialect.name),
    ]
    if skip is not None:
        conditions.append(review_items.c.id != skip)
    # The search condition names the articles table; join it so the same conditions serve the listing.
    query = queue_order(select(review_items.c.id).join(articles, articles.c.id == review_items.c.article_id))
    query = query.where(*conditions).limit(1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=review_items, skip_locked=True)
    candidate = conn.execute(query).scalar()
    if candidate is None:
        return None, False
    return (candidate if _take(conn, int(candidate), reviewer, lease, now) else None), True


def _take(conn: Connection, item_id: int, reviewer: str, lease: timedelta, now: datetime) -> bool:
    """Lease one claimable item to ``reviewer`` (audited); False when someone else got there first."""
    expires = now + lease
    result = conn.execute(
        update(review_items)
        .where(review_items.c.id == item_id, claimable(now))
        .values(state="claimed", lease_owner=reviewer, lease_expires_at=expires, claimed_at=now)
    )
    if result.rowcount != 1:
        return False
    audit.record(
        conn,
        actor=reviewer,
        action="claim",
        target=audit.item_target(item_id),
        detail={"lease_expires_at": expires.isoformat()},
        at=now,
    )
    return True


def claim_next(
    engine: Engine,
    reviewer: str,
    lease_seconds: int,
    queue_filter: QueueFilter | None = None,
    *,
    skip: int | None = None,
    is_admin: bool = False,
) -> int | None:
    """Lease the highest-priority claimable item matching the filter to ``reviewer``; None when nothing is left."""
    lease = timedelta(seconds=lease_seconds)
    chosen = queue_filter or QueueFilter()
    for _ in range(MAX_CLAIM_ATTEMPTS):
        with engine.begin() as conn:
            item_id, had_candidate = _claim_once(conn, reviewer, is_admin, lease, chosen, skip)
        if item_id is not None:
            return item_id
        if not had_candidate:
            return None
    raise LeaseConflict("the queue is too contended; try again")


def claim_item(engine: Engine, item_id: int, reviewer: str, lease_seconds: int, *, is_admin: bool = False) -> None:
    """Lease this item (the one the reviewer has open); a live lease of the caller's own is kept as it is."""
    now = utcnow()
    with engine.begin() as conn:
        row = conn.execute(select(review_items).where(review_items.c.id == item_id)).first()
        if row is None:
            raise NotFound(f"no review item {item_id}")
        mine = conn.execute(
            select(review_items.c.id).where(
                review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now)
            )
        ).first()
        if mine is not None:
            return
        allowed = conn.execute(
            select(review_items.c.id).where(review_items.c.id == item_id, *claimable_by(reviewer, is_admin))
        ).first()
        if allowed is None:
            why = "is in the admins' queue" if row.queue == "admin" else "needs a second opinion from someone else"
            raise LeaseConflict(f"item {item_id} {why}")
        if not _take(conn, item_id, reviewer, timedelta(seconds=lease_seconds), now):
            raise _explain_failure(conn, item_id, now)


def _explain_failure(conn: Connection, item_id: int, now: datetime | None = None) -> LeaseConflict | NotFound:
    row = conn.execute(
        select(review_items.c.state, review_items.c.lease_owner, review_items.c.lease_expires_at).where(
            review_items.c.id == item_id
        )
    ).first()
    if row is None:
        return NotFound(f"no review item {item_id}")
    if row.state == "decided":
        return LeaseConflict(f"item {item_id} is already decided")
    if now is not None and effective_state(row.state, row.lease_expires_at, now) == "claimed":
        return LeaseConflict(f"item {item_id} is claimed by {row.lease_owner}")
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
