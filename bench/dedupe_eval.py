"""Decision-level scoring of a dedupe system over a labelled stream (bench/dedupe_stream.py)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Score:
    """Counts for one system over one stream."""

    name: str
    named: int = 0
    true_named: int = 0
    positives: int = 0
    found: int = 0
    positives_by_variant: Counter[str] = field(default_factory=Counter)
    found_by_variant: Counter[str] = field(default_factory=Counter)
    fp_by_variant: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    redis_bytes: int | None = None
    docs: int = 0
    cpu_seconds: float = 0.0  # this process plus the redis-server, over the whole run

    @property
    def precision(self) -> float:
        return self.true_named / self.named if self.named else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def ms_per_doc(self) -> float:
        return 1000.0 * sum(self.seconds) / max(1, len(self.seconds))

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return 1000.0 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    @property
    def cpu_ms_per_doc(self) -> float:
        return 1000.0 * self.cpu_seconds / max(1, self.docs)

    @property
    def bytes_per_doc(self) -> float | None:
        return None if self.redis_bytes is None else self.redis_bytes / max(1, self.docs)


class Judge:
    """Knows every document's story and which stories were already seen."""

    def __init__(self) -> None:
        self.story_of: dict[str, int] = {}
        self.seen: set[int] = set()

    def observe(self, doc_id: str, story: int) -> bool:
        """Register a document; True when an earlier one of its story exists (a positive)."""
        positive = story in self.seen
        self.story_of[doc_id] = story
        self.seen.add(story)
        return positive

    def score(self, score: Score, doc_id: str, variant: str, positive: bool, named: str | None) -> None:
        story = self.story_of[doc_id]
        if positive:
            score.positives += 1
            score.positives_by_variant[variant] += 1
        if named is None:
            return
        score.named += 1
        if self.story_of.get(named) == story:
            score.true_named += 1
            if positive:
                score.found += 1
                score.found_by_variant[variant] += 1
        else:
            score.fp_by_variant[variant] += 1


def table(scores: list[Score]) -> str:
    """The comparison table: one row per system, then per-variant recall."""
    head = (
        f"{'system':<26}{'precision':>10}{'recall':>8}{'ms/doc':>8}{'p50':>7}{'p99':>8}"
        f"{'cpu ms/doc':>11}{'redis B/doc':>12}"
    )
    rows = [head, "-" * len(head)]
    for s in scores:
        mem = "-" if s.bytes_per_doc is None else f"{s.bytes_per_doc:.0f}"
        rows.append(
            f"{s.name:<26}{s.precision:>10.4f}{s.recall:>8.4f}{s.ms_per_doc:>8.3f}"
            f"{s.percentile_ms(0.5):>7.3f}{s.percentile_ms(0.99):>8.3f}{s.cpu_ms_per_doc:>11.3f}{mem:>12}"
        )
    variants = sorted({v for s in scores for v in s.positives_by_variant})
    rows += ["", "recall by variant (positives):"]
    rows.append(f"{'variant':<14}{'n':>6}" + "".join(f"{s.name:>28}" for s in scores))
    for v in variants:
        cells = "".join(f"{s.found_by_variant[v] / max(1, s.positives_by_variant[v]):>28.4f}" for s in scores)
        rows.append(f"{v:<14}{scores[0].positives_by_variant[v]:>6}{cells}")
    rows += ["", "false positives by variant of the document that named a wrong story:"]
    rows += [f"  {s.name:<26}{dict(sorted(s.fp_by_variant.items()))}" for s in scores]
    return "\n".join(rows)


def summary_ms(seconds: list[float]) -> str:
    return f"mean {1000 * statistics.fmean(seconds):.3f} ms" if seconds else "n/a"
