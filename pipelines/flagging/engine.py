"""Evaluate a rule set against one item."""

from __future__ import annotations

import dataclasses

from pipelines.flagging.combine import combine
from pipelines.flagging.findings import ItemView
from pipelines.flagging.ruleset import RuleSet
from pipelines.models import Flag, FlagInput, FlagOutcome


def _capped(item: FlagInput, max_chars: int) -> FlagInput:
    """The item with title and text cut at ``max_chars``: every rule then runs in bounded time."""
    if len(item.text) <= max_chars and len(item.title) <= max_chars:
        return item
    return dataclasses.replace(item, title=item.title[:max_chars], text=item.text[:max_chars])


def evaluate(rules: RuleSet, item: FlagInput) -> FlagOutcome:
    """Run every rule on ``item`` and combine the flags (see :func:`~pipelines.flagging.combine.combine`).

    Evidence offsets index ``item.text`` (or ``item.title`` when ``field`` is
    "title"); only the first ``rules.max_chars`` characters are examined.
    """
    view = ItemView(_capped(item, rules.max_chars), rules.term_index)
    flags: list[Flag] = []
    for rule in rules.rules:
        effective = rule.effective(item.source_id)
        if effective is None:
            continue
        action, score = effective
        for finding in rule.matcher.find(view):
            flags.append(
                Flag(
                    code=rule.code,
                    severity=rule.severity,
                    action=action,
                    score=round(score * finding.weight, 4),
                    evidence=finding.evidence[: rules.max_evidence],
                    rule_id=rule.id,
                    rule_version=rules.version,
                    shadow=rule.shadow,
                    detail=finding.detail,
                )
            )
    return combine(flags, rules.threshold, rules.version)
