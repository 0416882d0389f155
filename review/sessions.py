"""Signed session cookies and the CSRF tokens bound to them.

A session is ``base64(json) . hmac``; nothing is stored server side, so the
user's role and activity are re-read from the database on every request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

SESSION_COOKIE = "nd_session"
LOGIN_COOKIE = "nd_login"
SESSION_MAX_AGE = 12 * 3600


@dataclass(frozen=True)
class Session:
    user: str
    sid: str
    issued: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Signs and checks session cookies, CSRF tokens and pre-sign-in nonces with one key."""

    def __init__(self, secret: bytes, max_age: int = SESSION_MAX_AGE, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.max_age = max_age
        self._clock = clock

    def _mac(self, purpose: str, message: str) -> str:
        digest = hmac.new(self._secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
        return _b64(digest)

    def encode(self, user: str) -> str:
        payload = _b64(json.dumps({"u": user, "s": secrets.token_urlsafe(16), "t": int(self._clock())}).encode())
        return f"{payload}.{self._mac('session', payload)}"

    def decode(self, cookie: str | None) -> Session | None:
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac("session", payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
            session = Session(user=str(data["u"]), sid=str(data["s"]), issued=int(data["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if self._clock() - session.issued > self.max_age:
            return None
        return session

    def csrf_token(self, session: Session) -> str:
        return self._mac("csrf", session.sid)

    def check_csrf(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def login_csrf(self, nonce: str) -> str:
        """The sign-in form's token, tied to a nonce cookie set when the form was served."""
        return self._mac("login", nonce)

    def check_login_csrf(self, nonce: str | None, token: str | None) -> bool:
        return bool(nonce) and bool(token) and hmac.compare_digest(str(token), self.login_csrf(str(nonce)))
