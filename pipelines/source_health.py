"""Per-source health: a jump in empty extractions or blocked responses marks a layout change or a block.

Pure: :func:`assess` compares a source's latest crawl run with the median of
the runs before it.  The storage side gathers :class:`RunFacts` from SQL.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Absolute jumps over the source's own baseline that mark it unhealthy.
EMPTY_JUMP = 0.3
EMPTY_FLOOR = 0.5
BLOCK_JUMP = 0.2
BLOCK_FLOOR = 0.3


@dataclass(frozen=True)
class RunFacts:
    """What one crawl run of a source saw."""

    run_id: str
    status: str
    responses: int
    blocked: int  # 403 and 429 responses
    articles: int
    empty_articles: int

    @property
    def block_rate(self) -> float:
        return self.blocked / self.responses if self.responses else 0.0

    @property
    def empty_rate(self) -> float:
        return self.empty_articles / self.articles if self.articles else 0.0


@dataclass(frozen=True)
class SourceHealth:
    """The verdict for one source, with the numbers behind it."""

    source_id: str
    healthy: bool
    reason: str
    runs: int
    empty_rate: float
    block_rate: float
    baseline_empty_rate: float
    baseline_block_rate: float


def assess(source_id: str, runs: Sequence[RunFacts]) -> SourceHealth:
    """``runs`` newest first."""
    if not runs:
        return SourceHealth(source_id, True, "never crawled", 0, 0.0, 0.0, 0.0, 0.0)
    latest, history = runs[0], runs[1:]
    base_empty = statistics.median([r.empty_rate for r in history]) if history else 0.0
    base_block = statistics.median([r.block_rate for r in history]) if history else 0.0
    reasons = []
    if latest.empty_rate >= EMPTY_FLOOR and latest.empty_rate - base_empty >= EMPTY_JUMP:
        reasons.append(f"empty extraction {latest.empty_rate:.0%} (usually {base_empty:.0%}): layout change?")
    if latest.block_rate >= BLOCK_FLOOR and latest.block_rate - base_block >= BLOCK_JUMP:
        reasons.append(f"403/429 on {latest.block_rate:.0%} of responses (usually {base_block:.0%}): blocked?")
    if latest.responses == 0 and any(r.responses for r in history):
        reasons.append("no responses in the last crawl")
    if latest.status not in ("finished", "running"):
        reasons.append(f"last crawl ended: {latest.status}")
    return SourceHealth(
        source_id=source_id,
        healthy=not reasons,
        reason="; ".join(reasons) or "ok",
        runs=len(runs),
        empty_rate=latest.empty_rate,
        block_rate=latest.block_rate,
        baseline_empty_rate=base_empty,
        baseline_block_rate=base_block,
    )
