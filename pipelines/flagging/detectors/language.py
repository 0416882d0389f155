"""Language of the text versus the language the source is declared to publish in (py3langid).

The model ships inside the py3langid wheel; nothing is downloaded.  It is
loaded once per process, on first use.  Only a sample of the text is
classified (the opening ``sample_chars``): enough for a confident call and it
keeps the check under a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipelines.flagging.findings import Finding, evidence_at
from pipelines.flagging.params import ParamError, Params
from pipelines.models import FlagInput

_CODE = re.compile(r"^[a-z]{2,3}")


@cache
def identifier() -> Any:
    """The process-wide py3langid identifier with normalised probabilities."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def base_language(code: str) -> str:
    """``en-US`` / ``pt_BR`` / ``EN`` -> ``en``."""
    match = _CODE.match(code.strip().lower())
    return match.group() if match else ""


@dataclass(frozen=True)
class LanguageMismatch:
    min_chars: int
    sample_chars: int
    max_declared: float  # fire only when the declared language gets at most this probability
    equivalent: Mapping[str, str]  # language -> canonical member of its group
    name: str = "language_mismatch"

    def _canon(self, code: str) -> str:
        return self.equivalent.get(code, code)

    def detect(self, item: FlagInput) -> list[Finding]:
        declared = base_language(item.source_language or "")
        text = item.text.strip()
        if not declared or len(text) < self.min_chars:
            return []
        start = len(item.text) - len(item.text.lstrip())
        sample = item.text[start : start + self.sample_chars]
        ranked: list[tuple[str, float]] = identifier().rank(sample)
        detected, confidence = ranked[0]
        # "Confidently not the declared language" rather than "confidently X":
        # close relatives (ru/bg/mk, ar/ary) split the mass of a clear mismatch.
        target = self._canon(declared)
        declared_p = sum(p for lang, p in ranked if self._canon(lang) == target)
        if declared_p > self.max_declared or self._canon(detected) == target:
            return []
        evidence = (evidence_at(item.text, start, start + len(sample), f"detected {detected}"),)
        detail = f"source declares {declared} (p={declared_p:.3f}), text looks {detected} (p={confidence:.2f})"
        return [Finding(evidence=evidence, weight=1.0, detail=detail)]


def make(params: Params) -> LanguageMismatch:
    params.only(["min_chars", "sample_chars", "max_declared_probability", "equivalent"])
    groups = params.values.get("equivalent", [])
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and all(isinstance(c, str) for c in g) for g in groups
    ):
        raise ParamError("equivalent", "expected a list of lists of language codes")
    equivalent = {code: group[0] for group in groups for code in group}
    return LanguageMismatch(
        min_chars=params.integer("min_chars", 200),
        sample_chars=max(50, params.integer("sample_chars", 600)),
        max_declared=params.number("max_declared_probability", 0.05),
        equivalent=equivalent,
    )
