"""DedupeIndex against a real Redis: exact and near copies, negatives, idempotence, drift, bad input."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from redis.crc import key_slot as keyslot

from pipelines import keys
from pipelines.dedupe import NO_DUPLICATE, DedupeIndex
from pipelines.dedupe.anchors import anchor_sample, stored_anchors
from pipelines.dedupe.features import fingerprint
from pipelines.errors import RedisUnavailable
from tests.support.redis_topologies import RedisClusterGroup
from workers.connections import Timeouts, connect, parse_endpoint


def _story(seed: int, paragraphs: int = 8, words: int = 45) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{rng.randrange(10_000)}" for _ in range(4000)]
    return [" ".join(rng.choice(vocab) for _ in range(words)) for _ in range(paragraphs)]


def _spin(paragraphs: list[str], rate: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(w if rng.random() > rate else f"syn{w}" for w in p.split()) for p in paragraphs]


def _keys(client: redis.Redis, namespace: str) -> set[bytes]:
    return set(client.scan_iter(match=keys.dedupe(namespace, "*"), count=1000))


SHARDS = {"single": 0, "cluster": 6}  # posting shards of each topology's index: one Redis keeps the default


def _cluster_client(cluster: RedisClusterGroup) -> redis.Redis:
    return connect(parse_endpoint("state", cluster.url, setting="redis.state_url"), Timeouts(connect=2, read=10))


@pytest.fixture(params=list(SHARDS))
def dedupe_redis(request: pytest.FixtureRequest, redis_client: redis.Redis, namespace: str) -> Iterator[redis.Redis]:
    """The same tests on one Redis and on a real three-primary Redis Cluster (postings over six shards' slots)."""
    if request.param == "single":
        yield redis_client
        return
    client = _cluster_client(request.getfixturevalue("redis_cluster"))
    yield client
    for key in list(client.scan_iter(match=f"newsdesk:{{{namespace}*", count=1000)):
        client.delete(key)
    client.close()


@pytest.fixture()
def index(request: pytest.FixtureRequest, dedupe_redis: redis.Redis, namespace: str) -> DedupeIndex:
    shards = SHARDS[request.node.callspec.params["dedupe_redis"]]
    return DedupeIndex(dedupe_redis, namespace=namespace, posting_shards=shards)


def test_first_copy_is_canonical_and_exact_copies_point_at_it(index: DedupeIndex) -> None:
    text = "\n".join(_story(1))
    assert index.check_and_add("a", text) == NO_DUPLICATE
    verdict = index.check_and_add("b", text.upper().replace(" ", "  "))
    assert (verdict.duplicate_of, verdict.kind, verdict.similarity) == ("a", "exact", 1.0)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda p: ["Copyright 2025 Daily Courier. All rights reserved.", *p, "Share this"], id="boiler"),
        pytest.param(lambda p: p[: len(p) // 2], id="truncated-50"),
        pytest.param(lambda p: " ".join(p).split(" ")[: int(len(" ".join(p).split(" ")) * 0.4)], id="truncated-40"),
        pytest.param(lambda p: list(reversed(p))[1:], id="reordered-dropped"),
        pytest.param(lambda p: _spin(p, 0.15, 3), id="spun-15"),
        pytest.param(lambda p: [*p, _story(99)[0]], id="extra-paragraph"),
    ],
)
def test_near_copies_point_at_the_canonical(index: DedupeIndex, variant: object) -> None:
    original = _story(2)
    index.check_and_add("orig", "\n".join(original))
    copy = variant(original)  # type: ignore[operator]
    verdict = index.check_and_add("copy", "\n".join(copy) if len(copy) < 50 else " ".join(copy))
    assert verdict.duplicate_of == "orig"
    assert verdict.kind == "near"
    assert 0.78 <= verdict.similarity <= 1.0


def test_distinct_stories_and_mixes_are_not_duplicates(index: DedupeIndex) -> None:
    a, b = _story(3), _story(4)
    assert index.check_and_add("a", "\n".join(a)) == NO_DUPLICATE
    assert index.check_and_add("b", "\n".join(b)) == NO_DUPLICATE
    mix = a[:4] + b[:3]  # 57% from a, covering half of a
    assert index.check_and_add("mix", "\n".join(mix)).duplicate_of is None


def test_same_doc_id_twice_gives_the_same_verdict_and_writes_nothing(
    index: DedupeIndex, dedupe_redis: redis.Redis, namespace: str
) -> None:
    redis_client = dedupe_redis
    story = "\n".join(_story(5))
    index.check_and_add("a", story)
    first = index.check_and_add("b", story + "\nRead more at the Courier.")
    before = {k: redis_client.dump(k) for k in _keys(redis_client, namespace)}
    second = index.check_and_add("b", story + "\nRead more at the Courier.")
    assert first == second and first.duplicate_of == "a"
    assert {k: redis_client.dump(k) for k in _keys(redis_client, namespace)} == before
    assert index.check_and_add("a", story) == NO_DUPLICATE


