"""Leases in Redis: a key with an owner token and an expiry, renewed while work goes on.

A crashed holder stops renewing, so its lease lapses and another process may
take over.  Release and renewal only act on the caller's own token.
"""

from __future__ import annotations

import uuid

import redis

from pipelines.errors import RedisUnavailable

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class Lease:
    """An exclusive, expiring claim on ``key``."""

    def __init__(self, client: redis.Redis, key: str, ttl_seconds: float, token: str | None = None) -> None:
        self.client = client
        self.key = key
        self.ttl_ms = int(ttl_seconds * 1000)
        self.token = token or uuid.uuid4().hex

    def acquire(self) -> bool:
        try:
            return bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        except redis.RedisError as exc:
            raise RedisUnavailable(f"cannot take lease {self.key}: {exc}") from exc

    def renew(self) -> bool:
        try:
            return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))
        except redis.RedisError as exc:
            raise RedisUnavailable(f"cannot renew lease {self.key}: {exc}") from exc

    def release(self) -> bool:
        try:
            return bool(self.client.eval(_RELEASE, 1, self.key, self.token))
        except redis.RedisError:
            return False  # the lease lapses on its own
