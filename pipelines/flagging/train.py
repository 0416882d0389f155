"""Train hashed-feature logistic regressions reproducibly (scikit-learn's liblinear; workers never import this).

``train`` fits one model; ``train_heads`` fits several heads over the same features into one file (the hate
model's general, social-media and register heads) and returns every example's out-of-fold logit under each, from
which ``choose_gate_thresholds`` picks the heads' thresholds together.

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
from pipelines.flagging.detectors.register_gate import RegisterGate
from pipelines.flagging.hashfeatures import FeatureSpec, buckets, scale, text_digest, tokens
from pipelines.flagging.linearmodel import card, logistic, npz_bytes


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
class HeadSpec:
    """One head of a multi-head model: which examples it learns from, what its label and weight are for each.

    ``groups`` limits it to examples of those groups (empty: all); ``positive_groups`` makes the label "is of one
    of these groups" instead of the example's own label (a register head: which kind of text this is);
    ``unweighted`` ignores the examples' weights.
    """

    name: str
    c: float = 4.0
    groups: frozenset[str] = frozenset()
    positive_groups: frozenset[str] = frozenset()
    unweighted: bool = False

    def takes(self, example: Example) -> bool:
        return not self.groups or example.group in self.groups

    def label(self, example: Example) -> bool:
        return example.group in self.positive_groups if self.positive_groups else example.label

    def weight(self, example: Example) -> float:
        return 1.0 if self.unweighted else example.weight

    def describe(self, settings: TrainSettings) -> dict[str, object]:
        return {
            "name": self.name,
            "solver": f"liblinear C={self.c} max_iter={settings.max_iter} seed={settings.seed}",
            "groups": sorted(self.groups) or "all",
            "label": f"group in {sorted(self.positive_groups)}" if self.positive_groups else "example label",
            "weights": "none" if self.unweighted else "example weights",
        }


@dataclass(frozen=True)
class Trained:
    npz: bytes
    card: dict[str, object]
    threshold: float


@dataclass(frozen=True)
class TrainedHeads:
    """A multi-head model's file and card, with every example's out-of-fold logit under every head (for choosing
    thresholds on training data only) in the order of ``rows``."""

    npz: bytes
    card: dict[str, object]
    rows: list[Example]
    out_of_fold: npt.NDArray[np.float64]


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
    x: sparse.csr_matrix, y: npt.NDArray[np.int8], w: npt.NDArray[np.float64], s: TrainSettings, c: float | None = None
) -> LogisticRegression:
    c = s.c if c is None else c
    model = LogisticRegression(solver="liblinear", C=c, max_iter=s.max_iter, random_state=s.seed, tol=1e-6)
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


def choose_rollup(articles: Sequence[tuple[Sequence[float], Sequence[str], int]], base: RollUp) -> tuple[RollUp, float]:
    """``base`` with the lowest ``long_threshold`` (a 0.01 grid from its threshold up) at which some ``strong``
    (the lowest such, from there up to 1.0) flags at most ``MAX_ARTICLE_RATE`` of the articles, each (sentence
    probabilities, sentences, characters), and the rate it flags.  The short-item threshold is left alone: the
    articles are long, and a post is judged on the training texts' own threshold."""
    rate = 1.0
    for low in range(math.ceil(base.threshold * 100), 101):
        cut = low / 100
        hits = [([(p, s) for p, s in zip(probs, texts, strict=True) if p >= cut], n) for probs, texts, n in articles]
        for high in range(low, 101):
            rollup = dataclasses.replace(base, long_threshold=cut, strong=high / 100)
            rate = sum(rollup.fires(found, n) for found, n in hits) / max(1, len(hits))
            if rate <= MAX_ARTICLE_RATE:
                return rollup, rate
    return dataclasses.replace(base, long_threshold=1.0, strong=1.0), rate


def _folds(rows: Sequence[Example], settings: TrainSettings) -> npt.NDArray[np.int64]:
    """Each example's fold: a fixed hash of its text, so a text keeps its fold whatever else is trained beside it."""
    return np.array([text_digest(e.text) % settings.folds for e in rows], dtype=np.int64)


def _group_counts(rows: Sequence[Example]) -> dict[str, dict[str, int]]:
    """Per training group, in name order: how many examples and how many positive (the model card's record)."""
    groups = sorted({e.group for e in rows})
    return {
        g: {"examples": sum(e.group == g for e in rows), "positive": sum(e.label for e in rows if e.group == g)}
        for g in groups
    }


def train(examples: Iterable[Example], name: str, settings: TrainSettings, extra: dict[str, object]) -> Trained:
    """Fit on every example and choose the threshold on out-of-fold predictions."""
    rows = ordered(examples)
    if len({e.label for e in rows}) < 2:
        raise ValueError("need examples of both classes")
    x = matrix([e.text for e in rows], settings.spec)
    y = np.array([int(e.label) for e in rows], dtype=np.int8)
    w = np.array([e.weight for e in rows], dtype=np.float64)
    fold = _folds(rows, settings)
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
    info = card(
        name,
        npz,
        settings.spec,
        {
            "solver": f"liblinear C={settings.c} max_iter={settings.max_iter} seed={settings.seed}",
            "training_examples": _group_counts(rows),
            "dev_threshold": threshold,
            "dev_f1_out_of_fold": {g: round(v, 4) for g, v in dev_f1.items()},
            **extra,
        },
    )
    return Trained(npz, info, threshold)


