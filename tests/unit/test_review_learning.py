"""Per-rule reviewer-judged precision and the promotion/demotion proposals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from review.learning import RuleInfo, rule_reports
from review.numbers import Judgement

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def judged(n: int, rejected: int, flags: list[dict[str, Any]]) -> list[Judgement]:
    return [
        Judgement(i, "reject" if i < rejected else "approve", "rita", T0 + timedelta(minutes=i), tuple(flags))
        for i in range(n)
    ]


def flag(rule_id: str, code: str, action: str = "flag", shadow: bool = False) -> dict[str, Any]:
    return {"rule_id": rule_id, "code": code, "action": action, "shadow": shadow}


RULES = [
    RuleInfo("trial", "spam", "flag", True),
    RuleInfo("active", "spam", "flag", False),
    RuleInfo("tagger", "mention", "tag", False),
]


def by_id(reports: list[Any]) -> dict[str, Any]:
    return {r.id: r for r in reports}


def test_shadow_rule_promoted_only_with_enough_precise_decisions() -> None:
    flags = [flag("trial", "spam", shadow=True), flag("active", "spam"), flag("tagger", "mention", "tag")]
    few = by_id(rule_reports(judged(20, 20, flags), RULES))
    assert few["trial"].proposal is None and "20 of the 30" in few["trial"].why
    many = by_id(rule_reports(judged(40, 39, flags), RULES))
    assert many["trial"].proposal == "promote" and many["trial"].interval[0] >= 0.8
    assert many["active"].proposal is None
    assert many["tagger"].judged == 0  # a tag never queues, so its verdicts judge nothing


def test_active_rule_demoted_when_the_upper_bound_falls_under_the_target() -> None:
    reports = by_id(rule_reports(judged(30, 12, [flag("active", "spam")]), RULES))
    active = reports["active"]
    assert active.precision == 0.4 and active.interval is not None and active.interval[1] < 0.8
    assert active.proposal == "demote"


def test_recent_window_and_unknown_rules() -> None:
    old = [Judgement(i, "approve", "rita", T0, (flag("gone", "spam"),)) for i in range(5)]
    new = [Judgement(100 + i, "reject", "rita", T0 + timedelta(days=1), (flag("gone", "spam"),)) for i in range(5)]
    reports = by_id(rule_reports(old + new, [], recent=5))
    assert reports["gone"].judged == 5 and reports["gone"].confirmed == 5  # only the newest five
