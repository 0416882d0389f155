"""Hate speech by a learned model, sentence by sentence, rolled up to the article.

The model (a hashed word/character n-gram logistic regression, see :mod:`pipelines.flagging.linearmodel`) ships
in ``pipelines/flagging/models/`` and is rebuilt by ``python -m bench.train_hate``.  Every sentence of the title
and text is scored; the article's finding carries the highest-scoring sentences at or above ``threshold`` as
evidence, the best probability as its weight, and the model's version in its detail, so each stored flag says
which model raised it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pipelines.flagging.detectors.sentences import Sentence, sentences
from pipelines.flagging.findings import FieldName, Finding, evidence_at
from pipelines.flagging.linearmodel import LinearTextModel, ModelFileError, load_model
from pipelines.flagging.params import ParamError, Params
from pipelines.models import FlagInput

BUNDLED = "hate"
MAX_SENTENCES = 400  # sentences scored per item (title first)


def bundled_path(name: str) -> Path:
    """The ``.npz`` of a model shipped in the package (its card is the ``.json`` beside it)."""
    return Path(str(resources.files("pipelines.flagging.models") / f"{name}.npz"))


@cache
def model_at(npz_path: Path) -> LinearTextModel:
    """Load once per process (the prefork parent loads it in warm-up; children share it)."""
    return load_model(npz_path, npz_path.with_suffix(".json"))


@dataclass(frozen=True)
class RollUp:
    """When sentence scores make an article finding.

    A short item (a post, a comment: title and text together at most ``short_chars``) is one utterance, so one
    sentence at ``threshold`` is enough.  A longer article quotes, reports and argues, and carries fragments (a
    table cell, "White?"): there only sentences of at least ``min_words`` words count, and it takes
    ``min_sentences`` of them at ``threshold`` or one at ``strong`` (chosen by ``bench.train_hate`` on news
    articles left out of training).
    """

    threshold: float
    strong: float = 1.0
    min_sentences: int = 1
    short_chars: int = 400
    min_words: int = 1

    def fires(self, hits: Sequence[tuple[float, str]], chars: int) -> bool:
        """Whether the (probability, sentence) pairs at ``threshold`` of an item of ``chars`` make a finding."""
        if chars <= self.short_chars:
            return bool(hits)
        counted = [p for p, sentence in hits if len(sentence.split()) >= self.min_words]
        return bool(counted) and (len(counted) >= self.min_sentences or max(counted) >= self.strong)


@dataclass(frozen=True)
class HateModelDetector:
    model: LinearTextModel
    rollup: RollUp
    top: int
    max_sentences: int
    name: str = "hate_model"

    @property
    def threshold(self) -> float:
        return self.rollup.threshold

    def sentence_probabilities(
        self, title: str, text: str
    ) -> tuple[list[tuple[int, FieldName, Sentence]], list[float]]:
        """The first ``max_sentences`` sentences of title then text, as (field order, field, sentence), and their
        probabilities."""
        fields: tuple[tuple[FieldName, str], ...] = (("title", title), ("text", text))
        spans = [(order, field, s) for order, (field, body) in enumerate(fields) for s in sentences(body)]
        spans = spans[: self.max_sentences]
        return spans, self.model.probabilities([s.text for _, _, s in spans]).tolist()

    def detect(self, item: FlagInput) -> list[Finding]:
        spans, probabilities = self.sentence_probabilities(item.title, item.text)
        found = [
            (p, order, field, sentence)
            for p, (order, field, sentence) in zip(probabilities, spans, strict=True)
            if p >= self.threshold
        ]
        if not self.rollup.fires([(p, s.text) for p, _, _, s in found], len(item.title) + len(item.text)):
            return []
        found.sort(key=lambda f: (-f[0], f[1], f[3].start))
        best = found[0][0]
        evidence = tuple(
            evidence_at(item.title if field == "title" else item.text, s.start, s.end, f"p={p:.2f}", field)
            for p, _, field, s in found[: self.top]
        )
        detail = f"model {self.model.version}: {len(found)} sentence(s) at p>={self.threshold:.2f}, max p={best:.2f}"
        return [Finding(evidence=evidence, weight=best, detail=detail)]


def _model_path(params: Params) -> Path:
    value = params.string("model", BUNDLED)
    if "/" not in value and not value.endswith(".npz"):
        return bundled_path(value)
    path = Path(value)
    if not path.is_absolute() and params.local_dir is not None:
        path = params.local_dir / path
    return path


def make(params: Params) -> HateModelDetector:
    params.only(["model", "threshold", "strong", "min_sentences", "short_chars", "min_words", "top", "max_sentences"])
    threshold = params.number("threshold", 0.5)
    strong = params.number("strong", 1.0)
    if not 0.0 < threshold < 1.0:
        raise ParamError("threshold", f"expected a probability strictly between 0 and 1, got {threshold}")
    if not 0.0 < strong <= 1.0:  # below the threshold it is the threshold: one sentence suffices
        raise ParamError("strong", f"expected a probability above 0 and at most 1, got {strong}")
    try:
        model = model_at(_model_path(params))
    except ModelFileError as exc:
        raise ParamError("model", str(exc)) from exc
    return HateModelDetector(
        model=model,
        rollup=RollUp(
            threshold=threshold,
            strong=strong,
            min_sentences=max(1, params.integer("min_sentences", 1)),
            short_chars=params.integer("short_chars", 400),
            min_words=params.integer("min_words", 1),
        ),
        top=max(1, params.integer("top", 3)),
        max_sentences=max(1, params.integer("max_sentences", MAX_SENTENCES)),
    )
