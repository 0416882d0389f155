"""The desk's numbers: queue depth, oldest pending age, throughput, per-rule confirmation, per-reviewer figures
and the agreement of blind second opinions (Cohen's kappa per code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from pipelines.storage.schema import decisions, review_items
from review.agreement import cohen_kappa, percentile
from review.clock import as_utc
from review.queue import claimable, lease_live

CONFIRMING = ("reject",)
QUEUEING_ACTIONS = frozenset({"flag", "hold"})  # what puts an item in the queue (a tag never does)
VERDICTS_JUDGED = ("approve", "reject")
RECENT_DECISIONS = 5000  # the figures read at most this many recent decisions


@dataclass(frozen=True)
class Judgement:
    """The standing verdict on one item (its latest approve or reject, not undone) and the flags it judged."""

    item_id: int
    verdict: str
    reviewer: str
    at: datetime
    flags: tuple[dict[str, Any], ...]

    def queued_by(self) -> list[dict[str, Any]]:
        """The flags that put the item in the queue: live (not shadow) flags whose action is flag or hold."""
        return [f for f in self.flags if not f.get("shadow") and f.get("action") in QUEUEING_ACTIONS]


@dataclass(frozen=True)
class DecisionRow:
    id: int
    item_id: int
    reviewer: str
    decision: str
    reason: str
    opinion: str | None
    handling_seconds: float | None
    at: datetime
    flags: tuple[dict[str, Any], ...]


def recent_decisions(conn: Connection, limit: int = RECENT_DECISIONS) -> list[DecisionRow]:
    """Recent decisions, oldest first, without undo rows and without the decisions they cancelled."""
    rows = conn.execute(select(decisions).order_by(decisions.c.id.desc()).limit(limit)).all()
    cancelled = {row.undoes for row in rows if row.decision == "undo" and row.undoes is not None}
    return [
        DecisionRow(
            id=row.id,
            item_id=row.review_item_id,
            reviewer=row.reviewer,
            decision=row.decision,
            reason=row.reason,
            opinion=row.opinion,
            handling_seconds=row.handling_seconds,
            at=as_utc(row.created_at),
            flags=tuple(f for f in row.flags or [] if isinstance(f, dict)),
        )
        for row in reversed(rows)
        if row.decision != "undo" and row.id not in cancelled
    ]


def judgements(rows: list[DecisionRow]) -> list[Judgement]:
    latest: dict[int, DecisionRow] = {}
    for row in rows:
        if row.decision in VERDICTS_JUDGED:
            latest[row.item_id] = row
    return [Judgement(r.item_id, r.decision, r.reviewer, r.at, r.flags) for r in latest.values()]


def opinion_pairs(rows: list[DecisionRow]) -> list[tuple[DecisionRow, DecisionRow]]:
    """(first, second) for every item that got a blind second opinion."""
    first: dict[int, DecisionRow] = {}
    pairs = []
    for row in rows:
        if row.opinion == "first":
            first[row.item_id] = row
        elif row.opinion == "second" and row.item_id in first:
            pairs.append((first.pop(row.item_id), row))
    return pairs


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
class ReviewerNumbers:
    name: str
    decisions: int
    active_hours: int
    median_handling_seconds: float | None
    p95_handling_seconds: float | None
    second_opinions: int  # pairs this reviewer took part in
    agreed: int

    @property
    def decisions_per_hour(self) -> float | None:
        """Decisions per hour in which the reviewer decided anything (idle hours do not dilute it)."""
        return None if self.active_hours == 0 else self.decisions / self.active_hours

    @property
    def agreement(self) -> float | None:
        return None if self.second_opinions == 0 else self.agreed / self.second_opinions

    def to_json(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "active_hours": self.active_hours,
            "decisions_per_hour": self.decisions_per_hour,
            "median_handling_seconds": self.median_handling_seconds,
            "p95_handling_seconds": self.p95_handling_seconds,
            "second_opinions": self.second_opinions,
            "agreement_with_second_opinions": self.agreement,
        }


@dataclass(frozen=True)
class CodeAgreement:
    code: str
    pairs: int
    agreed: int
    kappa: float | None

    def to_json(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "agreed": self.agreed, "kappa": self.kappa}


@dataclass(frozen=True)
class Stats:
    queue_depth: int
    claimed: int
    decided: int
    oldest_pending_age_seconds: float | None
    decisions_last_hour: int
    rules: tuple[RuleNumbers, ...]
    reviewers: tuple[ReviewerNumbers, ...] = ()
    agreement: tuple[CodeAgreement, ...] = ()
    overall_kappa: float | None = None
    admin_queue: int = 0
    second_opinions_due: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "queue_depth": self.queue_depth,
            "claimed": self.claimed,
            "decided": self.decided,
            "oldest_pending_age_seconds": self.oldest_pending_age_seconds,
            "decisions_last_hour": self.decisions_last_hour,
            "admin_queue": self.admin_queue,
            "second_opinions_due": self.second_opinions_due,
            "rules": {
                rule.code: {
                    "confirmed": rule.confirmed,
                    "approved": rule.approved,
                    "confirmation_rate": rule.confirmation_rate,
                }
                for rule in self.rules
            },
            "reviewers": {r.name: r.to_json() for r in self.reviewers},
            "agreement": {
                "kappa": self.overall_kappa,
                "codes": {a.code: a.to_json() for a in self.agreement},
            },
        }


def _count(conn: Connection, *conditions: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(review_items).where(*conditions)).scalar_one())


def rule_numbers(judged: list[Judgement]) -> tuple[RuleNumbers, ...]:
    """Per reason code, the standing verdicts on the items that code put in the queue (an info tag or a shadow
    flag riding along on an item is not judged by its verdict)."""
    tally: dict[str, list[int]] = {}
    for judgement in judged:
        for code in {f.get("code") for f in judgement.queued_by()}:
            pair = tally.setdefault(str(code), [0, 0])
            pair[0 if judgement.verdict in CONFIRMING else 1] += 1
    return tuple(RuleNumbers(code, c, a) for code, (c, a) in sorted(tally.items()))


def reviewer_numbers(rows: list[DecisionRow]) -> tuple[ReviewerNumbers, ...]:
    by_name: dict[str, list[DecisionRow]] = {}
    for row in rows:
        by_name.setdefault(row.reviewer, []).append(row)
    pairs = opinion_pairs(rows)
    out = []
    for name, own in sorted(by_name.items()):
        handled = [r.handling_seconds for r in own if r.handling_seconds is not None]
        mine = [(a, b) for a, b in pairs if name in (a.reviewer, b.reviewer)]
        out.append(
            ReviewerNumbers(
                name=name,
                decisions=len(own),
                active_hours=len({r.at.replace(minute=0, second=0, microsecond=0) for r in own}),
                median_handling_seconds=percentile(handled, 0.5),
                p95_handling_seconds=percentile(handled, 0.95),
                second_opinions=len(mine),
                agreed=sum(1 for a, b in mine if a.decision == b.decision),
            )
        )
    return tuple(out)


def code_agreement(rows: list[DecisionRow]) -> tuple[tuple[CodeAgreement, ...], float | None]:
    """Cohen's kappa between first and second opinions, per code that queued the item and overall."""
    pairs = opinion_pairs(rows)
    per_code: dict[str, list[tuple[str, str]]] = {}
    for first, second in pairs:
        codes = {f.get("code") for f in first.flags if not f.get("shadow") and f.get("action") in QUEUEING_ACTIONS}
        for code in codes:
            per_code.setdefault(str(code), []).append((first.decision, second.decision))
    agreement = tuple(
        CodeAgreement(code, len(p), sum(1 for a, b in p if a == b), cohen_kappa(p))
        for code, p in sorted(per_code.items())
    )
    return agreement, cohen_kappa([(a.decision, b.decision) for a, b in pairs])


def stats(conn: Connection, now: datetime) -> Stats:
    oldest = conn.execute(select(func.min(review_items.c.created_at)).where(claimable(now))).scalar()
    recent = conn.execute(
        select(func.count())
        .select_from(decisions)
        .where(decisions.c.created_at >= now - timedelta(hours=1), decisions.c.decision != "undo")
    ).scalar_one()
    rows = recent_decisions(conn)
    agreement, kappa = code_agreement(rows)
    return Stats(
        queue_depth=_count(conn, claimable(now)),
        claimed=_count(conn, lease_live(now)),
        decided=_count(conn, review_items.c.state == "decided"),
        oldest_pending_age_seconds=None if oldest is None else (now - as_utc(oldest)).total_seconds(),
        decisions_last_hour=int(recent),
        rules=rule_numbers(judgements(rows)),
        reviewers=reviewer_numbers(rows),
        agreement=agreement,
        overall_kappa=kappa,
        admin_queue=_count(conn, claimable(now), review_items.c.queue == "admin"),
        second_opinions_due=_count(conn, claimable(now), review_items.c.second_review == "wanted"),
    )
