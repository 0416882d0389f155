"""Fingerprints: the exact key plus a containment-friendly sample of shingles.

Shingles are word 3-grams (character 3-grams in unspaced scripts); those made
only of stopwords are skipped.  A shingle is kept when its 32-bit hash falls
below a threshold, so any shingle kept in one document is kept in every other
document containing it: samples compare for containment, not only resemblance.
Each kept shingle remembers its *segment* (a paragraph, short ones joined to the
next, long ones cut at 150 words): verification asks "which share of the text
sits in segments that reappear", which tolerates spinning (every spun segment
keeps some shingles) but not mixing (foreign segments keep none).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipelines.dedupe.normalize import normalize, tokens
from pipelines.dedupe.packing import pack12, scaled
from pipelines.dedupe.params import DedupeParams
from pipelines.dedupe.stopwords import STOPWORDS

_U64 = npt.NDArray[np.uint64]
_MULT = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_FMIX = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
_HEADER = struct.Struct(">IHB")
_CACHE_LIMIT = 1_000_000


class _TokenHashes(dict[str, int]):
    """token -> 64-bit hash whose lowest bit says "stopword"; filled on first sight."""

    def __missing__(self, token: str) -> int:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        value = (value & ~1) | (token in STOPWORDS)
        self[token] = value
        return value


_token_hashes = _TokenHashes()


@dataclass(frozen=True)
class Fingerprint:
    """What the index needs about one text.

    ``sample`` is empty for texts too short for near matching; otherwise it is
    ``>I tau, >H n_indexed, B n_segments``, one byte per segment (its length in
    tokens, at most 255), one byte per kept shingle (its segment), then the kept
    shingle hashes as ``>I``, ascending and all below ``tau``; the first
    ``n_indexed`` are posted.  (Columns, not records: Lua reads each in one call.)
    That is the form a text is *queried* with.  ``stored`` is the compact form
    kept for a canonical (lua_common.parse_stored): ``>I tau, B m``, then for
    each of the ``m`` segments holding samples its length and its number of
    samples (a byte each), then every sample, segment by segment, as the 12 bits
    ``hash * 4096 // tau``, two to 3 bytes (high bits first).  Scaled to its own
    ``tau`` a long text's samples spread over all 4,096 values as a short one's
    do, and keep their order, which the ``tau`` comparison of two samples needs;
    a copy's samples meet them exactly, a stray hash meets one of ~96 about 1
    time in 40, far below the quorum of a matching segment.
    """

    content_hash: str
    token_count: int
    sample: bytes
    stored: bytes = b""


def _segments(lengths: list[int], params: DedupeParams) -> list[int]:
    """Segment id of each paragraph piece: a short piece joins the next one, long ones were split before."""
    ids: list[int] = []
    current, filled = 0, 0
    for length in lengths:
        if filled >= params.min_segment_tokens:
            current, filled = current + 1, 0
        ids.append(current)
        filled += length
    if current > 0 and filled < params.min_segment_tokens // 2:
        ids = [min(i, current - 1) for i in ids]  # a short tail joins the segment before it
    return ids


def _pieces(paragraphs: list[list[str]], params: DedupeParams) -> list[list[str]]:
    out: list[list[str]] = []
    budget = params.max_tokens
    for words in paragraphs:
        if not words:
            continue
        words = words[:budget]
        budget -= len(words)
        step = params.max_segment_tokens
        if len(words) > step:
            parts = -(-len(words) // step)
            step = -(-len(words) // parts)
        out.extend(words[i : i + step] for i in range(0, len(words), step))
        if budget <= 0:
            break
    return out


def _shingle_hashes(words: list[str], size: int) -> tuple[_U64, npt.NDArray[np.bool_]]:
    hashes = np.fromiter(map(_token_hashes.__getitem__, words), dtype=np.uint64, count=len(words))
    stop = (hashes & np.uint64(1)).astype(np.bool_)
    n = len(words) - size + 1
    mixed = np.zeros(n, dtype=np.uint64)
    all_stop = np.ones(n, dtype=np.bool_)
    for k in range(size):
        mixed = mixed * _MULT[k % 3] + hashes[k : k + n]
        all_stop &= stop[k : k + n]
    mixed ^= mixed >> np.uint64(33)
    mixed *= _FMIX[0]
    mixed ^= mixed >> np.uint64(33)
    mixed *= _FMIX[1]
    mixed ^= mixed >> np.uint64(33)
    return mixed >> np.uint64(32), ~all_stop


def _stored(tau: int, kept: _U64, kept_segs: _U64, seg_lengths: bytes) -> bytes:
    """The canonical's compact form of a sample (see Fingerprint)."""
    order = np.argsort(kept_segs, kind="stable")
    segs, counts = np.unique(kept_segs, return_counts=True)
    pairs = zip(segs.tolist(), counts.tolist(), strict=True)
    head = bytes(b for seg, count in pairs for b in (seg_lengths[seg], count))
    return struct.pack(">IB", tau, len(segs)) + head + pack12(scaled(kept[order], tau))


