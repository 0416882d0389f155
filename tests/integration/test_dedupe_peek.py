"""``DedupeIndex.peek`` gives check_and_add's verdict and writes nothing (used by ``newsdesk preview``)."""

from __future__ import annotations

import redis

from pipelines import keys
from pipelines.dedupe import DedupeIndex
from tests.support.pages import story


def key_count(client: redis.Redis, namespace: str) -> int:
    return sum(1 for _ in client.scan_iter(match=keys.dedupe(namespace, "*"), count=1000))


def test_peek_writes_nothing_and_matches_check_and_add(redis_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(redis_client, namespace=namespace)
    text = "\n".join(story(5)[1])
    assert index.peek("a", text).duplicate_of is None
    assert key_count(redis_client, namespace) == 0

    index.check_and_add("a", text)
    before = key_count(redis_client, namespace)
    copy = text.replace("uncertain", "unclear", 2)
    peeked = index.peek("b", copy)
    assert peeked.duplicate_of == "a" and peeked.kind == "near"
    assert index.peek("c", text).kind == "exact"
    assert key_count(redis_client, namespace) == before
    assert index.check_and_add("b", copy) == peeked