def test_duplicates_name_the_canonical_not_a_chain_and_drift_does_not_merge(index: DedupeIndex) -> None:
    rng = random.Random(6)
    current = " ".join(_story(6)).split()
    canonicals: set[str] = set()
    named: list[str | None] = []
    for step in range(40):
        doc_id = f"v{step}"
        verdict = index.check_and_add(doc_id, " ".join(current))
        if verdict.duplicate_of is None:
            canonicals.add(doc_id)
        named.append(verdict.duplicate_of)
        # each version rewrites 6% of the previous one's words with new ones
        current = [f"new{step}x{i}" if rng.random() < 0.06 else w for i, w in enumerate(current)]
    assert all(n is None or n in canonicals for n in named)
    assert named[1] == "v0"
    assert named[-1] != "v0"  # 40 small edits later the text shares ~10% with v0
    assert len(canonicals) >= 2


def test_empty_single_word_non_latin_and_huge_inputs(index: DedupeIndex) -> None:
    assert index.check_and_add("empty", "") == NO_DUPLICATE
    assert index.check_and_add("punct", " ... !!") == NO_DUPLICATE
    assert index.check_and_add("w1", "Hello") == NO_DUPLICATE
    assert index.check_and_add("w2", "hello!").duplicate_of == "w1"
    assert index.check_and_add("w3", "world") == NO_DUPLICATE

    rng = random.Random(7)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    zh = ["".join(rng.choice(chars) for _ in range(120)) + "。" for _ in range(6)]
    assert index.check_and_add("zh", "\n".join(zh)) == NO_DUPLICATE
    assert index.check_and_add("zh-copy", "\n".join([*zh[:5], "版权所有"])).duplicate_of == "zh"

    huge_story = _story(8, paragraphs=200, words=60)
    huge = "\n".join(huge_story * 60)[:5_000_000]
    assert len(huge) > 4_000_000
    assert index.check_and_add("huge", huge) == NO_DUPLICATE
    assert index.check_and_add("huge-head", "\n".join(huge_story[:150])).duplicate_of == "huge"


def test_forget_removes_a_document(index: DedupeIndex, dedupe_redis: redis.Redis, namespace: str) -> None:
    redis_client = dedupe_redis
    text = "\n".join(_story(9))
    index.check_and_add("a", text)
    assert index.forget("a") is True
    assert index.forget("a") is False
    assert index.check_and_add("b", text) == NO_DUPLICATE
    # what is left of "a" (document 1) in the bucket of canonicals' samples is nothing: only "b" (document 2)
    samples = redis_client.get(keys.dedupe(namespace, "c:0"))
    stored = fingerprint(text, index.params).stored + stored_anchors(anchor_sample(text, index.params))
    assert samples == bytes([2 + 128]) + stored  # its slot, "an anchor sample follows", its two samples


def test_rebuild_reindexes_rows_in_order(index: DedupeIndex) -> None:
    a, b = "\n".join(_story(10)), "\n".join(_story(11))
    index.check_and_add("stale", "\n".join(_story(12)))
    assert index.rebuild([("a", a), ("a2", a + "\nShare this"), ("b", b)]) == 3
    assert index.check_and_add("a3", a).duplicate_of == "a"
    assert index.check_and_add("stale-copy", "\n".join(_story(12))).duplicate_of is None


def _mixed_stream() -> list[tuple[str, str]]:
    """Stories, their near, exact and truncated copies, and the reworded fixture, interleaved."""
    fixtures = Path(__file__).parent.parent / "fixtures" / "dedupe"
    docs = [(f"s{n}", "\n".join(_story(300 + n))) for n in range(12)]
    docs += [(f"near{n}", "\n".join(_spin(_story(300 + n), 0.1, n))) for n in range(0, 12, 2)]
    docs += [(f"exact{n}", "\n".join(_story(300 + n)).upper()) for n in range(1, 12, 3)]
    docs += [(f"half{n}", "\n".join(_story(300 + n)[:4])) for n in range(2, 12, 4)]
    docs += [(name, (fixtures / f"wheat_{name}.txt").read_text()) for name in ("original", "other_report", "reworded")]
    random.Random(14).shuffle(docs)
    return docs


