"""The register gate: which head's threshold judges a text, the calibrated scale, and choosing the thresholds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipelines.flagging.detectors.hate_model import RollUp
from pipelines.flagging.detectors.register_gate import RegisterGate, head_columns, logit
from pipelines.flagging.train import Example, choose_gate_thresholds, choose_rollup

GATE = RegisterGate(general=0, social=1, register=2, general_threshold=0.2, social_threshold=0.7)


def _logits(general: float, social: float, register: float) -> list[float]:
    return [logit(general), logit(social), logit(register)]


def test_a_post_is_judged_by_the_social_head_and_anything_else_by_the_general_head() -> None:
    rows = np.array(
        [
            _logits(general=0.9, social=0.3, register=0.8),  # a post: the social head says no
            _logits(general=0.1, social=0.8, register=0.8),  # a post: the social head says yes
            _logits(general=0.3, social=0.1, register=0.2),  # prose: the general head says yes
            _logits(general=0.1, social=0.9, register=0.2),  # prose: the general head says no
        ]
    )
    assert GATE.is_social(rows).tolist() == [True, True, False, False]
    assert (GATE.calibrated(rows) >= 0.5).tolist() == [False, True, True, False]


def test_the_calibrated_probability_is_one_half_at_the_applicable_threshold_and_monotone() -> None:
    at = np.array([_logits(0.2, 0.01, 0.1), _logits(0.01, 0.7, 0.9)])
    assert GATE.calibrated(at) == pytest.approx([0.5, 0.5])
    rising = np.array([_logits(p, 0.5, 0.1) for p in (0.05, 0.2, 0.5, 0.95)])
    scores = GATE.calibrated(rising)
    assert list(scores) == sorted(scores) and scores[0] < 0.5 < scores[-1]
    # The calibrated logit is the head's logit less its threshold's.
    assert math.log(scores[2] / (1 - scores[2])) == pytest.approx(logit(0.5) - logit(0.2))


def test_thresholds_outside_zero_and_one_are_refused() -> None:
    with pytest.raises(ValueError, match="social_threshold"):
        RegisterGate(0, 1, 2, general_threshold=0.2, social_threshold=1.0)


def test_head_columns_name_every_head_or_say_which_is_missing() -> None:
    heads = [{"name": "register"}, {"name": "general"}, {"name": "social"}]
    assert head_columns(heads) == {"general": 1, "social": 2, "register": 0}
    with pytest.raises(KeyError, match="social"):
        head_columns([{"name": "general"}, {"name": "register"}])


def test_thresholds_are_chosen_per_head_so_each_group_keeps_its_own_cut() -> None:
    # Posts score high even when harmless (their hate is only the top scores); forum sentences score low even
    # when hateful.  One cut for both would fail one group; the gate finds a cut for each.
    posts = [(0.95, True), (0.9, True), (0.8, False), (0.7, False), (0.6, False)]
    forum = [(0.3, True), (0.25, True), (0.1, False), (0.08, False)]
    news = [(0.06, False)] * 200 + [(0.12, False)] * 3  # 1.5% of the news at 0.12: more than 1% may be flagged
    rows = [Example(f"p{i}", g, "posts") for i, (_, g) in enumerate(posts)]
    rows += [Example(f"f{i}", g, "forum") for i, (_, g) in enumerate(forum)]
    rows += [Example(f"n{i}", g, "news") for i, (_, g) in enumerate(news)]
    scores = [(p, True) for p, _ in posts] + [(p, False) for p, _ in forum + news]
    logits = np.array([_logits(p, p, 0.9 if social else 0.1) for p, social in scores])
    unset = RegisterGate(0, 1, 2, 0.5, 0.5)
    gate, f1 = choose_gate_thresholds(logits, rows, unset)
    assert f1 == {"posts": 1.0, "forum": 1.0}
    assert 0.8 < gate.social_threshold <= 0.9 and 0.12 < gate.general_threshold <= 0.25
    assert gate.register_threshold == unset.register_threshold


def test_the_long_article_cut_is_the_lowest_that_keeps_news_articles_under_the_rate() -> None:
    base = RollUp(threshold=0.5, strong=1.0, min_sentences=2, short_chars=10, min_words=1)
    quiet = ([0.1, 0.2], ["a b", "c d"], 1000)
    # One article in ten with two sentences at 0.6: flagged unless long sentences count from above 0.6.
    noisy = ([0.6, 0.6, 0.3], ["a b", "c d", "e f"], 1000)
    chosen, rate = choose_rollup([noisy] + [quiet] * 9, base)
    assert chosen.long_threshold == 0.61 and chosen.strong == 0.61 and rate == 0.0
    chosen, rate = choose_rollup([noisy] + [quiet] * 60, base)  # 1 in 61 is under 2%: the threshold stays
    assert chosen.long_threshold == 0.5 and rate < 0.02
