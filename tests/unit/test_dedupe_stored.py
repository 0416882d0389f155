"""The compact forms a canonical keeps: 12-bit values scaled to their own threshold, grouped, order kept."""

from __future__ import annotations

import random
import struct

from pipelines.dedupe import DedupeParams
from pipelines.dedupe.anchors import anchor_sample, stored_anchors
from pipelines.dedupe.features import fingerprint

PARAMS = DedupeParams()


def _unpack12(raw: bytes, n: int) -> list[int]:
    out: list[int] = []
    for i in range(n):
        a, b, c = raw[3 * (i // 2) : 3 * (i // 2) + 3]
        out.append(a * 16 + b // 16 if i % 2 == 0 else (b % 16) * 256 + c)
    return out


def _query(sample: bytes) -> tuple[int, list[int], list[int], bytes]:
    tau, _, nseg = struct.unpack(">IHB", sample[:7])
    n = (len(sample) - 7 - nseg) // 5
    segs = list(sample[7 + nseg : 7 + nseg + n])
    return tau, segs, list(struct.unpack(f">{n}I", sample[7 + nseg + n :])), sample[7 : 7 + nseg]


def _text(seed: int) -> str:
    rng = random.Random(seed)
    vocab = [f"w{rng.randrange(100_000)}" for _ in range(3000)]
    return "\n".join(" ".join(rng.choice(vocab) for _ in range(rng.randrange(15, 90))) for _ in range(9))


def test_stored_shingles_are_the_query_sample_scaled_and_grouped_by_segment() -> None:
    for seed in range(5):
        fp = fingerprint(_text(seed), PARAMS)
        tau, segs, hashes, lengths = _query(fp.sample)
        stored_tau, m = struct.unpack(">IB", fp.stored[:5])
        head = fp.stored[5 : 5 + 2 * m]
        counts = list(head[1::2])
        values = _unpack12(fp.stored[5 + 2 * m :], sum(counts))
        assert stored_tau == tau and sum(counts) == len(hashes)
        assert len(fp.stored) == 5 + 2 * m + 3 * ((len(hashes) + 1) // 2)
        expected = [(h << 12) // tau for _, h in sorted(zip(segs, hashes, strict=True), key=lambda p: p[0])]
        assert values == expected and all(v < 4096 for v in values)
        used = sorted(set(segs))
        assert list(head[0::2]) == [lengths[s] for s in used]
        assert counts == [segs.count(s) for s in used]


def test_stored_anchors_are_the_query_sample_scaled_and_grouped_by_region() -> None:
    text = " ".join(f"Then Name{i} met Person{i} in City{i % 7} on Day{i % 5}." for i in range(40))
    sample = anchor_sample(text, PARAMS)
    tau, n = struct.unpack(">HH", sample[:4])
    values = struct.unpack(f">{n}H", sample[4 : 4 + 2 * n])
    regions = [(sample[4 + 2 * n + i // 4] >> (2 * (i % 4))) & 3 for i in range(n)]
    stored = stored_anchors(sample)
    assert struct.unpack(">H", stored[:2])[0] == tau
    assert list(stored[2:6]) == [regions.count(r) for r in range(4)]
    expected = [(v << 12) // (tau + 1) for _, v in sorted(zip(regions, values, strict=True), key=lambda p: p[0])]
    assert _unpack12(stored[6:], n) == expected
    assert stored_anchors(b"") == b""
