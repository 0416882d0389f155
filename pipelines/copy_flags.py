"""The flags a cluster's copies carry, re-derived when the cluster's original changes.

Only the rules whose detector is the near-duplicate one are re-run (on the copy's source and the original's), so
the flag moves with the original: the new original loses it, the article it replaced gains it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.flagging import RuleSet, combine, evaluate
from pipelines.flagging.detectors.duplicate import NearDuplicate
from pipelines.flagging.matchers import DetectorMatcher
from pipelines.models import DedupeVerdict, DuplicateKind, Flag, FlagInput, FlagOutcome


@dataclass(frozen=True)
class CopyFlags:
    """The copy rules of one rule set, and how an article's flags combine into its action."""

    rules: RuleSet

    @property
    def codes(self) -> frozenset[str]:
        """Codes of the rules that judge an article as a copy."""
        return frozenset(
            rule.code
            for rule in self.rules.rules
            if isinstance(rule.matcher, DetectorMatcher) and isinstance(rule.matcher.detector, NearDuplicate)
        )

    def for_copy(
        self, article_id: str, source_id: str, original_id: str, original_source: str, kind: DuplicateKind | None,
        similarity: float,
    ) -> tuple[Flag, ...]:  # fmt: skip
        """The copy flags of ``article_id`` as a copy of ``original_id``."""
        if kind is None:
            return ()
        copy_rules = RuleSet(
            version=self.rules.version,
            threshold=self.rules.threshold,
            rules=tuple(rule for rule in self.rules.rules if rule.code in self.codes),
        )
        verdict = DedupeVerdict(duplicate_of=original_id, similarity=similarity, kind=kind)
        item = FlagInput(
            article_id=article_id, title="", text="", source_id=source_id, duplicate=verdict,
            duplicate_source_id=original_source,
        )  # fmt: skip
        return evaluate(copy_rules, item).flags

    def combine(self, flags: Iterable[Flag]) -> FlagOutcome:
        return combine(flags, self.rules.threshold, self.rules.version)
