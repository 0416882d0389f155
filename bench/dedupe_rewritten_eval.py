"""Scoring of the rewritten-copy stream (bench/dedupe_rewritten.py): per part, per profile, per system.

A document is a positive when an earlier document of its story exists (a reworded copy after its
original); originals and follow-ups are negatives.  A decision is a document naming an earlier one;
it is right when the named document is of the same story.  Precision is over decisions, recall over
positives, both per part (tuning / held-out domains) and per rewording profile.
"""

from __future__ import annotations

import difflib
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.dedupe_reword import PROFILES
from bench.dedupe_rewritten import StreamDoc
from bench.dedupe_semantic import BestMatch, decisions
from pipelines.dedupe.normalize import normalize, tokens

PARTS = ("tuning", "held-out")
NEGATIVES = ("original", "followup")
PRECISION_FLOOR = 0.99


@dataclass
class Tally:
    named: int = 0
    correct: int = 0
    positives: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.named if self.named else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def wrong(self) -> int:
        return self.named - self.correct


@dataclass
class StreamScore:
    """Tallies of one system keyed by part, by ``part/variant`` and by variant."""

    name: str
    tallies: defaultdict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    note: str = ""

    def add(self, key: str, positive: bool, named: bool, correct: bool) -> None:
        t = self.tallies[key]
        t.positives += positive
        t.named += named
        t.correct += named and correct
        t.found += positive and named and correct


def score(name: str, stream: Sequence[StreamDoc], named: Sequence[str | None], note: str = "") -> StreamScore:
    """Score ``named`` (per document: the doc id it named, or None) against the stream's stories."""
    story_of: dict[str, int] = {}
    seen: set[int] = set()
    out = StreamScore(name, note=note)
    for item, target in zip(stream, named, strict=True):
        doc = item.doc
        positive = doc.story in seen
        seen.add(doc.story)
        story_of[doc.doc_id] = doc.story
        correct = target is not None and story_of.get(target) == doc.story
        for key in ("all", item.part, doc.variant, f"{item.part}/{doc.variant}"):
            out.add(key, positive, target is not None, correct)
    return out


def semantic(stream: Sequence[StreamDoc], matches: Sequence[BestMatch], cpu_ms: float) -> StreamScore:
    """The TF-IDF baseline at the threshold that does best on the tuning part (see bench/dedupe_semantic.py)."""
    ids = [s.doc.doc_id for s in stream]

    def at(threshold: float) -> StreamScore:
        return score(
            "TF-IDF cosine (exhaustive)",
            stream,
            [ids[j] if j >= 0 else None for j in decisions(matches, threshold)],
            note=f"threshold {threshold:.2f} chosen on tuning; {cpu_ms:.2f} CPU ms/doc, no index",
        )

    best, best_key = at(0.99), (-1.0, -1.0)
    for step in range(5, 96):
        candidate = at(step / 100)
        tuning = candidate.tallies["tuning"]
        floor_met = tuning.precision >= PRECISION_FLOOR
        f1 = 2 * tuning.precision * tuning.recall / max(1e-9, tuning.precision + tuning.recall)
        key = (1.0 if floor_met else 0.0, tuning.recall if floor_met else f1)
        if key > best_key:
            best, best_key = candidate, key
    return best


def change_by_profile(stream: Sequence[StreamDoc]) -> dict[str, tuple[float, float]]:
    """Per profile: mean share of the original's words not kept in order (word diff), and word-3-shingle Jaccard."""
    original: dict[int, list[str]] = {}
    changed: defaultdict[str, list[float]] = defaultdict(list)
    jaccard: defaultdict[str, list[float]] = defaultdict(list)
    for item in stream:
        words = tokens(normalize(item.doc.text))
        if item.doc.variant == "original":
            original[item.doc.story] = words
            continue
        source = original.get(item.doc.story)
        if source is None or item.doc.variant not in PROFILES:
            continue
        matcher = difflib.SequenceMatcher(None, source, words, autojunk=False)
        kept = sum(block.size for block in matcher.get_matching_blocks())
        changed[item.doc.variant].append(1 - kept / max(1, len(source)))
        a = {tuple(source[i : i + 3]) for i in range(len(source) - 2)}
        b = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
        jaccard[item.doc.variant].append(len(a & b) / max(1, len(a | b)))
    return {p: (statistics.fmean(changed[p]), statistics.fmean(jaccard[p])) for p in PROFILES if changed[p]}


def _pr(t: Tally) -> str:
    return f"{t.precision:>6.3f} {t.recall:>6.3f}"


def table(scores: Sequence[StreamScore], stream: Sequence[StreamDoc]) -> str:
    """Precision and recall per part, recall per profile and part, false positives on the negatives."""
    width = max(len(s.name) for s in scores) + 2
    rows = [
        f"{'system':<{width}}{'tuning P':>9}{'R':>7}{'held-out P':>13}{'R':>7}{'all P':>9}{'R':>7}{'wrong':>7}",
    ]
    rows.append("-" * len(rows[0]))
    for s in scores:
        t = s.tallies
        rows.append(
            f"{s.name:<{width}}{_pr(t['tuning']):>16}{_pr(t['held-out']):>20}{_pr(t['all']):>16}{t['all'].wrong:>7}"
        )
    notes = [f"  {s.name}: {s.note}" for s in scores if s.note]
    rows += notes
    changes = change_by_profile(stream)
    rows += ["", "recall by rewording profile, tuning / held-out (n positives); words changed = word diff to original"]
    head = f"{'profile':<13}{'n':>9}{'changed':>8}{'3-gram J':>9}" + "".join(f"{s.name[:22]:>24}" for s in scores)
    rows += [head]
    for profile in PROFILES:
        tune, held = scores[0].tallies[f"tuning/{profile}"], scores[0].tallies[f"held-out/{profile}"]
        changed, jac = changes.get(profile, (0.0, 0.0))
        cells = ""
        for s in scores:
            a, b = s.tallies[f"tuning/{profile}"], s.tallies[f"held-out/{profile}"]
            cells += f"{a.recall:>16.3f} / {b.recall:.3f}"
        rows.append(f"{profile:<13}{tune.positives:>4} /{held.positives:>3}{changed:>8.2f}{jac:>9.2f}{cells}")
    rows += ["", "wrong decisions by kind of document, tuning / held-out (n documents)"]
    for variant in (*NEGATIVES, *PROFILES):
        n_t = sum(1 for x in stream if x.doc.variant == variant and x.part == "tuning")
        n_h = sum(1 for x in stream if x.doc.variant == variant and x.part == "held-out")
        cells = "".join(
            f"{s.tallies[f'tuning/{variant}'].wrong:>17} / {s.tallies[f'held-out/{variant}'].wrong:<4}" for s in scores
        )
        rows.append(f"{variant:<13}{n_t:>4} /{n_h:>3}{'':>17}{cells}")
    return "\n".join(rows)
