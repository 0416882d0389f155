"""Sign-in, sign-out and the password form: limits, server-side sessions, cookies."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from review import audit
from review.auth import PASSWORD_PATH, DeskDep, PageUser, identify
from review.clock import utcnow
from review.desk import Desk
from review.errors import InvalidInput
from review.passwords import MAX_LENGTH, MIN_LENGTH
from review.rendering import is_secure, redirect, render, safe_next
from review.sessions import (
    DEVICE_COOKIE,
    DEVICE_MAX_AGE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    end_session,
    start_session,
)
from review.users import authenticate, set_password

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE_SECONDS = 900


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
        secure=is_secure(request),
    )
    return response


def client_address(request: Request) -> str:
    """The caller's address: the socket peer, or what a trusted proxy says (see :mod:`review.proxies`)."""
    return request.client.host if request.client else "unknown"


def _set_session_cookie(response: Response, request: Request, desk: Desk, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=desk.settings.review.session_max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_secure(request),
    )


@router.post("/login")
def login(
    request: Request,
    desk: DeskDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=MAX_LENGTH)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not desk.sessions.check_login_csrf(request.cookies.get(LOGIN_COOKIE), csrf_token):
        return _login_page(request, desk, next, "The sign-in form expired; please try again.", 403)
    address = client_address(request)
    device = desk.sessions.device_for(request.cookies.get(DEVICE_COOKIE), username)
    attempt = desk.limits.admit(username, address, device)
    if attempt is None:
        return _login_page(request, desk, next, "Too many sign-in attempts; wait a minute.", 429)
    with desk.engine.begin() as conn:
        user = authenticate(conn, username, password)
        audit.record(
            conn,
            actor=username if user else "anonymous",
            action="sign_in" if user else "sign_in_failed",
            target=audit.user_target(username),
            detail={"address": address, "known_device": device is not None},
        )
        token = start_session(conn, user.id, desk.settings.review.session_max_age, utcnow()) if user else ""
    if user is None:
        return _login_page(request, desk, next, "Wrong name or password.", 401)
    desk.limits.succeeded(attempt)
    target = safe_next(next)
    if user.must_change_password:
        target = f"{PASSWORD_PATH}?next={quote(target, safe='')}" if target != "/" else PASSWORD_PATH
    response = redirect(target)
    _set_session_cookie(response, request, desk, token)
    response.set_cookie(
        DEVICE_COOKIE,
        desk.sessions.device_cookie(user.name),
        max_age=DEVICE_MAX_AGE,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, desk: DeskDep, principal: PageUser) -> Response:
    with desk.engine.begin() as conn:
        end_session(conn, request.cookies.get(SESSION_COOKIE))
        audit.record(conn, actor=principal.name, action="sign_out", target=audit.user_target(principal.name))
    response = redirect("/login?notice=signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _password_page(
    request: Request, desk: Desk, principal: PageUser, next_url: str, error: str | None, status: int
) -> Response:
    return render(
        desk,
        request,
        "password.html",
        principal,
        status,
        must_change=principal.user.must_change_password,
        next_url=safe_next(next_url),
        min_length=MIN_LENGTH,
        error=error,
    )


@router.get(PASSWORD_PATH)
def password_form(request: Request, desk: DeskDep, principal: PageUser, next: str = "/") -> Response:
    return _password_page(request, desk, principal, next, None, 200)


@router.post(PASSWORD_PATH)
def change_password(
    request: Request,
    desk: DeskDep,
    principal: PageUser,
    current: Annotated[str, Form(max_length=MAX_LENGTH)],
    new_password: Annotated[str, Form(max_length=MAX_LENGTH)],
    confirm: Annotated[str, Form(max_length=MAX_LENGTH)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """A new password ends every session of the user; this browser gets a fresh one."""
    if principal.session is None:  # pragma: no cover - page routes only admit sessions
        return redirect("/login")
    # Guessing the current password from a stolen session is limited per session and per address,
    # and never counts against the account (that would hand the thief a lock-out).
    attempt = desk.limits.admit(principal.name, client_address(request), f"session:{principal.session.id}")
    if attempt is None:
        return _password_page(request, desk, principal, next, "Too many attempts; wait a minute.", 429)
    with desk.engine.connect() as conn:
        checked = authenticate(conn, principal.name, current)
        conn.commit()  # a rehash of the current password, if any
    if checked is None:
        return _password_page(request, desk, principal, next, "That is not your current password.", 422)
    desk.limits.succeeded(attempt)
    if new_password != confirm:
        return _password_page(request, desk, principal, next, "The two new passwords differ.", 422)
    if new_password == current:
        return _password_page(request, desk, principal, next, "Choose a password you have not used here.", 422)
    try:
        set_password(desk.engine, principal.name, new_password, actor=principal.name)
    except InvalidInput as exc:
        return _password_page(request, desk, principal, next, str(exc), 422)
    with desk.engine.begin() as conn:
        token = start_session(conn, principal.user.id, desk.settings.review.session_max_age, utcnow())
    response = redirect(safe_next(next))
    _set_session_cookie(response, request, desk, token)
    return response
