"""Who is calling: a Bearer token (API clients) or a session cookie (browsers, see :mod:`review.sessions`).

Cookie-authenticated state changes must carry the session's CSRF token, as the
``X-CSRF-Token`` header or a ``csrf_token`` form field.  Token-authenticated
calls need none: a browser never attaches a Bearer token on its own.  A user signed in with a
one-time password gets nothing but the password form until it has chosen its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request

from review.clock import utcnow
from review.desk import Desk, get_desk
from review.sessions import SESSION_COOKIE, Session, find_session
from review.users import User, get_user_by_id, user_for_token

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Principal:
    user: User
    via: Literal["token", "session"]
    session: Session | None = None
    csrf_token: str = ""

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


class LoginRequired(Exception):
    """Raised by page dependencies; the app turns it into a redirect to the sign-in page."""


class PasswordChangeRequired(Exception):
    """Raised by page dependencies for a one-time password; the app redirects to the password form."""


PASSWORD_PATH = "/password"  # noqa: S105 - a path, not a password


def bearer_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def identify(request: Request, desk: Desk) -> Principal | None:
    token = bearer_token(request)
    with desk.engine.connect() as conn:
        if token is not None or "authorization" in request.headers:
            # A bad Authorization header never falls back to the cookie.
            user = user_for_token(conn, token) if token else None
            return None if user is None else Principal(user, "token")
        session = find_session(conn, request.cookies.get(SESSION_COOKIE), utcnow())
        if session is None:
            return None
        user = get_user_by_id(conn, session.user_id)
    if user is None or not user.active:
        return None
    return Principal(user, "session", session, desk.sessions.csrf_token(session))


def _api_identity(request: Request, desk: Annotated[Desk, Depends(get_desk)]) -> Principal:
    principal = identify(request, desk)
    if principal is None:
        raise HTTPException(
            401, "sign in, or send Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"}
        )
    if principal.via == "session" and principal.user.must_change_password:
        raise HTTPException(403, f"choose your own password first ({PASSWORD_PATH})")
    return principal


def _page_identity(request: Request, desk: Annotated[Desk, Depends(get_desk)]) -> Principal:
    principal = identify(request, desk)
    if principal is None:
        raise LoginRequired()
    must_change = principal.via == "session" and principal.user.must_change_password
    if must_change and request.url.path not in (PASSWORD_PATH, "/logout"):
        raise PasswordChangeRequired()
    return principal


async def check_csrf(request: Request, desk: Desk, principal: Principal) -> None:
    if principal.via != "session" or principal.session is None or request.method not in UNSAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if token is None and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not desk.sessions.check_csrf(principal.session, token):
        raise HTTPException(403, "missing or wrong CSRF token")


async def api_user(
    request: Request,
    desk: Annotated[Desk, Depends(get_desk)],
    principal: Annotated[Principal, Depends(_api_identity)],
) -> Principal:
    await check_csrf(request, desk, principal)
    return principal


async def page_user(
    request: Request,
    desk: Annotated[Desk, Depends(get_desk)],
    principal: Annotated[Principal, Depends(_page_identity)],
) -> Principal:
    await check_csrf(request, desk, principal)
    return principal


def _admin(principal: Principal) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "this needs the admin role")
    return principal


def api_admin(principal: Annotated[Principal, Depends(api_user)]) -> Principal:
    return _admin(principal)


def page_admin(principal: Annotated[Principal, Depends(page_user)]) -> Principal:
    return _admin(principal)


ApiUser = Annotated[Principal, Depends(api_user)]
ApiAdmin = Annotated[Principal, Depends(api_admin)]
PageUser = Annotated[Principal, Depends(page_user)]
PageAdmin = Annotated[Principal, Depends(page_admin)]
DeskDep = Annotated[Desk, Depends(get_desk)]
