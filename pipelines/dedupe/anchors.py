"""Rewording-proof signature: the sequence of names and numbers a text mentions.

A spinner replaces common words, a rewriter reorders clauses and drops sentences, but the names,
places and figures of a story stay, in the story's order.  An *anchor* is a run of capitalised words
or tokens holding a digit, not counting a sentence's first word (rewording capitalises it at will, and
lists number their lines there); function words end a run.  A feature is a pair of neighbouring
distinct anchors, unordered, so a swapped clause keeps most of them.  Two independent reports of one
event share many anchors but rarely their order, which is what the pairs encode (bench/dedupe_rewritten.py).

The sample keeps every feature whose 32-bit hash falls below a threshold (``max_anchor_samples`` lowest
at most), stored as the top 16 bits, so two samples compare for containment under the smaller threshold.
Each feature also remembers its *region*, the quarter of the text where its pair first stands: a reworded
copy shares pairs all through both texts, a mix of two stories only in the part it took from each
(lua_common.anchor_match checks both).
Layout: ``>H tau16, >H n`` then ``n`` x ``>H``, ascending, then the regions, 2 bits each, 4 to a byte
(feature ``i``, from 0, in byte ``i // 4`` at bit ``2 * (i % 4)``).  That is the form a text is queried with;
a canonical keeps ``stored_anchors`` of it: ``>H tau16``, the number of features in each region (a byte each),
then the features region by region as 12 bits, ``value * 4096 // (tau16 + 1)`` (packing.pack12), so a text's
features stay apart and in order whatever its threshold.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import struct
import unicodedata

import numpy as np

from pipelines.dedupe.packing import pack12, scaled
from pipelines.dedupe.params import DedupeParams
from pipelines.dedupe.stopwords import STOPWORDS

_TOKEN = re.compile(r"[^\W_]+")
# a sentence ends in the gap before a word: one of these, then no word character up to it
_INITIAL_GAP = re.compile(r"[.!?:;\n\"“”«»(\[|•][\W_]*\Z")
_LOOKBACK = 64  # characters searched for that sentence end (longer gaps are layout, not prose)
_HEADER = struct.Struct(">HH")
REGIONS = 4  # regions of a text for the spread of shared anchor pairs (2 bits each in the sample)


def _char_class(chars: list[str]) -> str:
    """A regex character class body for ``chars`` (code points ascending), as ranges."""
    parts: list[str] = []
    start = prev = ord(chars[0])
    for code in [*map(ord, chars[1:]), -1]:
        if code != prev + 1:
            parts.append(re.escape(chr(start)) + ("" if prev == start else "-" + re.escape(chr(prev))))
            start = code
        prev = code
    return "".join(parts)


@functools.cache
def _runs() -> re.Pattern[str]:
    """Runs of anchor-shaped tokens (capitalised, or holding a digit) with no sentence end between them:
    ``anchors`` looks at runs only, the regex skips every other word.  Capitals of the Basic Multilingual
    Plane, collected on first use."""
    upper = _char_class([chr(c) for c in range(0x10000) if chr(c).isupper()])
    token = rf"(?=[{upper}]|[^\W_]*\d)[^\W_]+"
    gap = r"(?:[^\w.!?:;\n\"“”«»(\[|•]|_)+"
    return re.compile(rf"(?<![^\W_]){token}(?:{gap}{token})*")


def anchors(text: str) -> list[str]:
    """Anchor units of ``text`` in order (casefolded; a multi-word name is one unit)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for match in _runs().finditer(text):
        start = match.start()
        words = _TOKEN.findall(match.group())
        # a sentence's first word is no anchor: rewording capitalises at will, and lists number their lines
        if start == 0 or _INITIAL_GAP.search(text, max(0, start - _LOOKBACK), start) is not None:
            words = words[1:]
        run: list[str] = []
        for word in map(str.casefold, words):
            if word in STOPWORDS:  # a capitalised function word ("The") ends a name
                if run:
                    out.append(" ".join(run))
                    run = []
            else:
                run.append(word)
        if run:
            out.append(" ".join(run))
    return out


def _hash(a: str, b: str) -> int:
    first, second = (a, b) if a <= b else (b, a)
    digest = hashlib.blake2b(f"{first}\x00{second}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


def anchor_sample(text: str, params: DedupeParams) -> bytes:
    """The packed sample of anchor-pair features; empty when the text has too few to judge by."""
    units = anchors(text[: params.max_anchor_chars])
    last = max(1, len(units) - 2)  # the last pair's index: its feature lies in the last region
    region: dict[int, int] = {}
    for i, (a, b) in enumerate(itertools.pairwise(units)):
        if a != b:
            region.setdefault(_hash(a, b) >> 16, min(REGIONS - 1, i * REGIONS // last))
    values = sorted(region)
    if len(values) < params.min_anchor_features:
        return b""
    tau = 1 << 16
    if len(values) > params.max_anchor_samples:
        tau = values[params.max_anchor_samples]
        values = values[: params.max_anchor_samples]
    packed = bytearray((len(values) + 3) // 4)
    for i, value in enumerate(values):
        packed[i // 4] |= region[value] << (2 * (i % 4))
    return _HEADER.pack(tau - 1, len(values)) + struct.pack(f">{len(values)}H", *values) + bytes(packed)


def stored_anchors(sample: bytes) -> bytes:
    """The compact form a canonical keeps of an anchor sample (see the module's layout); empty for an empty one."""
    if not sample:
        return b""
    tau, n = _HEADER.unpack_from(sample)
    values = np.frombuffer(sample, dtype=">u2", count=n, offset=_HEADER.size).astype(np.uint64)
    packed = np.frombuffer(sample, dtype=np.uint8, offset=_HEADER.size + 2 * n)
    regions = (packed[np.arange(n) // 4] >> (2 * (np.arange(n) % 4))) & 3
    order = np.argsort(regions, kind="stable")
    counts = np.bincount(regions, minlength=REGIONS)
    return struct.pack(">H", tau) + bytes(counts.tolist()) + pack12(scaled(values[order], tau + 1))


def posted_anchors(sample: bytes, params: DedupeParams) -> list[int]:
    """The features of an anchor ``sample`` posted to the inverted index: those below 2**(16 - post rate bits)."""
    if not sample:
        return []
    _, n = _HEADER.unpack_from(sample)
    limit = 1 << (16 - params.anchor_post_rate_bits)
    return [value for value in struct.unpack_from(f">{n}H", sample, _HEADER.size) if value < limit]
