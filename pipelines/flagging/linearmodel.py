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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipelines.flagging.hashfeatures import FeatureSpec, bigram_bucket, scale, tokens, word_buckets, word_hash

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


@dataclass
class LinearTextModel:
    """A loaded model.  Mutable on purpose: it memoises per-word partial scores (one model per process)."""

    name: str
    version: str
    spec: FeatureSpec
    coef: npt.NDArray[np.float32]
    intercept: float
    card: Mapping[str, object] = field(default_factory=dict)
    _weights: memoryview[float] = field(init=False, repr=False)
    _words: dict[str, tuple[float, int, int]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.coef.shape != (self.spec.dims,):
            raise ModelFileError(f"coef has shape {self.coef.shape}, the feature spec says {self.spec.dims}")
        # Indexing a memoryview yields Python floats at C speed, without an 8 MB list of float objects.
        self._weights = np.ascontiguousarray(self.coef, dtype=np.float32).data.cast("B").cast("f")

    def _word(self, word: str) -> tuple[float, int, int]:
        known = self._words.get(word)
        if known is None:
            found = word_buckets(word, self.spec)
            weights = self._weights
            known = (math.fsum(weights[b] for b in found), len(found), word_hash(word))
            if len(self._words) >= _CACHE_WORDS:
                self._words.clear()
            self._words[word] = known
        return known

    def decision(self, text: str) -> float:
        """The logit of ``text`` (the intercept alone for a text without words)."""
        words = tokens(text)
        if not words:
            return self.intercept
        total = 0.0
        count = 0
        previous = -1
        mask = self.spec.dims - 1
        weights = self._weights
        for word in words:
            partial, n, hashed = self._word(word)
            total += partial
            count += n
            if previous >= 0:
                total += weights[bigram_bucket(previous, hashed, mask)]
                count += 1
            previous = hashed
        return self.intercept + total * scale(count)

    def probability(self, text: str) -> float:
        z = self.decision(text)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


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
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
            coef = np.asarray(arrays["coef"], dtype=np.float32)
            intercept = float(arrays["intercept"][0])
            dims, char_min, char_max = (int(v) for v in arrays["spec"])
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"{npz_path.name}: not a model file: {exc}") from exc
    spec = FeatureSpec(dims, char_min, char_max)
    return LinearTextModel(name, str(info["version"]), spec, coef, intercept, info)
