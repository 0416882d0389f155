"""A loaded, compiled rule set: immutable, shared by every evaluation in a process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pipelines.flagging.findings import Matcher
from pipelines.flagging.termmatch import TermIndex
from pipelines.models import Action, Severity

RuleKind = Literal["terms", "regex", "detector", "classifier"]


@dataclass(frozen=True)
class SourceOverride:
    """A per-source change to one rule: another action or score, or switched off."""

    action: Action | None = None
    score: float | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Rule:
    """One rule, compiled: what it reports (code, severity, action, score) and how it matches."""

    id: str
    code: str
    description: str
    kind: RuleKind
    severity: Severity
    action: Action
    score: float
    matcher: Matcher
    shadow: bool = False
    overrides: Mapping[str, SourceOverride] = field(default_factory=dict)

    def effective(self, source_id: str | None) -> tuple[Action, float] | None:
        """(action, score) for an item from ``source_id``; None when the rule is off for it."""
        override = self.overrides.get(source_id) if source_id is not None else None
        if override is None:
            return self.action, self.score
        if override.disabled:
            return None
        action = override.action if override.action is not None else self.action
        score = override.score if override.score is not None else self.score
        return action, score


@dataclass(frozen=True)
class RuleSet:
    """All rules of one rules file plus the settings that combine their flags.

    ``max_chars`` caps how much of a title/text any rule sees (bounded time on
    huge inputs); ``threshold`` is the score sum at which an item is at least
    flagged (see :func:`pipelines.flagging.combine.combine`).
    """

    version: str
    threshold: float
    rules: tuple[Rule, ...]
    codes: Mapping[str, str] = field(default_factory=dict)
    max_chars: int = 200_000
    max_evidence: int = 5
    term_index: TermIndex | None = None
