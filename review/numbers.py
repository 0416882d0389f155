"""The desk's numbers: queue depth, oldest pending age, throughput, per-rule confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from pipelines.storage.schema import decisions, flags, review_items
from review.clock import as_utc
from review.queue import claimable, lease_live

CONFIRMING = ("reject", "escalate")


@dataclass(frozen=True)
class RuleNumbers:
    code: str
    confirmed: int
    approved: int

    @property
    def confirmation_rate(self) -> float | None:
        total = self.confirmed + self.approved
        return None if total == 0 else self.confirmed / total


@dataclass(frozen=True)
class Stats:
    queue_depth: int
    claimed: int
    decided: int
    oldest_pending_age_seconds: float | None
    decisions_last_hour: int
    rules: tuple[RuleNumbers, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "queue_depth": self.queue_depth,
            "claimed": self.claimed,
            "decided": self.decided,
            "oldest_pending_age_seconds": self.oldest_pending_age_seconds,
            "decisions_last_hour": self.decisions_last_hour,
            "rules": {
                rule.code: {
                    "confirmed": rule.confirmed,
                    "approved": rule.approved,
                    "confirmation_rate": rule.confirmation_rate,
                }
                for rule in self.rules
            },
        }


def _count(conn: Connection, *conditions: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(review_items).where(*conditions)).scalar_one())


def rule_numbers(conn: Connection) -> tuple[RuleNumbers, ...]:
    """Per flag code, current verdicts on the items it flagged (an undone verdict no longer counts)."""
    rows = conn.execute(
        select(flags.c.code, review_items.c.decision, func.count(func.distinct(review_items.c.id)))
        .join(review_items, review_items.c.article_id == flags.c.article_id)
        .where(review_items.c.state == "decided")
        .group_by(flags.c.code, review_items.c.decision)
    ).all()
    tally: dict[str, list[int]] = {}
    for code, decision, count in rows:
        pair = tally.setdefault(code, [0, 0])
        pair[0 if decision in CONFIRMING else 1] += int(count)
    return tuple(RuleNumbers(code, c, a) for code, (c, a) in sorted(tally.items()))


def stats(conn: Connection, now: datetime) -> Stats:
    oldest = conn.execute(select(func.min(review_items.c.created_at)).where(claimable(now))).scalar()
    recent = conn.execute(
        select(func.count())
        .select_from(decisions)
        .where(decisions.c.created_at >= now - timedelta(hours=1), decisions.c.decision != "undo")
    ).scalar_one()
    return Stats(
        queue_depth=_count(conn, claimable(now)),
        claimed=_count(conn, lease_live(now)),
        decided=_count(conn, review_items.c.state == "decided"),
        oldest_pending_age_seconds=None if oldest is None else (now - as_utc(oldest)).total_seconds(),
        decisions_last_hour=int(recent),
        rules=rule_numbers(conn),
    )
