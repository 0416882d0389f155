"""Fingerprints: samples are consistent between copies, bounded, and well formed."""

from __future__ import annotations

import random
import struct
import time

from pipelines.dedupe import DedupeParams, content_hash
from pipelines.dedupe.features import fingerprint

PARAMS = DedupeParams()


def _text(seed: int, paragraphs: int = 6, words: int = 50) -> str:
    rng = random.Random(seed)
    vocab = [f"w{rng.randrange(100_000)}" for _ in range(3000)]
    return "\n".join(" ".join(rng.choice(vocab) for _ in range(words)) for _ in range(paragraphs))


def _decode(sample: bytes) -> tuple[int, int, list[int], list[int], list[int]]:
    tau, n_indexed, n_segments = struct.unpack(">IHB", sample[:7])
    lengths = list(sample[7 : 7 + n_segments])
    n = (len(sample) - 7 - n_segments) // 5
    segs = list(sample[7 + n_segments : 7 + n_segments + n])
    hashes = list(struct.unpack(f">{n}I", sample[7 + n_segments + n :]))
    return tau, n_indexed, lengths, segs, hashes


def test_sample_is_sorted_bounded_and_below_tau() -> None:
    fp = fingerprint(_text(1), PARAMS)
    tau, n_indexed, lengths, segs, hashes = _decode(fp.sample)
    assert hashes == sorted(set(hashes))
    assert all(h < tau for h in hashes)
    assert 0 < n_indexed <= min(len(hashes), PARAMS.max_postings)
    assert len(hashes) <= PARAMS.max_samples
    assert all(s < len(lengths) for s in segs)
    assert sum(lengths) == fp.token_count


def test_the_key_matches_content_hash() -> None:
    text = _text(2)
    assert fingerprint(text, PARAMS).content_hash == content_hash(text)


def test_a_truncated_copy_keeps_exactly_the_samples_of_what_it_kept() -> None:
    text = _text(3)
    half = "\n".join(text.split("\n")[:3])
    tau_a, _, _, _, full = _decode(fingerprint(text, PARAMS).sample)
    tau_b, _, _, _, part = _decode(fingerprint(half, PARAMS).sample)
    tau = min(tau_a, tau_b)
    assert {h for h in part if h < tau} <= set(full)
    assert len([h for h in part if h < tau]) > 10


def test_distinct_texts_share_almost_no_samples() -> None:
    a = set(_decode(fingerprint(_text(4), PARAMS).sample)[4])
    b = set(_decode(fingerprint(_text(5), PARAMS).sample)[4])
    assert len(a & b) <= 1


def test_short_and_empty_texts_have_no_sample() -> None:
    assert fingerprint("", PARAMS).token_count == 0
    assert fingerprint("!!! ...", PARAMS).token_count == 0
    single = fingerprint("hello", PARAMS)
    assert single.token_count == 1 and single.sample == b""


def test_five_megabytes_take_bounded_work() -> None:
    big = "\n".join([_text(6, paragraphs=40)] * 90)
    big = (big + "\n") * (5_000_000 // len(big) + 1)
    start = time.perf_counter()
    fp = fingerprint(big, PARAMS)
    assert time.perf_counter() - start < 10
    assert fp.token_count == PARAMS.max_tokens
    _, _, lengths, _, hashes = _decode(fp.sample)
    assert len(hashes) <= PARAMS.max_samples and len(lengths) <= 255


def test_cjk_text_gets_character_shingles() -> None:
    rng = random.Random(7)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    text = "".join(rng.choice(chars) for _ in range(400))
    fp = fingerprint(text, PARAMS)
    assert fp.token_count == 400
    assert len(_decode(fp.sample)[4]) > 20
