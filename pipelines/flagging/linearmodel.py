"""A hashed-feature logistic regression stored as plain arrays (no pickle), and its scorer.

The model is two files: ``<name>.npz`` (``coef`` float32[heads, dims], ``intercept`` float32[heads], ``spec``
int64[3]; a model of one head may store ``coef`` as float32[dims]: several heads share one tokenisation pass),
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


def npz_bytes(coef: npt.NDArray[np.float32], intercept: npt.ArrayLike, spec: FeatureSpec) -> bytes:
    """The model's arrays as an ``.npz`` whose bytes depend on nothing but the arrays."""
    arrays: dict[str, npt.NDArray[Any]] = {
        "coef": np.ascontiguousarray(coef, dtype="<f4"),
        "intercept": np.atleast_1d(np.asarray(intercept, dtype="<f4")),
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
    """Per word: the sum of its unigram and character-gram weights (one column per head), how many n-grams, its
    word hash.

    Words get row numbers in growing numpy arrays, so a text's words are looked up with one ``map`` and their
    sums gathered with one index.  Row 0 is ``BREAK`` (no weight, no n-grams): the end of a text.
    """

    def __init__(self, weights: npt.NDArray[np.float64], spec: FeatureSpec) -> None:
        self._weights = weights
        self._spec = spec
        self.rows: dict[str, int] = {}
        self.partial = np.zeros((1024, weights.shape[1]), dtype=np.float64)
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
            self.partial = np.resize(self.partial, (2 * row, self.partial.shape[1]))
            self.ngrams = np.resize(self.ngrams, 2 * row)
            self.hashes = np.resize(self.hashes, 2 * row)
        found = word_buckets(word, self._spec)
        self.partial[row] = [math.fsum(column) for column in self._weights[found].T.tolist()]
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
    """A loaded model of one or more heads (``coef`` [heads, dims], ``intercept`` [heads]) over the same features.
    Mutable on purpose: it memoises per-word partial scores (one model per process)."""

    name: str
    version: str
    spec: FeatureSpec
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float64]
    card: Mapping[str, object] = field(default_factory=dict)
    _weights: npt.NDArray[np.float64] = field(init=False, repr=False)
    _table: _WordTable = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.coef = self.coef.reshape(1, -1) if self.coef.ndim == 1 else self.coef
        self.intercept = np.atleast_1d(np.asarray(self.intercept, dtype=np.float64))
        heads = self.intercept.shape[0]
        if self.coef.shape != (heads, self.spec.dims):
            raise ModelFileError(
                f"coef has shape {self.coef.shape}, expected {heads} head(s) of the feature spec's {self.spec.dims}"
            )
        self._weights = np.ascontiguousarray(self.coef.T, dtype=np.float64)  # [dims, heads]: one gather per n-gram
        self._table = _WordTable(self._weights, self.spec)

    @property
    def heads(self) -> int:
        return int(self.intercept.shape[0])

    def head_decisions(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """The logit of every text under every head, [texts, heads] (the intercepts alone for a text without
        words), all texts and heads in one pass.

        One regex pass tokenises every text; per-word sums come from the word table; the bigrams are hashed and
        looked up as one numpy array, and the per-text totals summed with ``bincount``.
        """
        out = np.tile(self.intercept, (len(texts), 1))
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
        count = np.bincount(word_owner, table.ngrams[word_rows], n) + np.bincount(pair_owner, minlength=n)
        has_words = count > 0
        norm = np.sqrt(count[has_words])
        word_partial = table.partial[word_rows]
        for head in range(self.heads):
            words = np.bincount(word_owner, word_partial[:, head], n)
            total = words + np.bincount(pair_owner, pair_weights[:, head], n)
            out[has_words, head] += total[has_words] / norm
        return out

    def decisions(self, texts: Sequence[str], head: int = 0) -> npt.NDArray[np.float64]:
        """The logit of every text under one head."""
        return np.ascontiguousarray(self.head_decisions(texts)[:, head])

    def decision(self, text: str, head: int = 0) -> float:
        """The logit of one text."""
        return float(self.decisions([text], head)[0])

    def head_probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return logistic(self.head_decisions(texts))

    def probabilities(self, texts: Sequence[str], head: int = 0) -> npt.NDArray[np.float64]:
        return logistic(self.decisions(texts, head))

    def probability(self, text: str, head: int = 0) -> float:
        return float(self.probabilities([text], head)[0])


def logistic(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * z)), dtype=np.float64)  # the logistic, without overflow


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
            intercept = np.asarray(arrays["intercept"], dtype=np.float64)
            dims, char_min, char_max = (int(v) for v in arrays["spec"])
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"{info.get('name')}: not a model file: {exc}") from exc
    spec = FeatureSpec(dims, char_min, char_max)
    return LinearTextModel(str(info["name"]), str(info["version"]), spec, coef, intercept, info)
