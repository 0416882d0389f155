"""Reviewer accounts, their passwords and API tokens; only hashes are ever stored.

Ending a user's access is one transaction: deactivation revokes every token and ends every
session; a password change ends every session (but, from the desk, the one that made it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, Engine, insert, select, update

from pipelines.storage.schema import api_tokens, users
from review import audit
from review.clock import as_utc, iso, utcnow
from review.errors import InvalidInput, NotFound
from review.passwords import MAX_LENGTH, MIN_LENGTH, check_password, hash_password, needs_rehash
from review.sessions import end_user_sessions

Role = Literal["admin", "reviewer"]
ROLES: tuple[Role, ...] = ("admin", "reviewer")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,100}$")
TOKEN_PREFIX = "nd_"  # noqa: S105 - marks tokens in logs and scanners


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    active: bool
    has_password: bool
    created_at: datetime
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "has_password": self.has_password,
            "must_change_password": self.must_change_password,
            "created_at": iso(self.created_at),
        }


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _user(row: Any) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=cast(Role, row.role),
        active=bool(row.active),
        has_password=bool(row.password_hash),
        created_at=as_utc(row.created_at),
        must_change_password=bool(row.must_change_password),
    )


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    return None if row is None else _user(row)


def get_user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return None if row is None else _user(row)


def _require(conn: Connection, name: str) -> User:
    user = get_user(conn, name)
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def _insert_token(conn: Connection, user_id: int) -> str:
    token = new_token()
    conn.execute(insert(api_tokens).values(user_id=user_id, token_hash=token_hash(token), created_at=utcnow()))
    return token


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters")
    if password != password.strip():
        raise InvalidInput("a password must not start or end with spaces")


def add_user(
    engine: Engine, name: str, role: str, password: str | None, *, actor: str, one_time: bool = False
) -> tuple[User, str]:
    """Create a user and return it with a fresh API token (shown once, stored hashed).

    ``password`` None makes a token-only account; ``one_time`` makes the desk ask for a new password
    at the first sign-in.
    """
    if not NAME_PATTERN.match(name):
        raise InvalidInput("a user name is 1-100 letters, digits or _ . @ -")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if password is not None:
        check_new_password(password)
    with engine.begin() as conn:
        if get_user(conn, name) is not None:
            raise InvalidInput(f"user {name!r} exists already")
        conn.execute(
            insert(users).values(
                name=name,
                role=role,
                password_hash=hash_password(password) if password else None,
                active=True,
                created_at=utcnow(),
                must_change_password=bool(password) and one_time,
            )
        )
        user = _require(conn, name)
        token = _insert_token(conn, user.id)
        audit.record(conn, actor=actor, action="user_add", target=audit.user_target(name), detail={"role": role})
    return user, token


def set_password(
    engine: Engine, name: str, password: str, *, actor: str, one_time: bool = False, keep_session: str | None = None
) -> int:
    """Store a new password for ``name`` and end its sessions (all but ``keep_session``); returns how many."""
    check_new_password(password)
    new_hash = hash_password(password)
    with engine.begin() as conn:
        user = _require(conn, name)
        conn.execute(
            update(users).where(users.c.id == user.id).values(password_hash=new_hash, must_change_password=one_time)
        )
        ended = end_user_sessions(conn, user.id, keep=keep_session)
        audit.record(
            conn,
            actor=actor,
            action="password_set",
            target=audit.user_target(name),
            detail={"one_time": one_time, "sessions_ended": ended},
        )
    return ended


def _revoke(conn: Connection, user_id: int) -> int:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(result.rowcount)


def deactivate_user(engine: Engine, name: str, *, actor: str) -> tuple[int, int]:
    """Refuse ``name`` from now on: revoke its tokens, end its sessions; returns (tokens, sessions)."""
    with engine.begin() as conn:
        user = _require(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(active=False))
        tokens = _revoke(conn, user.id)
        sessions = end_user_sessions(conn, user.id)
        audit.record(
            conn,
            actor=actor,
            action="user_deactivate",
            target=audit.user_target(name),
            detail={"tokens_revoked": tokens, "sessions_ended": sessions},
        )
    return tokens, sessions


def activate_user(engine: Engine, name: str, *, actor: str) -> None:
    """Let ``name`` sign in again (its old tokens stay revoked: issue a new one)."""
    with engine.begin() as conn:
        user = _require(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(active=True))
        audit.record(conn, actor=actor, action="user_activate", target=audit.user_target(name))


def issue_token(engine: Engine, name: str, *, actor: str) -> str:
    with engine.begin() as conn:
        user = _require(conn, name)
        token = _insert_token(conn, user.id)
        audit.record(conn, actor=actor, action="token_issue", target=audit.user_target(name))
    return token


def revoke_tokens(engine: Engine, name: str, *, actor: str) -> int:
    """Revoke every live token of ``name``; returns how many."""
    with engine.begin() as conn:
        user = _require(conn, name)
        count = _revoke(conn, user.id)
        audit.record(conn, actor=actor, action="token_revoke", target=audit.user_target(name), detail={"count": count})
    return count


def list_users(engine: Engine) -> list[tuple[User, int]]:
    """Every user with its number of live tokens."""
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).all()
        live = conn.execute(select(api_tokens.c.user_id).where(api_tokens.c.revoked_at.is_(None))).scalars().all()
    return [(_user(row), sum(1 for uid in live if uid == row.id)) for row in rows]


def user_for_token(conn: Connection, token: str) -> User | None:
    row = conn.execute(
        select(users)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash(token), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None or not row.active:
        return None
    return _user(row)


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The user ``name`` if ``password`` is its password and it is active; the same work either way.

    A hash made at a lower cost than today's is replaced by one at today's cost.
    """
    row = conn.execute(select(users).where(users.c.name == name)).first()
    stored = row.password_hash if row is not None else None
    matched = check_password(password, stored)
    if row is None or not row.active or not matched:
        return None
    if needs_rehash(stored):
        conn.execute(update(users).where(users.c.id == row.id).values(password_hash=hash_password(password)))
        audit.record(conn, actor=row.name, action="password_rehash", target=audit.user_target(row.name))
    return _user(row)
