"""Entries leave the index after the retention window, so an endless stream uses bounded memory (a sharded
index's postings on a Redis Cluster too)."""

from __future__ import annotations

import random
import time

import redis

from pipelines import keys
from pipelines.dedupe import NO_DUPLICATE, DedupeIndex
from tests.support.redis_topologies import RedisClusterGroup
from workers.connections import Timeouts, connect, parse_endpoint


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return "\n".join(" ".join(f"t{rng.randrange(200_000)}" for _ in range(40)) for _ in range(5))


def _footprint(client: redis.Redis, namespace: str) -> tuple[int, int]:
    """(number of keys, total bytes) of the namespace, meta hash excluded."""
    names = [k for k in client.scan_iter(match=keys.dedupe(namespace, "*"), count=1000) if not k.endswith(b":m")]
    return len(names), sum(int(client.memory_usage(k) or 0) for k in names)


def test_expired_documents_are_no_longer_matched(redis_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(redis_client, namespace=namespace, retention_seconds=1)
    text = _text(1)
    assert index.check_and_add("old", text) == NO_DUPLICATE
    assert index.check_and_add("copy-now", text).duplicate_of == "old"
    time.sleep(2.2)
    assert index.check_and_add("copy-later", text) == NO_DUPLICATE


def test_a_stream_over_many_windows_keeps_a_bounded_footprint(redis_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(redis_client, namespace=namespace, retention_seconds=2)
    per_window, sizes, live = 60, [], []
    for window in range(4):
        for i in range(per_window):
            index.check_and_add(f"w{window}-{i}", _text(window * 1000 + i))
        sizes.append(_footprint(redis_client, namespace))
        live.append(int(redis_client.hget(keys.dedupe(namespace, "m"), "in") or 0))  # ids indexed now
        time.sleep(2.6)
    # each window's inserts evicted the previous window: only the current one is held
    assert live == [per_window] * 4
    assert sizes[3][0] <= sizes[0][0] * 1.2
    assert sizes[3][1] <= sizes[0][1] * 1.2
    assert index.sweep() == per_window
    assert _footprint(redis_client, namespace) == (0, 0)


def test_a_sharded_index_on_the_cluster_evicts_its_postings_too(
    redis_cluster: RedisClusterGroup, namespace: str
) -> None:
    client = connect(
        parse_endpoint("state", redis_cluster.url, setting="redis.state_url"), Timeouts(connect=2, read=10)
    )
    index = DedupeIndex(client, namespace=namespace, retention_seconds=1, posting_shards=4)
    shard_keys = f"newsdesk:{{{namespace}:p*"
    try:
        for i in range(20):
            index.check_and_add(f"old{i}", _text(100 + i))
        assert index.check_and_add("copy-now", _text(100)).duplicate_of == "old0"
        posted = [k for k in client.scan_iter(match=shard_keys, count=1000) if not k.endswith(b":m")]
        assert posted
        time.sleep(2.2)
        assert index.sweep() == 21
        # every posting named an evicted document: the purge empties the buckets, and an empty bucket is deleted
        assert [k for k in client.scan_iter(match=shard_keys, count=1000) if not k.endswith(b":m")] == []
        assert index.check_and_add("copy-later", _text(100)) == NO_DUPLICATE
    finally:
        index.clear()
        client.close()
