"""Decisions on review items, their undoing, and their export.

The ``decisions`` table is append-only: an undo is a new row that names the
decision it cancels.  Each decision keeps a copy of the flags it judged, so
the export stays meaningful after rules change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, insert, not_, select, update

from pipelines.storage.schema import articles, decisions, flags, review_items
from review import audit
from review.clock import iso, utcnow
from review.copies import copy_article_ids
from review.errors import LeaseConflict, NotFound
from review.leases import require_lease
from review.queue import lease_live

Verdict = Literal["approve", "reject", "escalate"]
VERDICTS: tuple[Verdict, ...] = ("approve", "reject", "escalate")
UNDO = "undo"
EXPORT_BATCH = 500


def flag_snapshot(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(flags).where(flags.c.article_id == article_id).order_by(flags.c.id))
    return [
        {
            "id": row.id,
            "rule_id": row.rule_id,
            "code": row.code,
            "severity": row.severity,
            "action": row.action,
            "score": row.score,
            "shadow": bool(row.shadow),
            "detail": row.detail,
            "evidence": row.evidence,
            "rule_version": row.rule_version,
        }
        for row in rows
    ]


def _record(
    conn: Connection,
    item_id: int,
    article_id: str,
    reviewer: str,
    verdict: str,
    reason: str,
    now: datetime,
    copy_of: int | None,
) -> None:
    result = conn.execute(
        insert(decisions).values(
            review_item_id=item_id,
            article_id=article_id,
            reviewer=reviewer,
            decision=verdict,
            reason=reason,
            flags=flag_snapshot(conn, article_id),
            created_at=now,
        )
    )
    detail: dict[str, Any] = {"decision": verdict, "reason": reason}
    if result.inserted_primary_key:
        detail["decision_id"] = result.inserted_primary_key[0]
    if copy_of is not None:
        detail["copy_of"] = copy_of
    audit.record(conn, actor=reviewer, action="decision", target=audit.item_target(item_id), detail=detail, at=now)


def _close(verdict: str, reviewer: str, now: datetime) -> dict[str, Any]:
    return {
        "state": "decided",
        "decision": verdict,
        "decided_by": reviewer,
        "decided_at": now,
        "lease_owner": None,
        "lease_expires_at": None,
    }


def decide(
    engine: Engine, item_id: int, reviewer: str, verdict: Verdict, reason: str, *, apply_to_copies: bool = False
) -> list[int]:
    """Decide an item the reviewer holds; returns the ids of every item decided."""
    now = utcnow()
    with engine.begin() as conn:
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now))
            .values(**_close(verdict, reviewer, now))
        )
        if result.rowcount != 1:
            require_lease(conn, item_id, reviewer, now)  # raises the precise error
            raise LeaseConflict(f"item {item_id} changed hands")  # pragma: no cover
        article_id = conn.execute(select(review_items.c.article_id).where(review_items.c.id == item_id)).scalar_one()
        _record(conn, item_id, article_id, reviewer, verdict, reason, now, None)
        decided = [item_id]
        if apply_to_copies:
            decided += _decide_copies(conn, item_id, article_id, reviewer, verdict, reason, now)
    return decided


def _decide_copies(
    conn: Connection, item_id: int, article_id: str, reviewer: str, verdict: str, reason: str, now: datetime
) -> list[int]:
    """Decide the copies nobody else is holding; a copy another reviewer leases is left to them."""
    copy_ids = copy_article_ids(conn, article_id)
    if not copy_ids:
        return []
    held_by_other = and_(lease_live(now), review_items.c.lease_owner != reviewer)
    rows = conn.execute(
        select(review_items.c.id, review_items.c.article_id).where(
            review_items.c.article_id.in_(copy_ids),
            review_items.c.state != "decided",
            not_(held_by_other),
        )
    ).all()
    decided = []
    for row in rows:
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == row.id, review_items.c.state != "decided", not_(held_by_other))
            .values(**_close(verdict, reviewer, now))
        )
        if result.rowcount == 1:
            _record(conn, row.id, row.article_id, reviewer, verdict, reason, now, item_id)
            decided.append(row.id)
    return decided


def undo(engine: Engine, item_id: int, admin: str, reason: str) -> None:
    """Return a decided item to the queue, recording which decision is cancelled."""
    now = utcnow()
    with engine.begin() as conn:
        row = conn.execute(select(review_items).where(review_items.c.id == item_id)).first()
        if row is None:
            raise NotFound(f"no review item {item_id}")
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id, review_items.c.state == "decided")
            .values(
                state="pending",
                decision=None,
                decided_by=None,
                decided_at=None,
                lease_owner=None,
                lease_expires_at=None,
            )
        )
        if result.rowcount != 1:
            raise LeaseConflict(f"item {item_id} is not decided")
        undone = conn.execute(
            select(decisions.c.id)
            .where(decisions.c.review_item_id == item_id, decisions.c.decision != UNDO)
            .order_by(decisions.c.id.desc())
            .limit(1)
        ).scalar()
        conn.execute(
            insert(decisions).values(
                review_item_id=item_id,
                article_id=row.article_id,
                reviewer=admin,
                decision=UNDO,
                reason=reason,
                flags=[],
                undoes=undone,
                created_at=now,
            )
        )
        audit.record(
            conn,
            actor=admin,
            action="undo",
            target=audit.item_target(item_id),
            detail={"undoes": undone, "was": row.decision, "reason": reason},
            at=now,
        )


def _export_row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "review_item_id": row.review_item_id,
        "article_id": row.article_id,
        "reviewer": row.reviewer,
        "decision": row.decision,
        "reason": row.reason,
        "undoes": row.undoes,
        "created_at": iso(row.created_at),
        "flags": row.flags,
    }


def history(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(decisions).where(decisions.c.review_item_id == item_id).order_by(decisions.c.id))
    return [_export_row(row) for row in rows]


def export(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every decision in order, read in batches so a long log streams in bounded memory."""
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(decisions, articles.c.article_metadata)
                .outerjoin(articles, articles.c.id == decisions.c.article_id)
                .where(decisions.c.id > last)
                .order_by(decisions.c.id)
                .limit(EXPORT_BATCH)
            ).all()
        if not rows:
            return
        for row in rows:
            # The judged article's metadata, each field with its evidence (pipelines.storage.metadata_row).
            yield {**_export_row(row), "article_metadata": row.article_metadata or {}}
        last = rows[-1].id
