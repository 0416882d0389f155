"""The names-and-numbers signature: what counts as an anchor, and that rewording keeps it."""

from __future__ import annotations

import hashlib
import itertools
import struct
from pathlib import Path

from pipelines.dedupe.anchors import anchor_sample, anchors
from pipelines.dedupe.params import DedupeParams

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dedupe"


def _pairs(text: str) -> set[frozenset[str]]:
    units = anchors(text)
    return {frozenset(p) for p in itertools.pairwise(units) if p[0] != p[1]}


def test_runs_of_capitalised_words_and_numbers_are_anchors_but_a_sentence_start_is_not() -> None:
    assert anchors("Traders at the Chicago Board of Trade paid $685 on Tuesday. Buyers waited.") == [
        "chicago board",
        "trade",
        "685",
        "tuesday",
    ]
    assert anchors("1. First point\n2. Second point") == []


def test_a_reworded_copy_keeps_most_anchor_pairs_and_another_report_does_not() -> None:
    original = _pairs((FIXTURES / "wheat_original.txt").read_text())
    copy = _pairs((FIXTURES / "wheat_reworded.txt").read_text())
    other = _pairs((FIXTURES / "wheat_other_report.txt").read_text())
    assert len(original & copy) / max(len(original), len(copy)) >= 0.5
    assert len(original & other) / max(len(original), len(other)) < 0.2


def test_sample_is_empty_for_texts_with_too_few_anchors_and_bounded_otherwise() -> None:
    params = DedupeParams()
    assert anchor_sample("nothing here is capitalised after the start of it.", params) == b""
    text = " ".join(f"Name{i} met Person{i} in City{i}." for i in range(200))
    sample = anchor_sample(text, params)
    assert len(sample) == 4 + 2 * params.max_anchor_samples + params.max_anchor_samples // 4  # regions: 2 bits each


def test_each_sampled_pair_remembers_the_quarter_of_the_text_it_stands_in() -> None:
    params = DedupeParams()
    text = " ".join(f"Then Name{i} met Person{i} here." for i in range(8))  # 16 anchors, 15 distinct pairs
    sample = anchor_sample(text, params)
    n = struct.unpack(">H", sample[2:4])[0]
    values = struct.unpack(f">{n}H", sample[4 : 4 + 2 * n])
    regions = [(sample[4 + 2 * n + i // 4] >> (2 * (i % 4))) & 3 for i in range(n)]
    units = anchors(text)
    expected: dict[int, int] = {}
    for i, (a, b) in enumerate(itertools.pairwise(units)):
        expected.setdefault(_pair_value(a, b), min(3, i * 4 // (len(units) - 2)))
    assert n == 15
    assert regions == [expected[v] for v in values]
    assert sorted(set(regions)) == [0, 1, 2, 3]


def _pair_value(a: str, b: str) -> int:
    first, second = sorted((a, b))
    return int.from_bytes(hashlib.blake2b(f"{first}\x00{second}".encode(), digest_size=4).digest(), "big") >> 16
