"""Hate speech by a learned model, sentence by sentence, rolled up to the article.

The model (hashed word/character n-gram logistic regressions, one per head, see
:mod:`pipelines.flagging.linearmodel`) ships in ``pipelines/flagging/models/`` and is rebuilt by
``python -m bench.train_hate``.  A short item (title and text together at most ``short_chars``: a post, a comment)
is one utterance, so each of its fields is scored whole; a longer article is scored sentence by sentence.  Each
score is calibrated by :class:`~pipelines.flagging.detectors.register_gate.RegisterGate` (the social-media head's
threshold for text written like a post, the general head's otherwise; 0.5 = at that threshold).  The article's
finding carries the highest-scoring spans at or above 0.5 as evidence, the best calibrated probability as its
weight, and the model's version in its detail, so each stored flag says which model raised it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pipelines.flagging.detectors.register_gate import CALIBRATED_CUT, RegisterGate, head_columns
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
    """When (calibrated) span scores make an article finding.

    A short item (a post, a comment: title and text together at most ``short_chars``) is one utterance, so one
    span at ``threshold`` is enough.  A longer article quotes, reports and argues, and carries fragments (a
    table cell, "White?"): there a sentence counts at ``long_threshold`` (never below ``threshold``) if it has at
    least ``min_words`` words, and it takes ``min_sentences`` of them or one at ``strong`` (both chosen by
    ``bench.train_hate`` on news articles left out of training).
    """

    threshold: float
    strong: float = 1.0
    min_sentences: int = 1
    short_chars: int = 400
    min_words: int = 1
    long_threshold: float = 0.0

    def is_short(self, chars: int) -> bool:
        return chars <= self.short_chars

    def cut(self, chars: int) -> float:
        """The probability at which a span of an item of ``chars`` is a hit."""
        return self.threshold if self.is_short(chars) else max(self.threshold, self.long_threshold)

    def fires(self, hits: Sequence[tuple[float, str]], chars: int) -> bool:
        """Whether the (probability, sentence) pairs at :meth:`cut` of an item of ``chars`` make a finding."""
        if self.is_short(chars):
            return bool(hits)
        counted = [p for p, sentence in hits if len(sentence.split()) >= self.min_words]
        return bool(counted) and (len(counted) >= self.min_sentences or max(counted) >= self.strong)


def whole(text: str) -> list[Sentence]:
    """The text as one span (surrounding blanks left out), or none for a blank text."""
    stripped = text.strip()
    if not stripped:
        return []
    start = len(text) - len(text.lstrip())
    return [Sentence(start, start + len(stripped), stripped)]


@dataclass(frozen=True)
class HateModelDetector:
    model: LinearTextModel
    gate: RegisterGate
    rollup: RollUp
    top: int
    max_sentences: int
    name: str = "hate_model"

    @property
    def threshold(self) -> float:
        return self.rollup.threshold

    def scores(self, texts: list[str]) -> list[float]:
        """The calibrated probability of each text (0.5 = at the applicable head's threshold)."""
        return [float(p) for p in self.gate.calibrated(self.model.head_decisions(texts))]

    def sentence_probabilities(
        self, title: str, text: str
    ) -> tuple[list[tuple[int, FieldName, Sentence]], list[float]]:
        """The spans of title then text, as (field order, field, span), and their calibrated probabilities: each
        field whole in a short item, else its first ``max_sentences`` sentences."""
        fields: tuple[tuple[FieldName, str], ...] = (("title", title), ("text", text))
        split = whole if self.rollup.is_short(len(title) + len(text)) else sentences
        spans = [(order, field, s) for order, (field, body) in enumerate(fields) for s in split(body)]
        spans = spans[: self.max_sentences]
        return spans, self.scores([s.text for _, _, s in spans])

    def detect(self, item: FlagInput) -> list[Finding]:
        spans, probabilities = self.sentence_probabilities(item.title, item.text)
        chars = len(item.title) + len(item.text)
        cut = self.rollup.cut(chars)
        found = [
            (p, order, field, sentence)
            for p, (order, field, sentence) in zip(probabilities, spans, strict=True)
            if p >= cut
        ]
        if not self.rollup.fires([(p, s.text) for p, _, _, s in found], chars):
            return []
        found.sort(key=lambda f: (-f[0], f[1], f[3].start))
        best = found[0][0]
        evidence = tuple(
            evidence_at(item.title if field == "title" else item.text, s.start, s.end, f"p={p:.2f}", field)
            for p, _, field, s in found[: self.top]
        )
        detail = f"model {self.model.version}: {len(found)} sentence(s) at calibrated p>={cut:.2f}, max p={best:.2f}"
        return [Finding(evidence=evidence, weight=best, detail=detail)]


def _model_path(params: Params) -> Path:
    value = params.string("model", BUNDLED)
    if "/" not in value and not value.endswith(".npz"):
        return bundled_path(value)
    path = Path(value)
    if not path.is_absolute() and params.local_dir is not None:
        path = params.local_dir / path
    return path


THRESHOLDS = ("general_threshold", "social_threshold", "register_threshold")
ROLLUP = ("long_threshold", "strong", "min_sentences", "short_chars", "min_words")
PARAMS = ("model", *THRESHOLDS, *ROLLUP, "top", "max_sentences")


def _gate(params: Params, model: LinearTextModel) -> RegisterGate:
    heads = model.card.get("heads")
    try:
        columns = head_columns(heads if isinstance(heads, list) else [])
    except KeyError as exc:
        raise ParamError("model", str(exc.args[0])) from exc
    values = {name: params.number(name, 0.5) for name in THRESHOLDS}
    for name, value in values.items():
        if not 0.0 < value < 1.0:
            raise ParamError(name, f"expected a probability strictly between 0 and 1, got {value}")
    return RegisterGate(general=columns["general"], social=columns["social"], register=columns["register"], **values)


def make(params: Params) -> HateModelDetector:
    params.only(PARAMS)
    strong = params.number("strong", 1.0)
    long_threshold = params.number("long_threshold", CALIBRATED_CUT)
    if not 0.0 < long_threshold <= 1.0:
        raise ParamError("long_threshold", f"expected a calibrated probability in (0, 1], got {long_threshold}")
    if not 0.0 < strong <= 1.0:  # below the cut it is the cut: one sentence suffices
        raise ParamError("strong", f"expected a calibrated probability above 0 and at most 1, got {strong}")
    try:
        model = model_at(_model_path(params))
    except ModelFileError as exc:
        raise ParamError("model", str(exc)) from exc
    return HateModelDetector(
        model=model,
        gate=_gate(params, model),
        rollup=RollUp(
            threshold=CALIBRATED_CUT,
            strong=strong,
            min_sentences=max(1, params.integer("min_sentences", 1)),
            short_chars=params.integer("short_chars", 400),
            min_words=params.integer("min_words", 1),
            long_threshold=long_threshold,
        ),
        top=max(1, params.integer("top", 3)),
        max_sentences=max(1, params.integer("max_sentences", MAX_SENTENCES)),
    )
