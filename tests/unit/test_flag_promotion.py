"""Extremist promotion beyond the literal patterns: calls and praise with a group, while reporting stays a tag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.flagging.detectors.promotion import PromotionDetector
from pipelines.flagging.hashfeatures import text_digest
from pipelines.flagging.matchers import DetectorMatcher
from pipelines.models import FlagInput

SET = Path(__file__).parents[2] / "bench" / "promotion_set.jsonl"
NEWS = "The council met on Monday to discuss the budget. Bus fares will stay the same next year."


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _structured(rules: RuleSet) -> PromotionDetector:
    matcher = next(r.matcher for r in rules.rules if r.id == "extremism-promotion-structure")
    assert isinstance(matcher, DetectorMatcher) and isinstance(matcher.detector, PromotionDetector)
    return matcher.detector


def _promotion_flags(rules: RuleSet, text: str) -> list[str]:
    outcome = evaluate(rules, FlagInput("p", "", text))
    return [f.rule_id for f in outcome.flags if f.code == "violent_extremism_promotion" and not f.shadow]


def test_a_call_to_travel_and_fight_is_held_with_the_sentence_as_evidence(rules: RuleSet) -> None:
    call = "Pack your bags, brothers, and travel to Raqqa to fight beside the soldiers of the caliphate."
    text = f"{NEWS} {call} Nothing else happened."
    outcome = evaluate(rules, FlagInput("p", "", text))
    flag = next(f for f in outcome.flags if f.rule_id == "extremism-promotion-structure")
    assert outcome.action == "hold" and flag.action == "hold"
    (evidence,) = flag.evidence
    assert text[evidence.start : evidence.end] == evidence.excerpt == call
    assert evidence.matched.startswith("call: ") and "soldiers of the caliphate" in flag.detail
    # The literal regex rule does not know this phrasing.
    assert "extremism-promotion" not in _promotion_flags(rules, text)


def test_praise_of_an_attack_is_held_even_without_a_group_name(rules: RuleSet) -> None:
    text = f"{NEWS} What a glorious night raid that was in the capital."
    assert _promotion_flags(rules, text) == ["extremism-promotion-structure"]


@pytest.mark.parametrize(
    "reporting",
    [
        "Iraqi forces retook the town from ISIL fighters on Tuesday.",
        "Prosecutors said he had urged friends to travel to Syria and join the Islamic State.",
        "The imam condemned calls to join the caliphate and fight in its name.",
        "Analysts say al-Shabaab still persuades young men to fight for it with promises of pay.",
    ],
)
def test_news_analysis_court_and_condemnation_stay_a_tag(rules: RuleSet, reporting: str) -> None:
    outcome = evaluate(rules, FlagInput("n", "", f"{NEWS} {reporting}"))
    assert _promotion_flags(rules, f"{NEWS} {reporting}") == []
    assert outcome.action in ("none", "tag")
    if "ISIL" in reporting:
        assert {f.code for f in outcome.flags} >= {"violent_extremism_mention"}


def test_a_sentence_without_any_group_or_attack_praise_is_not_examined(rules: RuleSet) -> None:
    detector = _structured(rules)
    assert detector.judge("Join us and fight for better schools; support the teachers!").kind == ""
    assert detector.judge("Join us and fight for the caliphate!").kind == "call"


def test_the_labelled_set_is_big_enough_and_its_held_out_third_is_a_fixed_hash() -> None:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = [r["label"] for r in rows]
    assert labels.count("promotion") >= 80 and labels.count("negative") >= 80
    assert len({r["text"] for r in rows}) == len(rows)
    for row in rows:
        assert row["split"] == ("held_out" if text_digest(row["text"]) % 3 == 0 else "tuning"), row["text"]
    held = [r for r in rows if r["split"] == "held_out"]
    assert len(held) >= len(rows) // 4
