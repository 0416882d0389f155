"""Extraction-quality checks: empty, too short, or a title that is not about the body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from pipelines.flagging.findings import Finding, evidence_at
from pipelines.flagging.normalize import fold, folded
from pipelines.flagging.params import Params
from pipelines.models import FlagInput

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ExtractionFailed:
    """Fires when extraction gave up (a reason is set) or left no text."""

    name: str = "extraction_failed"

    def detect(self, item: FlagInput) -> list[Finding]:
        if item.extraction_empty_reason:
            return [Finding(detail=f"extraction: {item.extraction_empty_reason}")]
        if not item.text.strip():
            return [Finding(detail="extraction: empty text")]
        return []


@dataclass(frozen=True)
class TooShort:
    """Fires on a non-empty body under ``min_words`` words (empty bodies are extraction_failed)."""

    min_words: int
    name: str = "too_short"

    def detect(self, item: FlagInput) -> list[Finding]:
        if not item.text.strip() or item.extraction_empty_reason:
            return []
        # Stop counting at min_words: long bodies cost almost nothing.
        count = sum(1 for _ in islice(_WORD.finditer(item.text), self.min_words))
        if count >= self.min_words:
            return []
        start = len(item.text) - len(item.text.lstrip())
        end = len(item.text.rstrip())
        evidence = (evidence_at(item.text, start, end, f"{count} words"),)
        return [Finding(evidence=evidence, detail=f"{count} words < {self.min_words}")]


def _stems(text: str, prefix: int, stopwords: frozenset[str]) -> set[str]:
    """Content-word prefixes: a crude stemmer that works across languages ("minister" ~ "ministers")."""
    return {w[:prefix] for w in _WORD.findall(fold(text)) if len(w) >= 3 and w not in stopwords}


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _word_starting(text: str, stem: str, whole: bool) -> bool:
    """Does a word of ``text`` start with ``stem`` (or, ``whole``, equal it)?  ``str.find``, no regex."""
    pos = text.find(stem)
    while pos >= 0:
        end = pos + len(stem)
        if (pos == 0 or not _is_word(text[pos - 1])) and (not whole or end == len(text) or not _is_word(text[end])):
            return True
        pos = text.find(stem, pos + 1)
    return False


@dataclass(frozen=True)
class TitleBodyMismatch:
    """Fires when almost none of the title's content words occur in the body's opening."""

    min_title_words: int
    max_overlap: float
    prefix: int
    body_chars: int
    stopwords: frozenset[str]
    name: str = "title_body_mismatch"

    def detect(self, item: FlagInput) -> list[Finding]:
        title_stems = _stems(item.title, self.prefix, self.stopwords)
        if len(title_stems) < self.min_title_words or not item.text.strip():
            return []
        body = folded(item.text).text[: self.body_chars]  # shared with the other rules (cached)
        seen = sum(1 for stem in title_stems if _word_starting(body, stem, whole=len(stem) < self.prefix))
        overlap = seen / len(title_stems)
        if overlap > self.max_overlap:
            return []
        evidence = (evidence_at(item.title, 0, len(item.title), "title", "title"),)
        return [Finding(evidence=evidence, detail=f"title/body word overlap {overlap:.2f}")]


def make_extraction_failed(params: Params) -> ExtractionFailed:
    params.only([])
    return ExtractionFailed()


def make_too_short(params: Params) -> TooShort:
    params.only(["min_words"])
    return TooShort(min_words=params.integer("min_words", 80))


def make_title_body_mismatch(params: Params) -> TitleBodyMismatch:
    params.only(["min_title_words", "max_overlap", "prefix", "body_chars", "stopwords"])
    words = params.wordlist("stopwords") if "stopwords" in params.values else ()
    stopwords = frozenset(fold(w) for w in words)
    return TitleBodyMismatch(
        min_title_words=params.integer("min_title_words", 3),
        max_overlap=params.number("max_overlap", 0.0),
        prefix=max(1, params.integer("prefix", 5)),
        body_chars=max(1, params.integer("body_chars", 20_000)),
        stopwords=stopwords,
    )
