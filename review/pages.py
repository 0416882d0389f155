"""Server-rendered pages for reviewers in a browser (forms, no client-side build)."""

from __future__ import annotations

import contextlib
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from review import audit, decisions, leases
from review.auth import DeskDep, PageAdmin, PageUser, Principal, identify
from review.clock import utcnow
from review.decisions import VERDICTS
from review.desk import Desk
from review.detail import load_detail
from review.errors import LeaseConflict
from review.numbers import stats
from review.queue import STATES, QueueFilter, list_items
from review.sessions import LOGIN_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE
from review.users import authenticate

router = APIRouter(include_in_schema=False)

# Notices are chosen by key so a crafted link cannot put words on the page.
NOTICES = {
    "empty": "Nothing left to review with these filters.",
    "decided": "Decision recorded.",
    "released": "Item released back to the queue.",
    "lease": "You hold no live lease on that item (it may have expired or been decided).",
    "undone": "Decision undone: the item is back in the queue.",
    "signed_out": "Signed out.",
}
LOGIN_COOKIE_SECONDS = 900


def render(
    desk: Desk, request: Request, name: str, principal: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    html = desk.templates.get_template(name).render(
        user=principal.user if principal else None,
        csrf=principal.csrf_token if principal else "",
        notice=NOTICES.get(request.query_params.get("notice", "")),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """Only same-site paths: "//host" or "/\\host" would leave the site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)  # browsers ask for it; an empty answer keeps consoles clean


@router.get("/login")
def login_form(request: Request, desk: DeskDep, next: str = "/") -> Response:
    if identify(request, desk) is not None:
        return redirect(safe_next(next))
    return _login_page(request, desk, next, None, 200)


def _login_page(request: Request, desk: Desk, next_url: str, error: str | None, status: int) -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render(
        desk,
        request,
        "login.html",
        None,
        status,
        login_csrf=desk.sessions.login_csrf(nonce),
        next_url=safe_next(next_url),
        error=error,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_COOKIE_SECONDS,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


@router.post("/login")
def login(
    request: Request,
    desk: DeskDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not desk.sessions.check_login_csrf(request.cookies.get(LOGIN_COOKIE), csrf_token):
        return _login_page(request, desk, next, "The sign-in form expired; please try again.", 403)
    address = request.client.host if request.client else "unknown"
    # Count against both keys every time, so neither a name nor an address can be sprayed.
    user_ok = desk.user_limiter.hit(f"user:{username.lower()}")
    address_ok = desk.address_limiter.hit(f"addr:{address}")
    if not (user_ok and address_ok):
        return _login_page(request, desk, next, "Too many sign-in attempts; wait a minute.", 429)
    with desk.engine.begin() as conn:
        user = authenticate(conn, username, password)
        audit.record(
            conn,
            actor=username if user else "anonymous",
            action="sign_in" if user else "sign_in_failed",
            target=audit.user_target(username),
            detail={"address": address},
        )
    if user is None:
        return _login_page(request, desk, next, "Wrong name or password.", 401)
    response = redirect(safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        desk.sessions.encode(user.name),
        max_age=SESSION_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(desk: DeskDep, principal: PageUser) -> Response:
    with desk.engine.begin() as conn:
        audit.record(conn, actor=principal.name, action="sign_out", target=audit.user_target(principal.name))
    response = redirect("/login?notice=signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


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
        heartbeat_seconds=max(5, desk.lease_seconds // 3),
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
