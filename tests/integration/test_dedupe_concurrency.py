"""Four worker processes racing on 200 copies of one story agree on one canonical: on one Redis, and on a real
three-primary Redis Cluster with the postings over six shards (the check still serial in the record slot)."""

from __future__ import annotations

import multiprocessing as mp
import random
from multiprocessing.synchronize import Barrier

import pytest
import redis

from pipelines.dedupe import DedupeIndex
from tests.support.redis_topologies import RedisClusterGroup
from workers.connections import Timeouts, connect, parse_endpoint

COPIES = 200
WORKERS = 4


def _copies() -> list[tuple[str, str]]:
    rng = random.Random(11)
    story = [" ".join(f"n{rng.randrange(50_000)}" for _ in range(45)) for _ in range(7)]
    out = []
    for i in range(COPIES):
        paragraphs = list(story)
        if i % 3 == 1:
            paragraphs.append(f"Copyright {2000 + i} Site {i}. All rights reserved.")
        elif i % 3 == 2:
            paragraphs = paragraphs[: 5 + i % 3]
        out.append((f"copy-{i:03d}", "\n".join(paragraphs)))
    return out


def _client(url: str) -> redis.Redis:
    return connect(parse_endpoint("state", url, setting="redis.state_url"), Timeouts(connect=2, read=10))


def _worker(
    url: str,
    shards: int,
    namespace: str,
    part: list[tuple[str, str]],
    barrier: Barrier,
    out: mp.Queue,  # type: ignore[type-arg]
) -> None:
    client = _client(url)
    index = DedupeIndex(client, namespace=namespace, posting_shards=shards)
    barrier.wait()
    out.put([(doc_id, index.check_and_add(doc_id, text).duplicate_of) for doc_id, text in part])
    client.close()


@pytest.mark.parametrize("topology", ["single", "cluster"])
def test_two_hundred_copies_on_four_processes_give_one_canonical(
    topology: str, request: pytest.FixtureRequest, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    url, shards = shared_redis_url, 0
    if topology == "cluster":
        cluster: RedisClusterGroup = request.getfixturevalue("redis_cluster")
        url, shards = cluster.url, 6
    docs = _copies()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, shards, namespace, docs[w::WORKERS], barrier, results))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    verdicts = dict(pair for _ in procs for pair in results.get(timeout=120))
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert len(verdicts) == COPIES
    canonicals = [doc_id for doc_id, named in verdicts.items() if named is None]
    assert len(canonicals) == 1
    assert all(named == canonicals[0] for doc_id, named in verdicts.items() if doc_id != canonicals[0])
    if topology == "cluster":
        DedupeIndex(_client(url), namespace=namespace, posting_shards=shards).clear()
