"""The JSON API under ``/api``, plus the health probes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import SQLAlchemyError

from pipelines.storage.migrate import is_up_to_date
from review import audit, decisions, learning, leases, pageview
from review.auth import ApiAdmin, ApiUser, DeskDep
from review.clock import iso, utcnow
from review.clusters import CLUSTER_ID_PATTERN, ClusterOut, cluster_view
from review.compare import compare
from review.detail import load_detail
from review.numbers import stats
from review.queue import MAX_ID, MAX_LIMIT, QueueFilter, QueueName, Sort, State, facets, list_items
from review.schemas import BatchIn, DecisionIn, RuleChangeIn, UndoIn
from review.users import list_users

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="a review item id")]
Word = Annotated[str | None, Query(max_length=100)]
SearchText = Annotated[str | None, Query(max_length=500, description="full-text search over titles and text")]
ArticleId = Annotated[str | None, Query(max_length=32, pattern=r"^[0-9A-Za-z_-]+$")]
RuleId = Annotated[str, Path(max_length=100, pattern=r"^[0-9A-Za-z_.-]+$")]
ClusterId = Annotated[str, Path(pattern=CLUSTER_ID_PATTERN, description="a cluster id (an article's cluster_id)")]
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
    code: Word = None,
    source: Word = None,
    language: Word = None,
    state: State | None = None,
    q: SearchText = None,
    queue: QueueName | None = None,
    sort: Sort = "priority",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Items by ``sort`` (default: priority, highest first, then age), with the filters' choices and counts."""
    queue_filter = QueueFilter(code=code, source=source, language=language, state=state, q=q, queue=queue)
    now = utcnow()
    with desk.engine.connect() as conn:
        items = list_items(conn, queue_filter, now, limit=limit, offset=offset, sort=sort)
        choices = facets(conn, queue_filter, now)
    return {
        "items": [item.to_json() for item in items],
        "facets": choices.to_json(),
        "limit": limit,
        "offset": offset,
    }


@router.post("/api/queue/claim", tags=["queue"])
def claim(
    desk: DeskDep,
    principal: ApiUser,
    code: Word = None,
    source: Word = None,
    language: Word = None,
    q: SearchText = None,
    queue: QueueName | None = None,
) -> dict[str, Any]:
    """Lease the next claimable item matching the filters; ``item`` is null when none is left.

    Reviewers claim from the main queue; admins also from the admins' queue of escalations."""
    queue_filter = QueueFilter(code=code, source=source, language=language, q=q, queue=queue)
    item_id = leases.claim_next(
        desk.engine, principal.name, desk.lease_seconds, queue_filter, is_admin=principal.is_admin
    )
    if item_id is None:
        return {"item": None}
    with desk.engine.connect() as conn:
        return load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin).to_json()


@router.get("/api/items/{item_id}", tags=["items"])
def item(item_id: ItemId, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """The item with everything a reviewer sees; ``matches`` counts every match per code."""
    with desk.engine.connect() as conn:
        return load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin, rules=desk.rules).to_json()


