"""Server-side browser sessions, and the signed tokens bound to them (CSRF, sign-in form, device).

The session cookie holds 256 random bits; the ``review_sessions`` table holds their sha256, the
user and a hard expiry set at sign-in.  Nothing in the cookie is believed: a cookie the table does
not know, or one past its expiry, is no session.  Signing out deletes the row; a password change
or deactivation deletes every row of that user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select

from pipelines.storage.schema import review_sessions
from review.clock import as_utc

SESSION_COOKIE = "nd_session"
LOGIN_COOKIE = "nd_login"
DEVICE_COOKIE = "nd_device"
DEVICE_MAX_AGE = 180 * 86400
MAX_SESSIONS_PER_USER = 20
_TOKEN_CHARS = 64  # anything longer than a token we issue is not one


@dataclass(frozen=True)
class Session:
    id: str  # sha256 of the cookie's token
    user_id: int
    created_at: datetime
    expires_at: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(conn: Connection, user_id: int, max_age: int, now: datetime) -> str:
    """Store a new session for ``user_id`` and return the cookie's token (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    conn.execute(delete(review_sessions).where(review_sessions.c.expires_at <= now))
    conn.execute(
        insert(review_sessions).values(
            id=session_id(token), user_id=user_id, created_at=now, expires_at=now + timedelta(seconds=max_age)
        )
    )
    # Bound each user's live sessions: the oldest go first.
    stale = (
        select(review_sessions.c.id)
        .where(review_sessions.c.user_id == user_id)
        .order_by(review_sessions.c.created_at.desc(), review_sessions.c.id)
        .offset(MAX_SESSIONS_PER_USER)
    )
    old = list(conn.execute(stale).scalars())
    if old:
        conn.execute(delete(review_sessions).where(review_sessions.c.id.in_(old)))
    return token


def find_session(conn: Connection, token: str | None, now: datetime) -> Session | None:
    if not token or len(token) > _TOKEN_CHARS:
        return None
    row = conn.execute(select(review_sessions).where(review_sessions.c.id == session_id(token))).first()
    if row is None:
        return None
    session = Session(row.id, row.user_id, as_utc(row.created_at), as_utc(row.expires_at))
    if session.expires_at <= now or session.created_at > now + timedelta(minutes=5):
        return None
    return session


def end_session(conn: Connection, token: str | None) -> None:
    if token and len(token) <= _TOKEN_CHARS:
        conn.execute(delete(review_sessions).where(review_sessions.c.id == session_id(token)))


def end_user_sessions(conn: Connection, user_id: int, *, keep: str | None = None) -> int:
    """End every session of ``user_id`` (but the one with id ``keep``); returns how many ended."""
    condition = review_sessions.c.user_id == user_id
    if keep is not None:
        condition = condition & (review_sessions.c.id != keep)
    return int(conn.execute(delete(review_sessions).where(condition)).rowcount)


class SessionCodec:
    """Signs CSRF tokens, sign-in form nonces and device cookies with the desk's one key."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._clock = clock

    def _mac(self, purpose: str, message: str) -> str:
        digest = hmac.new(self._secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
        return _b64(digest)

    def csrf_token(self, session: Session) -> str:
        return self._mac("csrf", session.id)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def login_csrf(self, nonce: str) -> str:
        """The sign-in form's token, tied to a nonce cookie set when the form was served."""
        return self._mac("login", nonce)

    def check_login_csrf(self, nonce: str | None, token: str | None) -> bool:
        return bool(nonce) and bool(token) and hmac.compare_digest(str(token), self.login_csrf(str(nonce)))

    def device_cookie(self, user: str) -> str:
        """Proof that this browser signed in as ``user`` before (OWASP's "device cookie")."""
        nonce, issued = secrets.token_urlsafe(12), int(self._clock())
        return f"{nonce}.{issued}.{self._mac('device', f'{user.lower()}:{nonce}:{issued}')}"

    def device_for(self, cookie: str | None, user: str) -> str | None:
        """The device id in ``cookie`` when it was issued to ``user`` and is in date, else None."""
        if not cookie or len(cookie) > 200 or cookie.count(".") != 2:
            return None
        nonce, issued_text, mac = cookie.split(".")
        if not issued_text.isdigit():
            return None
        issued = int(issued_text)
        expected = self._mac("device", f"{user.lower()}:{nonce}:{issued}")
        if not hmac.compare_digest(mac, expected):
            return None
        age = self._clock() - issued
        return nonce if -300 <= age <= DEVICE_MAX_AGE else None
