"""What the last successful fetch of a URL looked like, kept in Redis for incremental crawls.

One HASH per URL (``pipelines.keys.fetch_state(sha1(url))``) with the
validators the server gave (ETag, Last-Modified) and the sha256 of the body,
expiring after a TTL so that URLs that vanish from a site do not pile up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import redis
from redis.typing import EncodableT, FieldT

from crawler.redisstate import scoped_key
from pipelines import keys

__all__ = ["FetchState", "FetchStateStore", "StateStore", "body_digest", "url_digest"]

_ETAG = "etag"
_LAST_MODIFIED = "last_modified"
_SHA256 = "sha256"


def url_digest(url: str) -> str:
    # sha1 only names the key; nothing relies on it resisting collisions.
    return hashlib.sha1(url.encode("utf-8"), usedforsecurity=False).hexdigest()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class FetchState:
    """Validators and content hash of the last 200 response for one URL."""

    etag: str | None
    last_modified: str | None
    sha256: str


class StateStore(Protocol):
    """Where fetch states live; implementations raise redis.RedisError when unreachable."""

    def load(self, url: str) -> FetchState | None: ...

    def save(self, url: str, state: FetchState) -> None: ...

    def touch(self, url: str) -> None: ...


class FetchStateStore:
    """Reads and writes :class:`FetchState` in Redis; raises redis.RedisError on failure."""

    def __init__(self, client: redis.Redis, *, ttl_seconds: int, namespace: str = "") -> None:
        self._client = client
        self.ttl_seconds = ttl_seconds
        self._namespace = namespace

    def key(self, url: str) -> str:
        return scoped_key(keys.fetch_state(url_digest(url)), self._namespace)

    def load(self, url: str) -> FetchState | None:
        raw = self._client.hgetall(self.key(url))
        fields = {_text(k): _text(v) for k, v in raw.items()}
        if _SHA256 not in fields:
            return None
        return FetchState(
            etag=fields.get(_ETAG) or None,
            last_modified=fields.get(_LAST_MODIFIED) or None,
            sha256=fields[_SHA256],
        )

    def save(self, url: str, state: FetchState) -> None:
        self.save_many([(url, state)])

    def save_many(self, states: Sequence[tuple[str, FetchState]]) -> None:
        """Replace the states of several URLs in one round trip."""
        with self._client.pipeline(transaction=True) as pipe:
            for url, state in states:
                key = self.key(url)
                mapping: dict[FieldT, EncodableT] = {
                    _ETAG: state.etag or "",
                    _LAST_MODIFIED: state.last_modified or "",
                    _SHA256: state.sha256,
                }
                pipe.delete(key)
                pipe.hset(key, mapping=mapping)
                pipe.expire(key, self.ttl_seconds)
            pipe.execute()

    def touch(self, url: str) -> None:
        """Restart the TTL of a URL that answered 304: its stored state is still current."""
        self._client.expire(self.key(url), self.ttl_seconds)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
