"""Server-rendered pages for reviewers in a browser (forms, no client-side build)."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from review import audit, decisions, leases
from review.auth import DeskDep, PageAdmin, PageUser, Principal
from review.clock import utcnow
from review.decisions import VERDICTS
from review.desk import Desk
from review.detail import load_detail
from review.errors import LeaseConflict
from review.numbers import stats
from review.queue import STATES, QueueFilter, list_items
from review.rendering import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def queue_page(
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    code: str = "",
    source: str = "",
    language: str = "",
    state: str = "pending",
) -> Response:
    chosen = state if state in STATES else None
    queue_filter = QueueFilter(code=code or None, source=source or None, language=language or None, state=chosen)
    now = utcnow()
    with desk.engine.connect() as conn:
        items = list_items(conn, queue_filter, now, limit=200)
        numbers = stats(conn, now)
    return render(
        desk,
        request,
        "queue.html",
        principal,
        items=items,
        numbers=numbers,
        states=STATES,
        filters={"code": code, "source": source, "language": language, "state": state},
    )


@router.post("/claim")
def claim_page(desk: DeskDep, principal: PageUser, skip: Annotated[int | None, Form()] = None) -> Response:
    if skip is not None:
        # The lease may have run out or the item been decided: then there is nothing to give back.
        with contextlib.suppress(LeaseConflict):
            leases.release(desk.engine, skip, principal.name)
    item_id = leases.claim_next(desk.engine, principal.name, desk.lease_seconds, skip=skip)
    return redirect("/?notice=empty" if item_id is None else f"/items/{item_id}")


@router.get("/items/{item_id}")
def item_page(item_id: int, request: Request, desk: DeskDep, principal: PageUser) -> Response:
    return _item_response(item_id, request, desk, principal, None, 200)


def _item_response(
    item_id: int, request: Request, desk: Desk, principal: Principal, error: str | None, status: int
) -> Response:
    with desk.engine.connect() as conn:
        detail = load_detail(conn, item_id, utcnow())
    holds = detail.item.state == "claimed" and detail.item.lease_owner == principal.name
    return render(
        desk,
        request,
        "item.html",
        principal,
        status,
        d=detail,
        holds_lease=holds,
        error=error,
        verdicts=VERDICTS,
        heartbeat_seconds=max(2, desk.lease_seconds // 3),
    )


@router.post("/items/{item_id}/decision")
def decide_page(
    item_id: int,
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    apply_to_copies: Annotated[bool, Form()] = False,
) -> Response:
    if decision not in VERDICTS or not reason.strip():
        error = "Choose approve, reject or escalate, and give a reason."
        return _item_response(item_id, request, desk, principal, error, 422)
    try:
        decisions.decide(
            desk.engine,
            item_id,
            principal.name,
            decision,
            reason.strip(),
            apply_to_copies=apply_to_copies,
        )
    except LeaseConflict:
        return redirect(f"/items/{item_id}?notice=lease")
    return redirect(f"/items/{item_id}?notice=decided")


@router.post("/items/{item_id}/release")
def release_page(item_id: int, desk: DeskDep, principal: PageUser) -> Response:
    try:
        leases.release(desk.engine, item_id, principal.name)
    except LeaseConflict:
        return redirect(f"/items/{item_id}?notice=lease")
    return redirect("/?notice=released")


@router.post("/items/{item_id}/undo")
def undo_page(
    item_id: int,
    request: Request,
    desk: DeskDep,
    principal: PageAdmin,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    if not reason.strip():
        return _item_response(item_id, request, desk, principal, "Give a reason for the undo.", 422)
    decisions.undo(desk.engine, item_id, principal.name, reason.strip())
    return redirect(f"/items/{item_id}?notice=undone")


@router.get("/audit")
def audit_page(request: Request, desk: DeskDep, principal: PageAdmin, target: str = "", actor: str = "") -> Response:
    with desk.engine.connect() as conn:
        entries = audit.entries(conn, target=target or None, actor=actor or None, limit=500)
    return render(desk, request, "audit.html", principal, entries=entries, filters={"target": target, "actor": actor})
