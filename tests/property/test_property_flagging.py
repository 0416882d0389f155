"""Flagging on random text laced with rule words: never crashes, bounded time, evidence always points inside."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.models import ACTION_RANK, FlagInput, StrippedBlock
from tests.property.html_strategies import rule_bait_text

RULES: RuleSet = load_rules()
# The first evaluation loads the language and profanity models; keep that out of the per-example deadline.
evaluate(RULES, FlagInput("0" * 32, "warm up", "shit happens. Der Rat hat entschieden."))
DEADLINE_MS = 3000
stripped_blocks = st.lists(
    st.builds(
        StrippedBlock, category=st.sampled_from(["share_bar", "ad_slot", "related_links", "other"]), text=rule_bait_text
    ),
    max_size=3,
).map(tuple)


def check(item: FlagInput) -> None:
    outcome = evaluate(RULES, item)
    assert outcome.action in ACTION_RANK
    assert math.isfinite(outcome.score) and outcome.score >= 0
    for flag in outcome.flags:
        assert flag.action in ACTION_RANK
        for evidence in flag.evidence:
            field = item.title if evidence.field == "title" else item.text
            assert 0 <= evidence.start <= evidence.end <= len(field), (flag.code, evidence)
    assert evaluate(RULES, item) == outcome, "flagging is deterministic"


@settings(max_examples=200, deadline=DEADLINE_MS)
@given(rule_bait_text, rule_bait_text, st.one_of(st.none(), st.sampled_from(["en", "de", "xx", ""])), stripped_blocks)
def test_rule_bait_text_is_flagged_safely(title: str, text: str, language: str | None, stripped: tuple) -> None:  # type: ignore[type-arg]
    check(FlagInput("a" * 32, title, text, "https://news.test/a", "src", language, stripped))


@settings(max_examples=100, deadline=DEADLINE_MS)
@given(st.text(max_size=5000), st.text(max_size=300))
def test_arbitrary_unicode_is_flagged_safely(text: str, title: str) -> None:
    check(FlagInput("b" * 32, title, text))


@settings(max_examples=10, deadline=10_000)
@given(st.sampled_from(["a", "ab ", "!!!", "\u0301", "x" * 50 + " "]), st.integers(20_000, 200_000))
def test_huge_repetitive_text_stays_bounded(unit: str, length: int) -> None:
    # Repetition is what makes a backtracking pattern explode; the engine caps what it examines.
    text = (unit * (length // len(unit) + 1))[:length]
    check(FlagInput("c" * 32, text[:500], text))
