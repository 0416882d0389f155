"""Bounded time on empty, huge (5 MB) and non-Latin input, and no regex can stall a worker."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import yaml

from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.models import FlagInput


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _timed(rules: RuleSet, item: FlagInput) -> float:
    # Load the language and profanity models first: their one-off load is not what is measured.
    evaluate(rules, FlagInput("warm", "t", "Warm up the models, fucking hell. " * 10, source_language="fr"))
    started = time.monotonic()
    evaluate(rules, item)
    return time.monotonic() - started


def test_empty_input(rules: RuleSet) -> None:
    outcome = evaluate(rules, FlagInput("e", "", ""))
    assert {f.code for f in outcome.flags} == {"extraction_failed"}


def test_five_megabytes_of_text_in_bounded_time(rules: RuleSet) -> None:
    rng = random.Random(5)
    words = ["council", "budget", "isis", "share", "the", "of", "bridge", "a" * 40, "[ad_1]", "ünïcödé"]
    text = " ".join(rng.choices(words, k=700_000))[: 5 * 1024 * 1024]
    assert len(text) >= 5_000_000
    assert _timed(rules, FlagInput("big", "Big", text, source_language="en")) < 10.0


def test_five_megabytes_on_one_line_of_one_letter(rules: RuleSet) -> None:
    assert _timed(rules, FlagInput("aaa", "a", "a" * 5_000_000 + "!")) < 10.0


@pytest.mark.parametrize(
    "sample",
    ["Москва — столица России. " * 4000, "東京は日本の首都です。" * 8000, "القاهرة هي عاصمة مصر. " * 4000],
)
def test_non_latin_texts(rules: RuleSet, sample: str) -> None:
    item = FlagInput("nl", sample[:40], sample, source_language="en")
    assert _timed(rules, item) < 10.0
    outcome = evaluate(rules, item)
    assert "language_mismatch" in {f.code for f in outcome.flags}


def test_a_long_wildcard_regex_is_bounded(tmp_path: Path) -> None:
    # "a.{0,1000}y" passes the load check (".*" would not); on a 200k-char line
    # with no "y" each start costs at most the bound, pieces cap the rest.
    doc = {
        "version": "q",
        "max_line_chars": 10000,
        "codes": {"hate": "h"},
        "rules": [
            {
                "id": "q",
                "code": "hate",
                "description": "q",
                "kind": "regex",
                "patterns": [r"a.{0,1000}y"],
                "severity": "low",
                "action": "tag",
            }
        ],
    }
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    started = time.monotonic()
    evaluate(load_rules(path), FlagInput("q", "", "ax" * 100_000))
    assert time.monotonic() - started < 10.0
