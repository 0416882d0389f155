"""Sign-in and sign-out pages: password check, sign-in limits, session cookie."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from review import audit
from review.auth import DeskDep, PageUser, identify
from review.desk import Desk
from review.rendering import is_secure, redirect, render, safe_next
from review.sessions import LOGIN_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE
from review.users import authenticate

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
        secure=is_secure(request),
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
