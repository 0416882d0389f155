"""Reviewer accounts and API tokens; only a token's sha256 is ever stored."""

from __future__ import annotations

import functools
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
from review.passwords import MIN_LENGTH, hash_password, verify_password

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

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "active": self.active,
            "has_password": self.has_password,
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
    )


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(users).where(users.c.name == name)).first()
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


def add_user(engine: Engine, name: str, role: str, password: str | None, *, actor: str) -> tuple[User, str]:
    """Create a user and return it with a fresh API token (shown once, stored hashed)."""
    if not NAME_PATTERN.match(name):
        raise InvalidInput("a user name is 1-100 letters, digits or _ . @ -")
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
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
            )
        )
        user = _require(conn, name)
        token = _insert_token(conn, user.id)
        audit.record(conn, actor=actor, action="user_add", target=audit.user_target(name), detail={"role": role})
    return user, token


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
        result = conn.execute(
            update(api_tokens)
            .where(api_tokens.c.user_id == user.id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        count = result.rowcount
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


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        # Spend the same time as a real check so names cannot be probed by timing.
        verify_password(password, _dummy_hash())
        return None
    if not row.active or not verify_password(password, row.password_hash):
        return None
    return _user(row)
