"""The append-only audit log: every claim, release, decision, undo, user change and sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from pipelines.storage.schema import audit_log
from review.clock import as_utc, iso, utcnow


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
        }


def item_target(item_id: int) -> str:
    return f"item:{item_id}"


def user_target(name: str) -> str:
    return f"user:{name}"


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry inside the caller's transaction, so it commits with the action."""
    conn.execute(
        insert(audit_log).values(
            at=at or utcnow(), actor=actor, action=action, target=target, detail=dict(detail or {})
        )
    )


def entries(
    conn: Connection, *, target: str | None = None, actor: str | None = None, limit: int = 100, offset: int = 0
) -> list[AuditEntry]:
    """Newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    if target is not None:
        query = query.where(audit_log.c.target == target)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    return [
        AuditEntry(
            id=row.id,
            at=as_utc(row.at),
            actor=row.actor,
            action=row.action,
            target=row.target,
            detail=dict(row.detail or {}),
        )
        for row in conn.execute(query)
    ]
