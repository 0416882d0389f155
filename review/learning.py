"""Rules that learn from reviewers: reviewer-judged precision per rule, and promotion/demotion proposals.

For every rule, its recent judged items are the standing verdicts (see :func:`review.numbers.judgements`) on
items it fired on: for an active rule, the items its flag put in the queue (an action of flag or hold); for a
shadow rule, every judged item it fired on, since a shadow rule never queues anything itself.  Precision is
the share of those items reviewers rejected, with a Wilson 95% interval.  A shadow rule whose lower bound
clears the target over at least ``min_decisions`` items is proposed for promotion; an active rule whose upper
bound falls under the target is proposed for demotion to shadow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from config.settings import Settings
from pipelines.flagging.loader import bundled_rules, load_rules
from review import audit
from review.agreement import wilson_interval
from review.errors import InvalidInput
from review.numbers import CONFIRMING, QUEUEING_ACTIONS, Judgement, judgements, recent_decisions
from review.rulesfile import RulesChange, write_shadow

DEFAULT_TARGET = 0.8
MIN_DECISIONS = 30
RECENT_PER_RULE = 200
Proposal = Literal["promote", "demote"]


@dataclass(frozen=True)
class RuleInfo:
    """What the rules file says about a rule (the current one, not the one a stored flag was made by)."""

    id: str
    code: str
    action: str
    shadow: bool


@dataclass(frozen=True)
class RuleReport:
    id: str
    code: str
    shadow: bool
    action: str
    judged: int
    confirmed: int
    interval: tuple[float, float] | None
    proposal: Proposal | None
    why: str

    @property
    def precision(self) -> float | None:
        return None if self.judged == 0 else self.confirmed / self.judged

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "shadow": self.shadow,
            "action": self.action,
            "judged": self.judged,
            "confirmed": self.confirmed,
            "precision": self.precision,
            "interval": list(self.interval) if self.interval else None,
            "proposal": self.proposal,
            "why": self.why,
        }


def _counts(flag: dict[str, Any], rule: RuleInfo | None) -> bool:
    shadow = rule.shadow if rule is not None else bool(flag.get("shadow"))
    return shadow or flag.get("action") in QUEUEING_ACTIONS


def _propose(
    rule: RuleInfo, judged: int, interval: tuple[float, float] | None, target: float, minimum: int
) -> tuple[Proposal | None, str]:
    if interval is None:
        return None, "no judged items yet"
    low, high = interval
    if rule.shadow:
        if judged < minimum:
            return None, f"{judged} of the {minimum} judged items a promotion needs"
        if low >= target:
            return "promote", f"lower bound {low:.2f} clears the target {target:.2f} over {judged} items"
        return None, f"lower bound {low:.2f} under the target {target:.2f}"
    if high < target:
        return "demote", f"upper bound {high:.2f} under the target {target:.2f} over {judged} items"
    return None, f"upper bound {high:.2f} reaches the target {target:.2f}"


def rule_reports(
    judged: Sequence[Judgement],
    rules: Iterable[RuleInfo],
    *,
    target: float = DEFAULT_TARGET,
    min_decisions: int = MIN_DECISIONS,
    recent: int = RECENT_PER_RULE,
) -> list[RuleReport]:
    """One report per rule of the rules file (plus rules seen only in stored flags), busiest first."""
    known = {rule.id: rule for rule in rules}
    outcomes: dict[str, list[bool]] = {}
    seen: dict[str, RuleInfo] = {}
    for judgement in sorted(judged, key=lambda j: j.at, reverse=True):
        for flag in judgement.flags:
            rule_id = str(flag.get("rule_id") or flag.get("code") or "")
            rule = known.get(rule_id)
            if not rule_id or not _counts(flag, rule):
                continue
            seen.setdefault(
                rule_id,
                RuleInfo(rule_id, str(flag.get("code", "")), str(flag.get("action", "")), bool(flag.get("shadow"))),
            )
            tally = outcomes.setdefault(rule_id, [])
            if len(tally) < recent:
                tally.append(judgement.verdict in CONFIRMING)
    reports = []
    for rule_id, rule in {**seen, **known}.items():
        tally = outcomes.get(rule_id, [])
        confirmed = sum(tally)
        interval = wilson_interval(confirmed, len(tally))
        proposal, why = _propose(rule, len(tally), interval, target, min_decisions)
        reports.append(
            RuleReport(rule.id, rule.code, rule.shadow, rule.action, len(tally), confirmed, interval, proposal, why)
        )
    return sorted(reports, key=lambda r: (-r.judged, r.id))


def rules_path(settings: Settings) -> Path:
    return Path(settings.rules_file) if settings.rules_file else bundled_rules()


def current_rules(settings: Settings) -> list[RuleInfo]:
    ruleset = load_rules(rules_path(settings))
    return [RuleInfo(rule.id, rule.code, rule.action, rule.shadow) for rule in ruleset.rules]


def report(engine: Engine, settings: Settings, *, target: float = DEFAULT_TARGET) -> list[RuleReport]:
    """Every rule's reviewer-judged precision and proposal, from the recent decisions in the database."""
    with engine.connect() as conn:
        judged = judgements(recent_decisions(conn))
    return rule_reports(judged, current_rules(settings), target=target)


def change_rule(
    engine: Engine, settings: Settings, rule_id: str, proposal: Proposal, admin: str, reason: str, today: date
) -> RulesChange:
    """Promote (shadow off) or demote (shadow on) a rule: the rules file gets a new version, the audit log an
    entry.  Only a rules file of the deployment's own (``rules_file``) is written, never the bundled one."""
    if not settings.rules_file:
        raise InvalidInput("set rules_file to the rules file you maintain; the bundled rules are not rewritten")
    change = write_shadow(Path(settings.rules_file), rule_id, proposal == "demote", today)
    with engine.begin() as conn:
        audit.record(
            conn,
            actor=admin,
            action=f"rule_{proposal}",
            target=f"rule:{rule_id}"[:100],
            detail={"reason": reason, "old_version": change.old_version, "new_version": change.new_version},
        )
    return change
