"""A private redis-server that requires a password, as a production Redis should."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.support.redis_server import PrivateRedis


class PasswordRedis(PrivateRedis):
    """redis-server on a free loopback port with ``--requirepass``, AOF on and ``noeviction``."""

    def __init__(self, directory: Path, password: str | None = None) -> None:
        super().__init__(directory, password=password or secrets.token_urlsafe(16))
