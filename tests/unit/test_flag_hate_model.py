"""The learned hate rule: sentence evidence, the model version on the flag, thresholds and shadow from the rules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.errors import ConfigError
from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.flagging.detectors.hate_model import HateModelDetector, RollUp
from pipelines.flagging.loader import bundled_rules
from pipelines.flagging.matchers import DetectorMatcher
from pipelines.models import Flag, FlagInput

CLEAN = (Path(__file__).parents[1] / "fixtures" / "flags" / "clean_news.txt").read_text(encoding="utf-8")
# Hate without a slur or a listed pattern: what the word lists miss.
HATEFUL = "Those people are a disease on this country and they breed like animals."


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    doc = yaml.safe_load(bundled_rules().read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _with_hate_rule(tmp_path: Path, doc: dict[str, Any], **changes: Any) -> RuleSet:
    """The bundled rules with the hate-model rule changed (params merged)."""
    doc = copy.deepcopy(doc)
    rule = next(r for r in doc["rules"] if r["id"] == "hate-model")
    params = changes.pop("params", {})
    rule.update(changes)
    rule["params"].update(params)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_rules(path)


def _detector(rules: RuleSet) -> HateModelDetector:
    matcher = next(r.matcher for r in rules.rules if r.id == "hate-model")
    assert isinstance(matcher, DetectorMatcher) and isinstance(matcher.detector, HateModelDetector)
    return matcher.detector


def _hate_model_flag(rules: RuleSet, text: str) -> Flag | None:
    outcome = evaluate(rules, FlagInput("h1", "Council news", text))
    return next((f for f in outcome.flags if f.rule_id == "hate-model"), None)


def test_a_hateful_sentence_is_flagged_with_its_span_and_the_model_version() -> None:
    rules = load_rules()
    detector = _detector(rules)
    text = f"{CLEAN.rstrip()}\n{HATEFUL} The meeting ended at noon."
    flag = _hate_model_flag(rules, text)
    assert flag is not None and flag.code == "hate" and flag.action == "flag" and flag.shadow  # shipped in shadow
    (evidence,) = flag.evidence
    assert text[evidence.start : evidence.end] == evidence.excerpt == HATEFUL
    assert evidence.field == "text" and evidence.matched.startswith("p=")
    assert flag.detail.startswith(f"model {detector.model.version}: 1 sentence(s)")
    assert 0.0 < flag.score <= 0.6  # the rule's score times the best probability
    assert flag.rule_version == rules.version


def test_clean_news_is_not_flagged_by_the_model() -> None:
    assert _hate_model_flag(load_rules(), CLEAN) is None


def test_the_thresholds_come_from_the_rules_file_and_the_card(tmp_path: Path, bundled: dict[str, Any]) -> None:
    text = f"{CLEAN.rstrip()}\n{HATEFUL}"
    shipped = next(r for r in bundled["rules"] if r["id"] == "hate-model")["params"]
    detector = _detector(load_rules())
    gate = detector.gate
    assert (gate.general_threshold, gate.social_threshold, gate.register_threshold) == (
        shipped["general_threshold"],
        shipped["social_threshold"],
        shipped["register_threshold"],
    )
    card = detector.model.card["gate"]
    assert isinstance(card, dict)
    assert {k: card[k] for k in ("general_threshold", "social_threshold", "register_threshold")} == {
        k: shipped[k] for k in ("general_threshold", "social_threshold", "register_threshold")
    }
    # A forum-style sentence in prose is judged by the general head: its threshold decides.
    heads = detector.model.head_decisions([HATEFUL])
    assert not gate.is_social(heads)[0]
    p = detector.model.probability(HATEFUL, gate.general)
    one = {"min_sentences": 1, "long_threshold": 0.5, "strong": 1.0}
    strict = _with_hate_rule(tmp_path, bundled, params={**one, "general_threshold": min(0.999, p + 0.01)})
    assert _detector(strict).gate.general_threshold == pytest.approx(min(0.999, p + 0.01))
    assert _hate_model_flag(strict, text) is None
    lenient = _with_hate_rule(tmp_path, bundled, params={**one, "general_threshold": max(0.001, p - 0.01)})
    assert _hate_model_flag(lenient, text) is not None


def test_shadow_mode_records_the_flag_but_changes_nothing(tmp_path: Path, bundled: dict[str, Any]) -> None:
    shadow = _with_hate_rule(tmp_path, bundled, shadow=True)
    outcome = evaluate(shadow, FlagInput("h1", "Council news", f"{CLEAN.rstrip()}\n{HATEFUL}"))
    flag = next(f for f in outcome.flags if f.rule_id == "hate-model")
    assert flag.shadow and flag.evidence[0].excerpt == HATEFUL
    assert outcome.action == "none" and outcome.score == 0.0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"general_threshold": 1.5}, "params.general_threshold"),
        ({"threshold": 0.5}, "params.threshold"),  # one shared threshold is gone: each head has its own
        ({"model": "no-such-dir/x.npz"}, "params.model"),
        ({"thresold": 0.5}, "params.thresold"),
    ],
)
def test_bad_parameters_are_refused_at_load(
    tmp_path: Path, bundled: dict[str, Any], params: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _with_hate_rule(tmp_path, bundled, params=params)
    assert f"rules[hate-model].{field}" in str(caught.value)


def test_a_long_article_needs_several_sentences_or_one_strong_one_a_short_post_needs_one() -> None:
    rollup = RollUp(threshold=0.3, strong=0.8, min_sentences=3, short_chars=400, min_words=4)
    borderline = (0.5, "they are all the same, these people")
    assert rollup.fires([borderline], chars=120)  # a post: one sentence is the whole utterance
    assert not rollup.fires([borderline], chars=5000)  # one borderline sentence in a long article
    assert rollup.fires([borderline] * 3, chars=5000)
    assert rollup.fires([(0.9, "they are all the same, these people")], chars=5000)
    # Fragments (a table cell, a one-word question) do not count in a long article.
    assert not rollup.fires([(0.95, "White?"), (0.6, "(n."), (0.6, "(n.")], chars=5000)
    assert not rollup.fires([], chars=120)


def test_a_long_article_counts_sentences_at_its_own_cut_a_post_at_the_threshold() -> None:
    rollup = RollUp(threshold=0.5, strong=0.9, min_sentences=2, short_chars=400, min_words=1, long_threshold=0.7)
    assert rollup.cut(120) == 0.5 and rollup.cut(5000) == 0.7
    assert RollUp(threshold=0.5, long_threshold=0.2).cut(5000) == 0.5  # never below the threshold
    detector = _detector(load_rules())
    strict = HateModelDetector(detector.model, detector.gate, rollup, top=3, max_sentences=400)
    # A long article whose hateful sentences sit between 0.5 and 0.7 after calibration: no finding at 0.7.
    text = f"{CLEAN.rstrip()}\n{HATEFUL}\n{HATEFUL}"
    (p,) = detector.scores([HATEFUL])
    assert p >= 0.5
    lenient = HateModelDetector(
        detector.model, detector.gate, RollUp(0.5, 1.0, 2, 400, 1, long_threshold=0.5), top=3, max_sentences=400
    )
    assert lenient.detect(FlagInput("a", "", text))
    above = HateModelDetector(
        detector.model, detector.gate, RollUp(0.5, 1.0, 2, 400, 1, long_threshold=min(1.0, p + 0.01)), 3, 400
    )
    assert not above.detect(FlagInput("a", "", text))
    assert strict.rollup.fires([(0.75, "a b"), (0.72, "c d")], 5000)


def test_the_roll_up_comes_from_the_rules_file(tmp_path: Path, bundled: dict[str, Any]) -> None:
    shipped = next(r for r in bundled["rules"] if r["id"] == "hate-model")["params"]
    card = _detector(load_rules()).model.card["article_rollup"]
    assert isinstance(card, dict)
    keys = ("short_chars", "min_words", "min_sentences", "long_threshold", "strong")
    assert {k: shipped[k] for k in keys} == {k: card[k] for k in keys}
    one = _with_hate_rule(tmp_path, bundled, params={"min_sentences": 1, "strong": 0.99})
    text = f"{CLEAN.rstrip()}\n{HATEFUL}"
    assert _detector(one).rollup.min_sentences == 1 and _hate_model_flag(one, text) is not None


def test_a_short_post_is_scored_whole_and_a_long_article_sentence_by_sentence() -> None:
    detector = _detector(load_rules())
    post = "You people are all the same. Go back where you came from."
    spans, scores = detector.sentence_probabilities("", post)
    assert [s.text for _, _, s in spans] == [post] and scores == pytest.approx(detector.scores([post]))
    article = f"{CLEAN.rstrip()}\n{post}"
    spans, _ = detector.sentence_probabilities("Council news", article)
    assert len(spans) > 3 and spans[0][1] == "title"
    assert all(article[s.start : s.end] == s.text for _, field, s in spans if field == "text")