def test_sharded_postings_spread_over_slots_and_verdicts_equal_one_redis(
    redis_client: redis.Redis, redis_cluster: RedisClusterGroup, namespace: str
) -> None:
    client = _cluster_client(redis_cluster)
    one = DedupeIndex(redis_client, namespace=namespace)
    spread = DedupeIndex(client, namespace=namespace, posting_shards=16)
    try:
        verdicts = [(one.check_and_add(d, t), spread.check_and_add(d, t)) for d, t in _mixed_stream()]
        assert [a for a, _ in verdicts] == [b for _, b in verdicts]
        assert sum(a.duplicate_of is not None for a, _ in verdicts) >= 12
        names = set(client.scan_iter(match=f"newsdesk:{{{namespace}*", count=1000))
        record = {n for n in names if b"{" + namespace.encode() + b"}" in n}
        postings = names - record
        assert record and not any(b":p:" in n or b":q:" in n for n in record)  # no posting stays in the record slot
        assert any(b":p:" in n for n in postings) and any(b":q:" in n for n in postings)
        assert len({keyslot(n) for n in postings}) >= 8
        primaries = {client.get_node_from_key(n).name for n in postings}  # type: ignore[attr-defined]
        assert len(primaries) >= 2  # 16 shards on one of three primaries: 3 * 3**-16
        assert spread.sweep() == 0 and spread.forget("s0")
        assert spread.clear() == len(names)
    finally:
        client.close()


def test_a_canonical_not_yet_posted_is_found_by_a_racing_copy(
    redis_cluster: RedisClusterGroup, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _cluster_client(redis_cluster)
    index = DedupeIndex(client, namespace=namespace, posting_shards=6, pending_seconds=2)
    assert index.shards is not None
    try:
        text = "\n".join(_story(15))
        # the first copy's postings never reach the shards: only the record slot's pending list knows it
        monkeypatch.setattr(index.shards, "post", lambda *args, **kwargs: None)
        assert index.check_and_add("first", text) == NO_DUPLICATE
        assert index.check_and_add("racer", "\n".join(_spin(_story(15), 0.05, 1))).duplicate_of == "first"
        time.sleep(3.1)  # past pending_seconds: a canonical never posted is lost to later copies
        assert index.check_and_add("late", text + "\nShare this").duplicate_of is None
        monkeypatch.undo()
        assert index.check_and_add("first", text) == NO_DUPLICATE  # a repeated call posts it after all
        assert index.check_and_add("later", text.upper()).duplicate_of == "first"
    finally:
        index.clear()
        client.close()


def _at_once(indexes: list[DedupeIndex], doc_ids: list[str], text: str) -> list[str | None]:
    """What each index names for its doc id, all checking ``text`` at the same moment from threads of their own."""
    barrier = threading.Barrier(len(indexes))

    def check(side: int) -> str | None:
        barrier.wait()
        return indexes[side].check_and_add(doc_ids[side], text).duplicate_of

    with ThreadPoolExecutor(len(indexes)) as pool:
        return list(pool.map(check, range(len(indexes))))


def test_two_copies_checked_at_once_on_the_cluster_give_one_canonical(
    redis_cluster: RedisClusterGroup, namespace: str
) -> None:
    # Without the record slot's pending list 32 of 40 such rounds gave two canonicals (lua_shards).
    clients = [_cluster_client(redis_cluster) for _ in range(2)]
    indexes = [DedupeIndex(c, namespace=namespace, posting_shards=6) for c in clients]
    try:
        for round_ in range(25):
            doc_ids = [f"r{round_}-{side}" for side in range(2)]
            found = _at_once(indexes, doc_ids, "\n".join(_story(400 + round_)))
            canonicals = [side for side in range(2) if found[side] is None]
            assert len(canonicals) == 1
            assert found[1 - canonicals[0]] == doc_ids[canonicals[0]]
    finally:
        indexes[0].clear()
        for c in clients:
            c.close()


def test_unreachable_redis_raises_transient_error(namespace: str) -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    index = DedupeIndex(dead, namespace=namespace)
    with pytest.raises(RedisUnavailable):
        index.check_and_add("a", "\n".join(_story(13)))
    assert index.check_and_add("empty", "") == NO_DUPLICATE  # needs no Redis at all


def test_reworded_copy_is_linked_as_rewritten_and_another_report_is_not(index: DedupeIndex) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures" / "dedupe"
    assert index.check_and_add("wire", (fixtures / "wheat_original.txt").read_text()) == NO_DUPLICATE
    assert index.check_and_add("other", (fixtures / "wheat_other_report.txt").read_text()) == NO_DUPLICATE
    verdict = index.check_and_add("blog", (fixtures / "wheat_reworded.txt").read_text())
    assert (verdict.duplicate_of, verdict.kind) == ("wire", "rewritten")
    assert 0.5 <= verdict.similarity <= 1.0
    assert index.check_and_add("blog", (fixtures / "wheat_reworded.txt").read_text()) == verdict
