"""Hate speech by a learned model, sentence by sentence, rolled up to the article.

The model (a hashed word/character n-gram logistic regression, see :mod:`pipelines.flagging.linearmodel`) ships
in ``pipelines/flagging/models/`` and is rebuilt by ``python -m bench.train_hate``.  Every sentence of the title
and text is scored; the article's finding carries the highest-scoring sentences at or above ``threshold`` as
evidence, the best probability as its weight, and the model's version in its detail, so each stored flag says
which model raised it.
"""

from __future__ import annotations

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


def bundled_path(name: str) -> Path:
    """The ``.npz`` of a model shipped in the package (its card is the ``.json`` beside it)."""
    return Path(str(resources.files("pipelines.flagging.models") / f"{name}.npz"))


@cache
def model_at(npz_path: Path) -> LinearTextModel:
    """Load once per process (the prefork parent loads it in warm-up; children share it)."""
    return load_model(npz_path, npz_path.with_suffix(".json"))


@dataclass(frozen=True)
class HateModelDetector:
    model: LinearTextModel
    threshold: float
    top: int
    max_sentences: int
    name: str = "hate_model"

    def scored(self, text: str) -> list[tuple[float, Sentence]]:
        """(probability, sentence) for the first ``max_sentences`` sentences of ``text``."""
        spans = sentences(text)[: self.max_sentences]
        return list(zip(self.model.probabilities([s.text for s in spans]).tolist(), spans, strict=True))

    def detect(self, item: FlagInput) -> list[Finding]:
        fields: tuple[tuple[FieldName, str], ...] = (("title", item.title), ("text", item.text))
        spans = [(order, field, s) for order, (field, text) in enumerate(fields) for s in sentences(text)]
        spans = spans[: self.max_sentences]
        probabilities = self.model.probabilities([s.text for _, _, s in spans]).tolist()
        found = [
            (p, order, field, sentence)
            for p, (order, field, sentence) in zip(probabilities, spans, strict=True)
            if p >= self.threshold
        ]
        if not found:
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
    params.only(["model", "threshold", "top", "max_sentences"])
    threshold = params.number("threshold", 0.5)
    if not 0.0 < threshold < 1.0:
        raise ParamError("threshold", f"expected a probability strictly between 0 and 1, got {threshold}")
    try:
        model = model_at(_model_path(params))
    except ModelFileError as exc:
        raise ParamError("model", str(exc)) from exc
    return HateModelDetector(
        model=model,
        threshold=threshold,
        top=max(1, params.integer("top", 3)),
        max_sentences=max(1, params.integer("max_sentences", 400)),
    )
