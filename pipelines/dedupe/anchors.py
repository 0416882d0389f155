"""Rewording-proof signature: the sequence of names and numbers a text mentions.

A spinner replaces common words, a rewriter reorders clauses and drops sentences, but the names,
places and figures of a story stay, in the story's order.  An *anchor* is a run of capitalised words
or tokens holding a digit, not counting a sentence's first word (rewording capitalises it at will, and
lists number their lines there); function words end a run.  A feature is a pair of neighbouring
distinct anchors, unordered, so a swapped clause keeps most of them.  Two independent reports of one
event share many anchors but rarely their order, which is what the pairs encode (bench/dedupe_rewritten.py).

The sample keeps every feature whose 32-bit hash falls below a threshold (``max_anchor_samples`` lowest
at most), stored as the top 16 bits, so two samples compare for containment under the smaller threshold.
Layout: ``>H tau16, >H n`` then ``n`` x ``>H``, ascending.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
import unicodedata

from pipelines.dedupe.params import DedupeParams
from pipelines.dedupe.stopwords import STOPWORDS

_TOKEN = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”«»(\[|•]\W*$")
_HEADER = struct.Struct(">HH")


def anchors(text: str) -> list[str]:
    """Anchor units of ``text`` in order (casefolded; a multi-word name is one unit)."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    run: list[str] = []
    end = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        gap = text[end : match.start()]
        initial = end == 0 or _SENTENCE_END.search(gap) is not None
        end = match.end()
        low = token.casefold()
        # a sentence's first word is no anchor: rewording capitalises at will, and lists number their lines
        if not initial and low not in STOPWORDS and (token[0].isupper() or any(c.isdigit() for c in token)):
            run.append(low)
            continue
        if run:
            out.append(" ".join(run))
            run = []
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
    values = sorted({_hash(a, b) >> 16 for a, b in itertools.pairwise(units) if a != b})
    if len(values) < params.min_anchor_features:
        return b""
    tau = 1 << 16
    if len(values) > params.max_anchor_samples:
        tau = values[params.max_anchor_samples]
        values = values[: params.max_anchor_samples]
    return _HEADER.pack(tau - 1, len(values)) + struct.pack(f">{len(values)}H", *values)