def train_heads(
    examples: Iterable[Example], name: str, heads: Sequence[HeadSpec], settings: TrainSettings, extra: dict[str, object]
) -> TrainedHeads:
    """Fit every head on its examples and score every example out of fold under every head (an example's fold is
    a fixed hash of its text, the same for all heads; a head never scores an example of a fold it was fitted on).
    """
    rows = ordered(examples)
    x = matrix([e.text for e in rows], settings.spec)
    fold = _folds(rows, settings)
    out_of_fold = np.zeros((len(rows), len(heads)), dtype=np.float64)
    coefs: list[npt.NDArray[np.float32]] = []
    intercepts: list[float] = []
    described: list[dict[str, object]] = []
    for column, head in enumerate(heads):
        takes = np.array([head.takes(e) for e in rows])
        y = np.array([int(head.label(e)) for e in rows], dtype=np.int8)
        w = np.array([head.weight(e) for e in rows], dtype=np.float64)
        if len(set(y[takes])) < 2:
            raise ValueError(f"head {head.name}: need examples of both classes")
        for k in range(settings.folds):
            fit_on = takes & (fold != k)
            if len(set(y[fit_on])) < 2 or not np.any(fold == k):
                continue
            model = _fit(x[fit_on], y[fit_on], w[fit_on], settings, head.c)
            out_of_fold[fold == k, column] = model.decision_function(x[fold == k])
        model = _fit(x[takes], y[takes], w[takes], settings, head.c)
        coefs.append(model.coef_[0].astype(np.float32))
        intercepts.append(float(model.intercept_[0]))
        described.append({**head.describe(settings), "examples": int(takes.sum()), "positive": int(y[takes].sum())})
    npz = npz_bytes(np.stack(coefs), np.array(intercepts), settings.spec)
    info = card(
        name,
        npz,
        settings.spec,
        {"heads": described, "training_examples": _group_counts(rows), **extra},
    )
    return TrainedHeads(npz, info, rows, out_of_fold)


def _counts_by_threshold(
    probabilities: npt.NDArray[np.float64], gold: npt.NDArray[np.bool_], cuts: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """[cuts, 3]: true positives, predicted positives and gold positives at each probability cut."""
    predicted = probabilities[None, :] >= cuts[:, None]
    tp = (predicted & gold[None, :]).sum(axis=1)
    return np.stack([tp, predicted.sum(axis=1), np.full(len(cuts), int(gold.sum()))], axis=1)


def choose_gate_thresholds(
    out_of_fold: npt.NDArray[np.float64], rows: Sequence[Example], gate: RegisterGate
) -> tuple[RegisterGate, dict[str, float]]:
    """The general and social heads' thresholds (a 0.01 grid each, ``gate``'s register threshold kept) that
    maximise the mean out-of-fold F1 of the example groups holding positives, with a group of negatives only (news
    prose) flagged at most ``MAX_NEGATIVE_ONLY_RATE``; the gate with them, and the groups' F1.

    The two thresholds are searched together because each text is judged by exactly one of the two heads (the
    register head decides which), so a group's counts are the sum of its social texts' and its other texts'.
    """
    cuts = np.arange(5, 96) / 100
    gold = np.array([e.label for e in rows])
    social = gate.is_social(out_of_fold)
    p_general = logistic(out_of_fold[:, gate.general])
    p_social = logistic(out_of_fold[:, gate.social])
    groups = [e.group for e in rows]
    names = sorted(set(groups))
    member = {g: np.array([x == g for x in groups]) for g in names}
    scored = [g for g in names if gold[member[g]].any()]
    # [group] -> ([cuts, 3] for its non-social texts by the general head, [cuts, 3] for its social texts)
    counts = {
        g: (
            _counts_by_threshold(p_general[member[g] & ~social], gold[member[g] & ~social], cuts),
            _counts_by_threshold(p_social[member[g] & social], gold[member[g] & social], cuts),
        )
        for g in names
    }
    best = (-1.0, gate, {g: 0.0 for g in scored})
    for i, general_cut in enumerate(cuts):
        for j, social_cut in enumerate(cuts):
            summed = {g: counts[g][0][i] + counts[g][1][j] for g in names}
            if any(
                summed[g][1] > MAX_NEGATIVE_ONLY_RATE * max(1, int(member[g].sum())) for g in names if g not in scored
            ):
                continue
            f1 = {g: 2 * summed[g][0] / (summed[g][1] + summed[g][2]) if summed[g][0] else 0.0 for g in scored}
            mean = sum(f1.values()) / max(1, len(f1))
            if mean > best[0] + 1e-12:
                chosen = dataclasses.replace(
                    gate, general_threshold=float(general_cut), social_threshold=float(social_cut)
                )
                best = (mean, chosen, {g: float(v) for g, v in f1.items()})
    return best[1], best[2]
