"""The benchmark's shingle metric: per-page precision/recall over 4-word shingles, pages weighted equally."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class PageScore:
    """Normalised true-positive, false-positive and false-negative shingle shares of one page."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when the prediction is empty (the page drops out of mean precision)."""
        if self.tp + self.fp == 0:
            return None
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        if self.tp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fn)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens)


def score_page(truth: str, predicted: str) -> PageScore:
    want, got = shingles(truth), shingles(predicted)
    tp = float(sum((want & got).values()))
    fp = float(sum((got - want).values()))
    fn = float(sum((want - got).values()))
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn)


@dataclass(frozen=True)
class Summary:
    f1: float
    precision: float
    recall: float


def summarise(scores: list[PageScore]) -> Summary:
    precisions = [p for p in (s.precision for s in scores) if p is not None]
    recalls = [r if r is not None else 0.0 for r in (s.recall for s in scores)]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Summary(f1, p, r)


# --- metadata and snippet scores (bench/extract.py's multi-set tables) ---

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
_NAME_SPLIT = re.compile(r"\s*(?:;|&|\||,|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
# Degrees and titles after a name ("Dylan Bailey, MS, RD"): not names of their own.
_CREDENTIALS = frozenset({"phd", "md", "ms", "rd", "mba", "ma", "msc", "bsc", "jr", "sr", "dr", "prof", "rn", "cpa"})
_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:[-.](\d{1,2}))?")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.casefold())).strip()


def snippet_hits(text: str, with_: tuple[str, ...], without: tuple[str, ...]) -> tuple[int, int]:
    """(right, total): "with" snippets present plus "without" snippets absent (whitespace- and case-insensitive)."""
    hay = _SPACE.sub(" ", text).casefold()
    right = sum(_SPACE.sub(" ", s).strip().casefold() in hay for s in with_)
    right += sum(_SPACE.sub(" ", s).strip().casefold() not in hay for s in without)
    return right, len(with_) + len(without)


def name_set(value: object) -> frozenset[str]:
    """A case- and punctuation-insensitive set of author names from a string or list."""
    items = value if isinstance(value, list | tuple) else [value]
    names: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            continue
        for part in _NAME_SPLIT.split(item):
            norm = _norm(part)
            if norm and norm.replace(" ", "") not in _CREDENTIALS:
                names.add(norm)
    return frozenset(names)


def author_right(gold: object, predicted: list[str]) -> bool:
    return name_set(gold) == name_set(predicted)


def title_right(gold: object, predicted: str | None) -> bool:
    return _norm(str(gold or "")) == _norm(predicted or "")


def day(value: object) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` when only a month is known) from a date-like string."""
    match = _DATE.match(str(value or "").strip())
    if not match:
        return None
    year, month, dom = match.groups()
    return f"{year}-{int(month):02d}" + (f"-{int(dom):02d}" if dom else "")


def date_right(gold: object, predicted: str | None) -> bool:
    """Exact day; a gold "no date" is right only when nothing is predicted; a month-only gold needs that month."""
    want, got = day(gold), day(predicted)
    if want is None:
        return got is None
    return got is not None and got[: len(want)] == want
