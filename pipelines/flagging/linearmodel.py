"""A hashed-feature logistic regression stored as plain arrays (no pickle), and its scorer.

The model is two files: ``<name>.npz`` (``coef`` float32[dims], ``intercept`` float32[1], ``spec`` int64[3]),
written byte-for-byte reproducibly (fixed zip timestamps, fixed member order), and ``<name>.json``, a card naming
the model's version (``<name>-`` + the first 12 hex digits of the npz's SHA-256), the full digest, and how it was
trained.  Loading checks the digest, so a model file that is not the one its card describes is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipelines.flagging.hashfeatures import BREAK, FeatureSpec, bigram_buckets, token_stream, word_buckets, word_hash

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CACHE_WORDS = 200_000  # per-word partial sums kept; cleared when full (news vocabularies stay far below)


class ModelFileError(ValueError):
    """A model file is missing, malformed, or does not match its card."""


def model_version(name: str, npz: bytes) -> str:
    return f"{name}-{hashlib.sha256(npz).hexdigest()[:12]}"


def npz_bytes(coef: npt.NDArray[np.float32], intercept: float, spec: FeatureSpec) -> bytes:
    """The model's arrays as an ``.npz`` whose bytes depend on nothing but the arrays."""
    arrays: dict[str, npt.NDArray[Any]] = {
        "coef": np.ascontiguousarray(coef, dtype="<f4"),
        "intercept": np.array([intercept], dtype="<f4"),
        "spec": np.array([spec.dims, spec.char_min, spec.char_max], dtype="<i8"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return out.getvalue()


def card(name: str, npz: bytes, spec: FeatureSpec, extra: Mapping[str, object]) -> dict[str, object]:
    """The JSON card stored beside the arrays."""
    return {
        "name": name,
        "version": model_version(name, npz),
        "sha256": hashlib.sha256(npz).hexdigest(),
        "features": spec.as_dict(),
        **extra,
    }


def card_bytes(data: Mapping[str, object]) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


class _WordTable:
    """Per word: the sum of its unigram and character-gram weights, how many n-grams, its word hash.

    Words get row numbers in growing numpy arrays, so a text's words are looked up with one ``map`` and their
    sums gathered with one index.  Row 0 is ``BREAK`` (no weight, no n-grams): the end of a text.
    """

    def __init__(self, weights: npt.NDArray[np.float64], spec: FeatureSpec) -> None:
        self._weights = weights
        self._spec = spec
        self.rows: dict[str, int] = {}
        self.partial = np.zeros(1024, dtype=np.float64)
        self.ngrams = np.zeros(1024, dtype=np.float64)
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.clear()

    def clear(self) -> None:
        self.rows.clear()
        self.rows[BREAK] = 0

    def _add(self, word: str) -> int:
        known = self.rows.get(word)  # a new word seen twice in one stream
        if known is not None:
            return known
        row = len(self.rows)
        if row == len(self.partial):
            self.partial = np.resize(self.partial, 2 * row)
            self.ngrams = np.resize(self.ngrams, 2 * row)
            self.hashes = np.resize(self.hashes, 2 * row)
        found = word_buckets(word, self._spec)
        self.partial[row] = math.fsum(self._weights[found].tolist())
        self.ngrams[row] = len(found)
        self.hashes[row] = word_hash(word)
        self.rows[word] = row
        return row

    def lookup(self, stream: list[str]) -> npt.NDArray[np.int64]:
        """The row of every token (rows are added for new words; the table is emptied when it is full)."""
        if len(self.rows) + len(stream) > _CACHE_WORDS:
            self.clear()
        found = np.fromiter(map(self.rows.get, stream, repeat(-1)), dtype=np.int64, count=len(stream))
        for i in np.flatnonzero(found < 0).tolist():
            found[i] = self._add(stream[i])
        return found


@dataclass
class LinearTextModel:
    """A loaded model.  Mutable on purpose: it memoises per-word partial scores (one model per process)."""

    name: str
    version: str
    spec: FeatureSpec
    coef: npt.NDArray[np.float32]
    intercept: float
    card: Mapping[str, object] = field(default_factory=dict)
    _weights: npt.NDArray[np.float64] = field(init=False, repr=False)
    _table: _WordTable = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.coef.shape != (self.spec.dims,):
            raise ModelFileError(f"coef has shape {self.coef.shape}, the feature spec says {self.spec.dims}")
        self._weights = np.asarray(self.coef, dtype=np.float64)
        self._table = _WordTable(self._weights, self.spec)

    def decisions(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The logit of every text (the intercept alone for a text without words), all texts in one pass.

        One regex pass tokenises every text; per-word sums come from the word table; the bigrams are hashed and
        looked up as one numpy array, and the per-text totals summed with ``bincount``.
        """
        out = np.full(len(texts), self.intercept, dtype=np.float64)
        if not texts:
            return out
        table = self._table
        rows = table.lookup(token_stream(texts))
        ends = rows == 0
        owner = np.cumsum(ends) - ends  # the text each token belongs to
        is_word = ~ends
        word_rows, word_owner = rows[is_word], owner[is_word]
        # A bigram joins two consecutive tokens that are both words (a BREAK separates texts).
        pairs = is_word[:-1] & is_word[1:]
        left, right = rows[:-1][pairs], rows[1:][pairs]
        pair_weights = self._weights[bigram_buckets(table.hashes[left], table.hashes[right], self.spec.dims - 1)]
        n = len(texts)
        pair_owner = owner[:-1][pairs]
        total = np.bincount(word_owner, table.partial[word_rows], n) + np.bincount(pair_owner, pair_weights, n)
        count = np.bincount(word_owner, table.ngrams[word_rows], n) + np.bincount(pair_owner, minlength=n)
        has_words = count > 0
        out[has_words] += total[has_words] / np.sqrt(count[has_words])
        return out

    def decision(self, text: str) -> float:
        """The logit of one text."""
        return float(self.decisions([text])[0])

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        z = self.decisions(texts)
        return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)  # the logistic, without overflow

    def probability(self, text: str) -> float:
        return float(self.probabilities([text])[0])


def load_model(npz_path: Path, card_path: Path) -> LinearTextModel:
    """Load a model and its card; ModelFileError when either is unreadable or they do not match."""
    try:
        raw = npz_path.read_bytes()
        info = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read model {npz_path.name}: {exc}") from exc
    if not isinstance(info, dict) or not isinstance(info.get("name"), str):
        raise ModelFileError(f"{card_path.name}: expected a JSON object with a name")
    name = info["name"]
    if info.get("sha256") != hashlib.sha256(raw).hexdigest() or info.get("version") != model_version(name, raw):
        raise ModelFileError(f"{npz_path.name} does not match its card {card_path.name} (digest or version differs)")
    return model_from_bytes(raw, info)


def model_from_bytes(raw: bytes, info: Mapping[str, object]) -> LinearTextModel:
    """The model in ``.npz`` bytes with its card (training scores its own output before writing it)."""
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            coef = np.asarray(arrays["coef"], dtype=np.float32)
            intercept = float(arrays["intercept"][0])
            dims, char_min, char_max = (int(v) for v in arrays["spec"])
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"{info.get('name')}: not a model file: {exc}") from exc
    spec = FeatureSpec(dims, char_min, char_max)
    return LinearTextModel(str(info["name"]), str(info["version"]), spec, coef, intercept, info)