@router.post("/api/items/{item_id}/claim", tags=["items"])
def claim_item(item_id: ItemId, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """Lease this item (the one open on screen) to the caller."""
    leases.claim_item(desk.engine, item_id, principal.name, desk.lease_seconds, is_admin=principal.is_admin)
    with desk.engine.connect() as conn:
        return load_detail(conn, item_id, utcnow(), viewer_is_admin=principal.is_admin).to_json()


@router.get("/api/items/{item_id}/compare", tags=["items"])
def compare_item(
    item_id: ItemId, desk: DeskDep, _principal: ApiUser, with_article: Annotated[ArticleId, Query(alias="with")] = None
) -> dict[str, Any]:
    """The item beside its original (or a chosen copy): word-level differences, kind, similarity, evidence."""
    with desk.engine.connect() as conn:
        detail = load_detail(conn, item_id, utcnow())
        comparison = compare(conn, detail.item.article_id, with_article)
    return {
        "comparison": None if comparison is None else comparison.to_json(),
        "members": [copy.to_json() for copy in detail.copies],
    }


@router.get("/api/clusters/{cluster_id}", tags=["clusters"], response_model=ClusterOut)
def cluster(cluster_id: ClusterId, desk: DeskDep, _principal: ApiUser) -> ClusterOut:
    """A story cluster: every member with its kind and similarity, the original, and the evidence that chose it."""
    with desk.engine.connect() as conn:
        return cluster_view(conn, cluster_id)


@router.post("/api/items/{item_id}/reextract", tags=["admin"])
def reextract(item_id: ItemId, desk: DeskDep, principal: ApiAdmin) -> dict[str, Any]:
    """Admin only: run extraction again over the stored page."""
    return {"id": item_id, "reextracted": pageview.reextract(desk.engine, item_id, principal.name)}


@router.post("/api/batch/decision", tags=["items"])
def batch_decision(body: BatchIn, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """One verdict and reason for the listed items, or for every item of ``cluster_of``'s story.

    Each item is claimed and decided on its own (its own decision and audit entries); items someone else
    holds, already decided, or outside the caller's queue are skipped and listed with the reason."""
    ids = list(body.item_ids)
    if body.cluster_of is not None:
        with desk.engine.connect() as conn:
            ids += decisions.cluster_item_ids(conn, body.cluster_of)
    if not ids:
        raise HTTPException(422, "name item_ids or cluster_of")
    result = decisions.decide_batch(
        desk.engine,
        ids,
        principal.name,
        body.decision,
        body.reason,
        lease_seconds=desk.lease_seconds,
        is_admin=principal.is_admin,
        second_opinion_rate=desk.second_opinion_rate,
    )
    return result.to_json()


@router.get("/api/rules/report", tags=["rules"])
def rules_report(desk: DeskDep, _principal: ApiUser) -> dict[str, Any]:
    """Per rule: reviewer-judged precision over recent decisions (Wilson 95% interval) and any proposal."""
    reports = learning.report(desk.engine, desk.settings)
    return {"target": learning.DEFAULT_TARGET, "rules": [r.to_json() for r in reports]}


@router.post("/api/rules/{rule_id}/{proposal}", tags=["rules"])
def change_rule(
    rule_id: RuleId, proposal: learning.Proposal, body: RuleChangeIn, desk: DeskDep, principal: ApiAdmin
) -> dict[str, Any]:
    """Admin only: promote a shadow rule or demote an active one; writes the rules file's next version."""
    change = learning.change_rule(
        desk.engine, desk.settings, rule_id, proposal, principal.name, body.reason, utcnow().date()
    )
    return {"rule_id": change.rule_id, "shadow": change.shadow, "version": change.new_version}


@router.post("/api/items/{item_id}/heartbeat", tags=["items"])
def heartbeat(item_id: ItemId, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """Renew the caller's lease."""
    expires = leases.heartbeat(desk.engine, item_id, principal.name, desk.lease_seconds)
    return {"id": item_id, "lease_expires_at": iso(expires)}


@router.post("/api/items/{item_id}/release", tags=["items"])
def release(item_id: ItemId, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    leases.release(desk.engine, item_id, principal.name)
    return {"id": item_id, "state": "pending"}


@router.post("/api/items/{item_id}/decision", tags=["items"])
def decide(item_id: ItemId, body: DecisionIn, desk: DeskDep, principal: ApiUser) -> dict[str, Any]:
    """Decide an item the caller holds a live lease on; optionally every copy of the story too.

    ``outcome`` says where the item went: ``decided``, ``escalated`` (the admins' queue) or
    ``second_opinion_due`` (sampled for a blind second review)."""
    done = decisions.decide(
        desk.engine,
        item_id,
        principal.name,
        body.decision,
        body.reason,
        apply_to_copies=body.apply_to_copies,
        is_admin=principal.is_admin,
        second_opinion_rate=desk.second_opinion_rate,
    )
    return {"id": item_id, "decision": body.decision, **done.to_json()}


@router.post("/api/items/{item_id}/undo", tags=["items"])
def undo(item_id: ItemId, desk: DeskDep, principal: ApiAdmin, body: UndoIn | None = None) -> dict[str, Any]:
    """Admin only: return a decided item to the queue (the reason is optional but recommended)."""
    reason = body.reason if body is not None and body.reason else UNDO_DEFAULT_REASON
    decisions.undo(desk.engine, item_id, principal.name, reason)
    return {"id": item_id, "state": "pending"}


@router.get("/api/audit", tags=["admin"])
def audit_log(
    desk: DeskDep,
    _principal: ApiAdmin,
    target: Annotated[str | None, Query(max_length=100)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
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
