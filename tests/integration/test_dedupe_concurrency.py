"""Four worker processes racing on 200 copies of one story agree on one canonical."""

from __future__ import annotations

import multiprocessing as mp
import random
from multiprocessing.synchronize import Barrier

import redis

from pipelines.dedupe import DedupeIndex

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


def _worker(url: str, namespace: str, part: list[tuple[str, str]], barrier: Barrier, out: mp.Queue) -> None:  # type: ignore[type-arg]
    client = redis.Redis.from_url(url)
    index = DedupeIndex(client, namespace=namespace)
    barrier.wait()
    out.put([(doc_id, index.check_and_add(doc_id, text).duplicate_of) for doc_id, text in part])
    client.close()


def test_two_hundred_copies_on_four_processes_give_one_canonical(
    shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    docs = _copies()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(shared_redis_url, namespace, docs[w::WORKERS], barrier, results))
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
