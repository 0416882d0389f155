"""The JSON API under ``/api``, plus the health probes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import SQLAlchemyError

from pipelines.storage.migrate import is_up_to_date
from review import audit, decisions, leases
from review.auth import ApiAdmin, ApiUser, DeskDep
from review.clock import iso, utcnow
from review.detail import load_detail
from review.numbers import stats
from review.queue import MAX_LIMIT, QueueFilter, State, list_items
from review.schemas import DecisionIn, UndoIn
from review.users import list_users

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0)]
UNDO_DEFAULT_REASON = "undone by an admin (no reason given)"


@router.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", tags=["health"])
def readyz(desk: DeskDep) -> dict[str, str]:
    """Readiness: the database answers and carries the latest migration."""
    try:
        migrated = is_up_to_date(desk.engine)
    except SQLAlchemyError as exc:
        raise HTTPException(503, "database unreachable") from exc
    if not migrated:
        raise HTTPException(503, "database not migrated (run: newsdesk db upgrade)")
    return {"status": "ready"}


@router.get("/api/me", tags=["users"])
def me(principal: ApiUser) -> dict[str, Any]:
    return principal.user.to_json()


@router.get("/api/queue", tags=["queue"])
def queue(
    desk: DeskDep,
    _principal: ApiUser,
    code: str | None = None,
    source: str | None = None,
    language: str | None = None,
    state: State | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Items by priority (highest first), then age (oldest first)."""
    queue_filter = QueueFilter(code=code, source=source, language=language, state=state)
    with desk.engine.connect() as conn:
        items = list_items(conn, queue_filter, utcnow(), limit=limit, offset=offset)
    return {"items": [item.to_json() for item in items], "limit": limit, "offset": offset}


@router.post("/api/queue/claim", tags=["queue"])
def claim(
    desk: DeskDep,
    principal: ApiUser,
    code: str | None = None,
    source: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Lease the next claimable item to the caller; ``item`` is null when the queue is empty."""
    queue_filter = QueueFilter(code=code, source=source, language=language)
    item_id = leases.claim_next(desk.engine, principal.name, desk.lease_seconds, queue_filter)
    if item_id is None:
        return {"item": None}
    with desk.engine.connect() as conn:
        return load_detail(conn, item_id, utcnow()).to_json()


@router.get("/api/items/{item_id}", tags=["items"])
def item(item_id: int, desk: DeskDep, _principal: ApiUser) -> dict[str, Any]:
    with desk.engine.connect() as conn:
        return load_detail(conn, item_id, utcnow()).to_json()


@router.post("/api/items/{item_id}/heartbeat", tags=["items"])
def heartbeat(item_id: int, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """Renew the caller's lease."""
    expires = leases.heartbeat(desk.engine, item_id, principal.name, desk.lease_seconds)
    return {"id": item_id, "lease_expires_at": iso(expires)}


@router.post("/api/items/{item_id}/release", tags=["items"])
def release(item_id: int, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    leases.release(desk.engine, item_id, principal.name)
    return {"id": item_id, "state": "pending"}


@router.post("/api/items/{item_id}/decision", tags=["items"])
def decide(item_id: int, body: DecisionIn, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """Decide an item the caller holds a live lease on; optionally every copy of the story too."""
    decided = decisions.decide(
        desk.engine, item_id, principal.name, body.decision, body.reason, apply_to_copies=body.apply_to_copies
    )
    return {"id": item_id, "decision": body.decision, "decided": decided}


@router.post("/api/items/{item_id}/undo", tags=["items"])
def undo(item_id: int, desk: DeskDep, principal: ApiAdmin, body: UndoIn | None = None) -> dict[str, Any]:
    """Admin only: return a decided item to the queue (the reason is optional but recommended)."""
    reason = body.reason if body is not None and body.reason else UNDO_DEFAULT_REASON
    decisions.undo(desk.engine, item_id, principal.name, reason)
    return {"id": item_id, "state": "pending"}


@router.get("/api/audit", tags=["admin"])
def audit_log(
    desk: DeskDep,
    _principal: ApiAdmin,
    target: str | None = None,
    actor: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Admin only: the audit log, newest first."""
    with desk.engine.connect() as conn:
        rows = audit.entries(conn, target=target, actor=actor, limit=limit, offset=offset)
    return {"entries": [entry.to_json() for entry in rows], "limit": limit, "offset": offset}


@router.get("/api/users", tags=["admin"])
def users(desk: DeskDep, _principal: ApiAdmin) -> dict[str, Any]:
    return {"users": [dict(user.to_json(), tokens=live) for user, live in list_users(desk.engine)]}


def _jsonl(rows: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    for row in rows:
        yield (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


@router.get(
    "/api/decisions/export",
    tags=["decisions"],
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export(desk: DeskDep, _principal: ApiUser) -> StreamingResponse:
    """Every decision (undos included) as JSON lines, each with the flags it judged."""
    return StreamingResponse(
        _jsonl(decisions.export(desk.engine)),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="decisions.jsonl"'},
    )


@router.get("/api/stats", tags=["queue"])
def numbers(desk: DeskDep, _principal: ApiUser) -> dict[str, Any]:
    with desk.engine.connect() as conn:
        return stats(conn, utcnow()).to_json()
