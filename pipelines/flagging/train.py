"""Train a hashed-feature logistic regression reproducibly (scikit-learn's liblinear; workers never import this).

Bit-for-bit reproducible: examples are sorted by a digest of their text before anything else, folds are a fixed
hash of the text, liblinear runs single-threaded with a fixed seed, and the arrays are written by
:func:`~pipelines.flagging.linearmodel.npz_bytes`.  The decision threshold is chosen on out-of-fold predictions
over the training data (never on a test split): the one that maximises the mean F1 over the example groups
(e.g. tweets and forum sentences), so neither source's base rate decides it alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from pipelines.flagging.detectors.hate_model import RollUp
from pipelines.flagging.hashfeatures import FeatureSpec, buckets, scale, text_digest, tokens
from pipelines.flagging.linearmodel import card, npz_bytes


@dataclass(frozen=True)
class Example:
    """One labelled text; ``group`` names its source (thresholds balance groups), ``weight`` its sample weight."""

    text: str
    label: bool
    group: str
    weight: float = 1.0


@dataclass(frozen=True)
class TrainSettings:
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    c: float = 4.0
    folds: int = 5
    seed: int = 20261202
    max_iter: int = 200


@dataclass(frozen=True)
class Trained:
    npz: bytes
    card: dict[str, object]
    threshold: float


def ordered(examples: Iterable[Example]) -> list[Example]:
    """Examples in an order that does not depend on how they were read."""
    return sorted(examples, key=lambda e: (text_digest(e.text), e.text, e.label, e.group, e.weight))


def matrix(texts: Sequence[str], spec: FeatureSpec) -> sparse.csr_matrix:
    """The feature matrix of ``texts`` (rows scaled as in :mod:`~pipelines.flagging.hashfeatures`)."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for text in texts:
        found = buckets(tokens(text), spec)
        indices.extend(found)
        data.extend([scale(len(found))] * len(found))
        indptr.append(len(indices))
    out = sparse.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(texts), spec.dims),
    )
    out.sum_duplicates()
    return out


def _fit(
    x: sparse.csr_matrix, y: npt.NDArray[np.int8], w: npt.NDArray[np.float64], s: TrainSettings
) -> LogisticRegression:
    model = LogisticRegression(solver="liblinear", C=s.c, max_iter=s.max_iter, random_state=s.seed, tol=1e-6)
    model.fit(x, y, sample_weight=w)
    return model


def _f1(gold: npt.NDArray[np.bool_], predicted: npt.NDArray[np.bool_]) -> float:
    tp = int(np.sum(gold & predicted))
    fp = int(np.sum(~gold & predicted))
    fn = int(np.sum(gold & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


MAX_NEGATIVE_ONLY_RATE = 0.01  # a group of negatives only (news prose) may be flagged at most this often


def choose_threshold(
    probabilities: npt.NDArray[np.float64], gold: npt.NDArray[np.bool_], groups: Sequence[str]
) -> tuple[float, dict[str, float]]:
    """The probability threshold (a 0.01 grid) maximising the mean F1 of the groups that hold positives, and those
    F1s; a group of negatives only has no F1, so it bounds the threshold instead (``MAX_NEGATIVE_ONLY_RATE``)."""
    names = sorted(set(groups))
    member = {g: np.array([x == g for x in groups]) for g in names}
    scored = [g for g in names if gold[member[g]].any()] or names
    negative_only = [g for g in names if g not in scored]
    best = (-1.0, 0.5, {g: 0.0 for g in scored})
    for step in range(5, 96):
        threshold = step / 100
        predicted = probabilities >= threshold
        if any(float(np.mean(predicted[member[g]])) > MAX_NEGATIVE_ONLY_RATE for g in negative_only):
            continue
        scores = {g: _f1(gold[member[g]], predicted[member[g]]) for g in scored}
        mean = sum(scores.values()) / len(scores)
        if mean > best[0] + 1e-12:
            best = (mean, threshold, scores)
    return best[1], best[2]


MAX_ARTICLE_RATE = 0.02  # news articles left out of training that the roll-up may flag at most


def choose_strong(articles: Sequence[tuple[Sequence[float], Sequence[str], int]], base: RollUp) -> tuple[float, float]:
    """The lowest ``strong`` probability (a 0.01 grid from the threshold up) at which ``base`` with that ``strong``
    flags at most ``MAX_ARTICLE_RATE`` of the articles, each (sentence probabilities, sentences, characters), and
    the rate it flags; 1.0 when none is low enough."""
    hits = [
        ([(p, s) for p, s in zip(probs, texts, strict=True) if p >= base.threshold], n) for probs, texts, n in articles
    ]
    rate = 1.0
    for step in range(math.ceil(base.threshold * 100), 101):
        rollup = dataclasses.replace(base, strong=step / 100)
        rate = sum(rollup.fires(found, n) for found, n in hits) / max(1, len(hits))
        if rate <= MAX_ARTICLE_RATE:
            return step / 100, rate
    return 1.0, rate


def train(examples: Iterable[Example], name: str, settings: TrainSettings, extra: dict[str, object]) -> Trained:
    """Fit on every example and choose the threshold on out-of-fold predictions."""
    rows = ordered(examples)
    if len({e.label for e in rows}) < 2:
        raise ValueError("need examples of both classes")
    x = matrix([e.text for e in rows], settings.spec)
    y = np.array([int(e.label) for e in rows], dtype=np.int8)
    w = np.array([e.weight for e in rows], dtype=np.float64)
    fold = np.array([text_digest(e.text) % settings.folds for e in rows])
    out_of_fold = np.zeros(len(rows), dtype=np.float64)
    for k in range(settings.folds):
        held = fold == k
        if held.all() or not held.any() or len(set(y[~held])) < 2:
            continue
        out_of_fold[held] = _fit(x[~held], y[~held], w[~held], settings).predict_proba(x[held])[:, 1]
    groups = [e.group for e in rows]
    threshold, dev_f1 = choose_threshold(out_of_fold, y.astype(bool), groups)
    model = _fit(x, y, w, settings)
    npz = npz_bytes(model.coef_[0].astype(np.float32), float(model.intercept_[0]), settings.spec)
    counts = {
        g: {"examples": groups.count(g), "positive": sum(e.label for e in rows if e.group == g)} for g in set(groups)
    }
    info = card(
        name,
        npz,
        settings.spec,
        {
            "solver": f"liblinear C={settings.c} max_iter={settings.max_iter} seed={settings.seed}",
            "training_examples": {g: counts[g] for g in sorted(counts)},
            "dev_threshold": threshold,
            "dev_f1_out_of_fold": {g: round(v, 4) for g, v in dev_f1.items()},
            **extra,
        },
    )
    return Trained(npz, info, threshold)