def _sample(words: list[str], segs: _U64, seg_lengths: bytes, params: DedupeParams) -> tuple[bytes, bytes]:
    values, useful = _shingle_hashes(words, params.shingle_size)
    limit = 1 << (32 - params.sample_rate_bits)
    keep = useful & (values < np.uint64(limit))
    kept, first = np.unique(values[keep], return_index=True)
    kept_segs = segs[: len(values)][keep][first]
    tau = limit
    if len(kept) > params.max_samples:
        tau = int(kept[params.max_samples])
        kept, kept_segs = kept[: params.max_samples], kept_segs[: params.max_samples]
    if len(kept) == 0:
        return b"", b""
    index_limit = min(tau, 1 << (32 - params.index_rate_bits))
    n_indexed = min(params.max_postings, int(np.count_nonzero(kept < np.uint64(index_limit))))
    query = b"".join(
        (
            _HEADER.pack(tau, n_indexed, len(seg_lengths)),
            seg_lengths,
            kept_segs.astype(np.uint8).tobytes(),
            kept.astype(">u4").tobytes(),
        )
    )
    return query, _stored(tau, kept, kept_segs, seg_lengths)


def fingerprint(text: str, params: DedupeParams) -> Fingerprint:
    """Exact key and shingle sample of ``text`` (bounded work: at most ``max_tokens`` are shingled)."""
    paragraphs = [tokens(line) for line in normalize(text).split("\n")]
    joined = " ".join(" ".join(words) for words in paragraphs if words)
    digest = hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
    pieces = _pieces(paragraphs, params)
    words = [w for piece in pieces for w in piece]
    if len(words) < max(params.min_near_tokens, params.shingle_size):
        return Fingerprint(digest, len(words), b"")
    lengths = [len(p) for p in pieces]
    seg_of_piece = [min(s, 254) for s in _segments(lengths, params)]  # segment count fits one byte
    seg_lengths = [0] * (seg_of_piece[-1] + 1)
    for seg, length in zip(seg_of_piece, lengths, strict=True):
        seg_lengths[seg] += length
    segs = np.repeat(np.array(seg_of_piece, dtype=np.uint64), lengths)
    packed_lengths = bytes(min(n, 255) for n in seg_lengths)
    query, stored = _sample(words, segs, packed_lengths, params)
    return Fingerprint(digest, len(words), query, stored)


def posted_shingles(sample: bytes) -> list[int]:
    """The hashes of a query-form ``sample`` (see Fingerprint) that are posted to the inverted index."""
    if not sample:
        return []
    _, n_indexed, n_segments = _HEADER.unpack_from(sample)
    n = (len(sample) - _HEADER.size - n_segments) // 5
    return list(struct.unpack_from(f">{n_indexed}I", sample, _HEADER.size + n_segments + n))
