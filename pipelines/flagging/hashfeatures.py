"""Hashed text features for the shipped linear models: no vocabulary, the same code at training and inference.

A sentence becomes word unigrams, word bigrams and character 3..5-grams of each word (padded ``<word>``), each
hashed with CRC-32 (stable across processes and platforms, unlike ``hash()``) into ``dims`` buckets.  The feature
vector is the bucket counts divided by the square root of the number of n-grams, so a linear model's score is
additive: ``intercept + sum(coef[bucket] for every n-gram) / sqrt(n)``.  That lets inference cache, per word, the
sum of its unigram and character-gram weights; only bigrams are hashed per sentence.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_TOKEN = re.compile(r"\w+")  # after "_" became a space: letters and digits (``\w+`` is faster than [^\W_]+)
_BIGRAM_MIX = 0x9E3779B1  # odd multiplier: the bigram bucket depends on the order of its two words


@dataclass(frozen=True)
class FeatureSpec:
    """How text becomes hashed features; stored inside the model file so a model is never read with another."""

    dims: int = 1 << 18
    char_min: int = 3
    char_max: int = 5

    def __post_init__(self) -> None:
        if self.dims < 2 or self.dims & (self.dims - 1):
            raise ValueError(f"dims must be a power of two, got {self.dims}")
        if not 1 <= self.char_min <= self.char_max:
            raise ValueError(f"bad character n-gram range {self.char_min}..{self.char_max}")

    def as_dict(self) -> dict[str, int]:
        return {"dims": self.dims, "char_min": self.char_min, "char_max": self.char_max}


BREAK = "\n"  # ends each text in a token stream: never part of a token, a link or a handle
_TOKEN_OR_BREAK = re.compile(r"\w+|\n")


def _normalised(text: str) -> str:
    return _MENTION.sub(" xmention ", _URL.sub(" xurl ", text.lower())).replace("_", " ")


def tokens(text: str) -> list[str]:
    """Lower-cased words; links and @handles become placeholders (tweets and forum posts carry many)."""
    return _TOKEN.findall(_normalised(text))


def token_stream(texts: Sequence[str]) -> list[str]:
    """The :func:`tokens` of every text in turn, each text's followed by ``BREAK``: one regex pass for all texts."""
    joined = BREAK.join(t.replace(BREAK, " ") for t in texts) + BREAK
    return _TOKEN_OR_BREAK.findall(_normalised(joined))


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def word_hash(word: str) -> int:
    return _crc("w:" + word)


def word_buckets(word: str, spec: FeatureSpec) -> list[int]:
    """The unigram bucket then the character-gram buckets of one word."""
    mask = spec.dims - 1
    out = [word_hash(word) & mask]
    padded = f"<{word}>"
    for n in range(spec.char_min, spec.char_max + 1):
        for i in range(len(padded) - n + 1):
            out.append(_crc(padded[i : i + n]) & mask)
    return out


def bigram_bucket(left: int, right: int, mask: int) -> int:
    """The bucket of a word pair from its two word hashes (no string is built)."""
    return ((left * _BIGRAM_MIX) ^ right ^ 0xB16) & mask


def bigram_buckets(left: npt.NDArray[np.uint64], right: npt.NDArray[np.uint64], mask: int) -> npt.NDArray[np.int64]:
    """:func:`bigram_bucket` over arrays of word hashes (uint64 products wrap, but only the low bits are kept)."""
    mixed = (left * np.uint64(_BIGRAM_MIX)) ^ right ^ np.uint64(0xB16)
    return (mixed & np.uint64(mask)).astype(np.int64)


def buckets(words: Sequence[str], spec: FeatureSpec) -> list[int]:
    """Every n-gram bucket of one tokenised sentence (with repeats: they are counts)."""
    mask = spec.dims - 1
    out: list[int] = []
    for word in words:
        out.extend(word_buckets(word, spec))
    hashes = [word_hash(w) for w in words]
    out.extend(bigram_bucket(a, b, mask) for a, b in pairwise(hashes))
    return out


def scale(count: int) -> float:
    """The factor every count of a sentence with ``count`` n-grams is multiplied by."""
    return 1.0 / math.sqrt(count) if count else 0.0


def text_digest(text: str) -> int:
    """A fixed hash of a text (held-out splits, fold assignment, sorting): the same on every machine and run."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
