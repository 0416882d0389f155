"""How the flags of one item become one action and one score."""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.models import ACTION_RANK, Action, Flag, FlagOutcome


def combine(flags: Iterable[Flag], threshold: float, version: str) -> FlagOutcome:
    """Combine an item's flags.

    * Shadow flags are kept in the outcome (so their hit rate can be measured)
      but take no part in the action or the score.
    * The action is the highest action among the other flags (``none`` < ``tag``
      < ``flag`` < ``hold`` < ``drop``); ``none`` when there are none.
    * The score is the sum of their scores; when it reaches ``threshold`` the
      item is at least ``flag``-ged, so several weak signals add up to a review.
    """
    kept = tuple(flags)
    active = [f for f in kept if not f.shadow]
    action: Action = "none"
    for flag in active:
        if ACTION_RANK[flag.action] > ACTION_RANK[action]:
            action = flag.action
    score = round(sum(f.score for f in active), 4)
    if threshold > 0 and score >= threshold and ACTION_RANK[action] < ACTION_RANK["flag"]:
        action = "flag"
    return FlagOutcome(flags=kept, action=action, score=score, rule_version=version)
