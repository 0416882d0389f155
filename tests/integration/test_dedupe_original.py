"""The original of a cluster by evidence, not arrival, on a real Redis: takeovers, named sources, redelivery, races."""

from __future__ import annotations

import multiprocessing as mp
import random
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

import redis

from config.source_roles import SourceRole
from pipelines.dedupe import DedupeIndex
from pipelines.models import OriginEvidence
from pipelines.urls import article_id

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dedupe"
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
WIRE, BLOG, OTHER = (article_id(f"https://{host}/wheat") for host in ("wire.test", "blog.test", "other.test"))


def _text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text()


def _evidence(minutes: int, role: SourceRole | None = None, names: tuple[str, ...] = ()) -> OriginEvidence:
    return OriginEvidence(fetched_at=T0 + timedelta(minutes=minutes), role=role, names=names)


def test_a_late_original_takes_over_and_redelivery_sees_the_new_state(
    redis_client: redis.Redis, namespace: str
) -> None:
    index = DedupeIndex(redis_client, namespace=namespace)
    first = index.check_and_add(BLOG, _text("wheat_reworded"), _evidence(0, "aggregator"))
    assert first.duplicate_of is None
    late = index.check_and_add(WIRE, _text("wheat_original"), _evidence(30, "original_reporting"))
    assert (late.duplicate_of, late.original_id, late.cluster_id) == (None, WIRE, BLOG)
    assert (late.kind, late.epoch, late.reason) == ("rewritten", 1, "role")
    again = index.check_and_add(BLOG, _text("wheat_reworded"), _evidence(0, "aggregator"))
    assert (again.duplicate_of, again.kind, again.epoch) == (WIRE, "rewritten", 1)
    assert index.check_and_add(WIRE, _text("wheat_original"), _evidence(30, "original_reporting")) == late


def test_a_page_naming_its_source_is_never_the_original_in_either_order(
    redis_client: redis.Redis, namespace: str
) -> None:
    for order in ((BLOG, WIRE), (WIRE, BLOG)):
        index = DedupeIndex(redis_client, namespace=f"{namespace}-{order[0][:4]}")
        evidence = {BLOG: _evidence(0, names=(WIRE,)), WIRE: _evidence(60)}  # the copy was even fetched first
        texts = {BLOG: _text("wheat_reworded"), WIRE: _text("wheat_original")}
        for doc in order:
            index.check_and_add(doc, texts[doc], evidence[doc])
        verdicts = {doc: index.check_and_add(doc, texts[doc], evidence[doc]) for doc in order}
        assert verdicts[BLOG].duplicate_of == WIRE and verdicts[WIRE].duplicate_of is None
        assert verdicts[WIRE].reason == "named"
        index.clear()


def test_a_member_named_by_a_later_copy_takes_over(redis_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(redis_client, namespace=namespace)
    text = _text("wheat_original")
    index.check_and_add(OTHER, text, _evidence(0))  # fetched first: the original for now
    assert index.check_and_add(WIRE, text + "\nReuters", _evidence(10)).duplicate_of == OTHER
    third = article_id("https://third.test/x")
    named = index.check_and_add(third, text + "\nvia the wire", _evidence(20, names=(WIRE,)))
    assert (named.duplicate_of, named.original_id, named.reason, named.epoch) == (WIRE, WIRE, "named", 1)
    assert index.check_and_add(OTHER, text, _evidence(0)).duplicate_of == WIRE


def test_evidence_without_a_difference_keeps_the_first_arrival(redis_client: redis.Redis, namespace: str) -> None:
    index = DedupeIndex(redis_client, namespace=namespace)
    text = _text("wheat_original")
    index.check_and_add(OTHER, text, _evidence(5))
    assert index.check_and_add(WIRE, text, _evidence(5)).duplicate_of == OTHER
    assert index.check_and_add(BLOG, text).duplicate_of == OTHER  # no evidence at all: never takes over


def _race(url: str, namespace: str, docs: list[tuple[str, str, int]], barrier: Barrier, out: mp.Queue) -> None:  # type: ignore[type-arg]
    client = redis.Redis.from_url(url)
    index = DedupeIndex(client, namespace=namespace)
    barrier.wait()
    for doc_id, text, minutes in docs:
        index.check_and_add(doc_id, text, _evidence(minutes))
    out.put([(doc_id, index.check_and_add(doc_id, text, _evidence(m)).duplicate_of) for doc_id, text, m in docs])
    client.close()


def test_racing_processes_end_on_the_member_with_the_best_evidence(
    shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    rng = random.Random(20)
    text = _text("wheat_original")
    docs = [
        (article_id(f"https://copy{n}.test/wheat"), f"{text}\nShared by site {n}", rng.randrange(1, 10_000))
        for n in range(40)
    ]
    rng.shuffle(docs)
    best = min(docs, key=lambda d: d[2])[0]
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [
        ctx.Process(target=_race, args=(shared_redis_url, namespace, docs[w::4], barrier, results)) for w in range(4)
    ]
    for p in procs:
        p.start()
    final = dict(pair for _ in procs for pair in results.get(timeout=120))
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    index = DedupeIndex(redis_client, namespace=namespace)
    settled = {doc_id: index.check_and_add(doc_id, t, _evidence(m)).duplicate_of for doc_id, t, m in docs}
    assert settled[best] is None
    assert all(named == best for doc_id, named in settled.items() if doc_id != best)
    assert len(final) == len(docs)
