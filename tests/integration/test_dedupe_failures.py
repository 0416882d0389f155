"""A Redis that refuses writes leaves the index exactly as it was, and the error is transient."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis

from pipelines import keys
from pipelines.dedupe import DedupeIndex
from pipelines.errors import RedisUnavailable
from tests.support.redis_server import PrivateRedis


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return "\n".join(" ".join(f"f{rng.randrange(100_000)}" for _ in range(40)) for _ in range(6))


@pytest.fixture()
def own_client(private_redis: PrivateRedis, namespace: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(private_redis.url)
    yield client
    client.config_set("maxmemory", 0)
    for key in client.scan_iter(match=keys.dedupe(namespace, "*")):
        client.delete(key)
    client.close()


def _snapshot(client: redis.Redis, namespace: str) -> dict[bytes, bytes | None]:
    return {k: client.dump(k) for k in client.scan_iter(match=keys.dedupe(namespace, "*"))}


def test_refused_writes_change_nothing_and_a_retry_succeeds(own_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(own_client, namespace=namespace)
    index.check_and_add("a", _text(1))
    before = _snapshot(own_client, namespace)
    own_client.config_set("maxmemory", 1)
    with pytest.raises(RedisUnavailable):
        index.check_and_add("b", _text(2))
    with pytest.raises(RedisUnavailable):
        index.check_and_add("a-copy", _text(1))
    assert _snapshot(own_client, namespace) == before
    own_client.config_set("maxmemory", 0)
    assert index.check_and_add("a-copy", _text(1)).duplicate_of == "a"
    assert index.check_and_add("b", _text(2)).duplicate_of is None
