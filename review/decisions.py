"""Decisions on review items, their undoing, and their export.

The ``decisions`` table is append-only: an undo is a new row that names the
decision it cancels.  Each decision keeps a copy of the flags it judged, so
the export stays meaningful after rules change.

Routing: an escalation sends the item to the admins' queue with the
reviewer's reason; a share of first decisions (``review.second_opinion_rate``)
waits, blind, for a second reviewer, and a second opinion that disagrees
escalates too.  Batch decisions decide each item on its own.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, insert, not_, select, update

from pipelines.storage.schema import articles, decisions, flags, review_items
from review import audit
from review.clock import as_utc, iso, utcnow
from review.copies import copy_article_ids
from review.errors import InvalidInput, LeaseConflict, NotFound, ReviewError
from review.leases import claim_item, require_lease
from review.queue import lease_live

Outcome = Literal["decided", "escalated", "second_opinion_due"]
_RANDOM = random.SystemRandom()  # reviewers must not be able to predict which decisions get a second look
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


@dataclass(frozen=True)
class Decided:
    """What a decision did: the items it decided, and where the item went."""

    ids: list[int]
    outcome: Outcome

    def to_json(self) -> dict[str, Any]:
        return {"decided": self.ids, "outcome": self.outcome}


@dataclass(frozen=True)
class BatchResult:
    decided: list[int]
    skipped: list[tuple[int, str]]

    def to_json(self) -> dict[str, Any]:
        return {"decided": self.decided, "skipped": [{"id": i, "why": why} for i, why in self.skipped]}


def _record(
    conn: Connection,
    row: Any,
    reviewer: str,
    verdict: str,
    reason: str,
    now: datetime,
    *,
    opinion: str,
    copy_of: int | None = None,
) -> None:
    handling = None
    if row.claimed_at is not None and copy_of is None:
        handling = max(0.0, (now - as_utc(row.claimed_at)).total_seconds())
    result = conn.execute(
        insert(decisions).values(
            review_item_id=row.id,
            article_id=row.article_id,
            reviewer=reviewer,
            decision=verdict,
            reason=reason,
            flags=flag_snapshot(conn, row.article_id),
            created_at=now,
            opinion=opinion,
            handling_seconds=handling,
        )
    )
    detail: dict[str, Any] = {"decision": verdict, "reason": reason, "opinion": opinion}
    if result.inserted_primary_key:
        detail["decision_id"] = result.inserted_primary_key[0]
    if copy_of is not None:
        detail["copy_of"] = copy_of
    audit.record(conn, actor=reviewer, action="decision", target=audit.item_target(row.id), detail=detail, at=now)


def _close(verdict: str, reviewer: str, now: datetime) -> dict[str, Any]:
    return {
        "state": "decided",
        "decision": verdict,
        "decided_by": reviewer,
        "decided_at": now,
        "lease_owner": None,
        "lease_expires_at": None,
    }


def _to_admins(escalated_by: str, reason: str) -> dict[str, Any]:
    return {
        "state": "pending",
        "queue": "admin",
        "escalated_by": escalated_by,
        "escalation_reason": reason[:4000],
        "lease_owner": None,
        "lease_expires_at": None,
        "decision": None,
        "decided_by": None,
        "decided_at": None,
    }


def _first_opinion(conn: Connection, item_id: int) -> Any:
    return conn.execute(
        select(decisions)
        .where(decisions.c.review_item_id == item_id, decisions.c.opinion == "first")
        .order_by(decisions.c.id.desc())
        .limit(1)
    ).first()


def _route(
    conn: Connection, row: Any, reviewer: str, verdict: str, reason: str, is_admin: bool, sampled: bool, now: datetime
) -> tuple[dict[str, Any], str, Outcome]:
    """The item's new columns, the decision's opinion, and the outcome, for a decision on ``row``."""
    if row.queue == "admin":
        if not is_admin:
            raise LeaseConflict(f"item {row.id} is in the admins' queue")
        if verdict == "escalate":
            raise InvalidInput(f"item {row.id} is already escalated: approve or reject it")
        return _close(verdict, reviewer, now), "admin", "decided"
    if row.second_review == "wanted":
        first = _first_opinion(conn, row.id)
        if first is not None and first.decision == verdict:
            values = dict(_close(verdict, first.reviewer, now), second_review="done")
            return values, "second", "decided"
        told = f"{first.reviewer} chose {first.decision}: {first.reason}" if first is not None else "no first opinion"
        why = f"second opinion disagrees ({told}; {reviewer} chose {verdict}: {reason})"
        return dict(_to_admins(reviewer, why), second_review="done"), "second", "escalated"
    if verdict == "escalate":
        return _to_admins(reviewer, reason), "first", "escalated"
    if sampled:
        values = {
            "state": "pending",
            "second_review": "wanted",
            "first_reviewer": reviewer,
            "lease_owner": None,
            "lease_expires_at": None,
            "decision": None,
            "decided_by": None,
            "decided_at": None,
        }
        return values, "first", "second_opinion_due"
    return _close(verdict, reviewer, now), "first", "decided"


def sample_for_second_opinion(rate: float) -> bool:
    """Draw the blind double-review sample: each first decision independently with probability ``rate``."""
    return rate > 0 and (rate >= 1 or _RANDOM.random() < rate)


def decide(
    engine: Engine,
    item_id: int,
    reviewer: str,
    verdict: Verdict,
    reason: str,
    *,
    apply_to_copies: bool = False,
    is_admin: bool = False,
    second_opinion_rate: float = 0.0,
) -> Decided:
    """Decide an item the reviewer holds.

    An escalation sends the item to the admins' queue with the reason; a sampled first decision waits for a
    blind second opinion (which, if it disagrees, escalates); otherwise the item is decided.
    """
    now = utcnow()
    with engine.begin() as conn:
        require_lease(conn, item_id, reviewer, now)
        row = conn.execute(select(review_items).where(review_items.c.id == item_id)).one()
        sampled = verdict != "escalate" and sample_for_second_opinion(second_opinion_rate)
        values, opinion, outcome = _route(conn, row, reviewer, verdict, reason, is_admin, sampled, now)
        result = conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id, review_items.c.lease_owner == reviewer, lease_live(now))
            .values(**values)
        )
        if result.rowcount != 1:  # pragma: no cover - the lease was checked in this transaction
            raise LeaseConflict(f"item {item_id} changed hands")
        _record(conn, row, reviewer, verdict, reason, now, opinion=opinion)
        decided = [item_id] if outcome == "decided" else []
        if apply_to_copies and opinion == "first" and verdict != "escalate":
            decided += _decide_copies(conn, row, reviewer, verdict, reason, now)
    return Decided(decided, outcome)


def _decide_copies(conn: Connection, item: Any, reviewer: str, verdict: str, reason: str, now: datetime) -> list[int]:
    """Decide the copies nobody else is holding; a copy another reviewer leases is left to them."""
    copy_ids = copy_article_ids(conn, item.article_id)
    if not copy_ids:
        return []
    held_by_other = and_(lease_live(now), review_items.c.lease_owner != reviewer)
    open_copy = and_(review_items.c.state != "decided", review_items.c.queue == "main", not_(held_by_other))
    rows = conn.execute(select(review_items).where(review_items.c.article_id.in_(copy_ids), open_copy)).all()
    decided = []
    for row in rows:
        result = conn.execute(
            update(review_items).where(review_items.c.id == row.id, open_copy).values(**_close(verdict, reviewer, now))
        )
        if result.rowcount == 1:
            _record(conn, row, reviewer, verdict, reason, now, opinion="first", copy_of=item.id)
            decided.append(row.id)
    return decided


def decide_batch(
    engine: Engine,
    item_ids: Iterable[int],
    reviewer: str,
    verdict: Verdict,
    reason: str,
    *,
    lease_seconds: int,
    is_admin: bool = False,
    second_opinion_rate: float = 0.0,
) -> BatchResult:
    """One verdict and reason for many items: each is claimed (if free) and decided on its own, with its own
    decision and audit entries; an item someone else holds, or that is already decided, is skipped and listed."""
    decided: list[int] = []
    skipped: list[tuple[int, str]] = []
    for item_id in dict.fromkeys(item_ids):
        try:
            claim_item(engine, item_id, reviewer, lease_seconds, is_admin=is_admin)
            done = decide(
                engine,
                item_id,
                reviewer,
                verdict,
                reason,
                is_admin=is_admin,
                second_opinion_rate=second_opinion_rate,
            )
        except ReviewError as exc:
            skipped.append((item_id, str(exc)))
            continue
        decided += done.ids if done.outcome == "decided" else []
        if done.outcome != "decided":
            skipped.append((item_id, done.outcome.replace("_", " ")))
    return BatchResult(decided, skipped)


def cluster_item_ids(conn: Connection, item_id: int) -> list[int]:
    """The item and the review items of every other copy of its story."""
    article_id = conn.execute(select(review_items.c.article_id).where(review_items.c.id == item_id)).scalar()
    if article_id is None:
        raise NotFound(f"no review item {item_id}")
    ids = copy_article_ids(conn, str(article_id))
    rows = conn.execute(select(review_items.c.id).where(review_items.c.article_id.in_(ids))).scalars()
    return [item_id, *sorted(int(i) for i in rows)]


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
                second_review=None,
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
        "opinion": row.opinion,
        "handling_seconds": row.handling_seconds,
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
