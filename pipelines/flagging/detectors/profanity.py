"""Profanity by the alt-profanity-check model (TF-IDF + calibrated linear SVM), per sentence.

The model is slow to import (~1 s) and costs ~4 ms per call whatever the batch
size, so: it is imported once per process on first use; all candidate
sentences of an item go in one batch; and by default only sentences where a
cheap term-list pre-filter (``prefilter`` word list) hits are scored at all, so
clean articles never reach the model.  Without ``prefilter`` every sentence
(up to ``max_sentences``) is scored.  Evidence: the highest-scoring sentences.
"""

from __future__ import annotations

import importlib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipelines.flagging.detectors.sentences import Sentence, sentences
from pipelines.flagging.findings import Finding, evidence_at
from pipelines.flagging.normalize import folded
from pipelines.flagging.params import Params
from pipelines.flagging.termmatch import TermMatcher, compile_terms
from pipelines.models import FlagInput


@cache
def _model() -> Any:
    # Imported on first use, not at module import: it loads two joblib pickles.
    return importlib.import_module("profanity_check")


def predict(texts: list[str]) -> list[float]:
    """Profanity probability of each text (one batched model call)."""
    if not texts:
        return []
    return [float(p) for p in _model().predict_prob(texts)]


def _candidates(text: str, prefilter: TermMatcher | None) -> list[Sentence]:
    """Sentences worth scoring: all of them, or only those holding a pre-filter hit."""
    if prefilter is None:
        return sentences(text)
    hits = list(prefilter.finditer(folded(text)))
    if not hits:
        return []  # the common case: the sentence splitter never runs
    all_sentences = sentences(text)
    starts = [s.start for s in all_sentences]
    chosen: dict[int, Sentence] = {}
    for hit in hits:
        i = bisect_right(starts, hit.start) - 1
        if i >= 0 and all_sentences[i].end >= hit.end:
            chosen[i] = all_sentences[i]
    return [chosen[i] for i in sorted(chosen)]


@dataclass(frozen=True)
class ProfanityClassifier:
    threshold: float
    top: int
    max_sentences: int
    prefilter: TermMatcher | None
    name: str = "profanity"

    def detect(self, item: FlagInput) -> list[Finding]:
        found: list[tuple[float, str, Sentence]] = []
        for field, text in (("title", item.title), ("text", item.text)):
            chosen = _candidates(text, self.prefilter)[: self.max_sentences]
            for prob, sentence in zip(predict([s.text for s in chosen]), chosen, strict=True):
                if prob >= self.threshold:
                    found.append((prob, field, sentence))
        if not found:
            return []
        found.sort(key=lambda f: -f[0])
        best = found[0][0]
        evidence = tuple(
            evidence_at(
                item.title if field == "title" else item.text,
                s.start,
                s.end,
                f"p={p:.2f}",
                "title" if field == "title" else "text",
            )
            for p, field, s in found[: self.top]
        )
        detail = f"{len(found)} sentence(s) at p>={self.threshold:.2f}, max p={best:.2f}"
        return [Finding(evidence=evidence, weight=best, detail=detail)]


def make(params: Params) -> ProfanityClassifier:
    params.only(["threshold", "top", "max_sentences", "prefilter"])
    prefilter = None
    if params.values.get("prefilter") is not None:
        prefilter = TermMatcher("prefilter", compile_terms(params.wordlist("prefilter")))
    return ProfanityClassifier(
        threshold=params.number("threshold", 0.8),
        top=max(1, params.integer("top", 3)),
        max_sentences=max(1, params.integer("max_sentences", 200)),
        prefilter=prefilter,
    )
