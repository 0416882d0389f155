"""Combination: highest action wins, scores add up to a flag, shadow rules record only,
per-source overrides change or switch off a rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.flagging import combine, evaluate, load_rules
from pipelines.models import Flag, FlagInput

CODES = {"hate": "h", "profanity": "p", "graphic_violence": "g"}


def _rules(tmp_path: Path, *rules: dict[str, Any], threshold: float = 1.0) -> Path:
    path = tmp_path / "rules.yaml"
    doc = {"version": "c1", "threshold": threshold, "codes": CODES, "rules": list(rules)}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _terms(rid: str, terms: list[str], action: str, score: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "code": "hate",
        "description": rid,
        "kind": "terms",
        "terms": terms,
        "severity": "medium",
        "action": action,
        "score": score,
        **extra,
    }


def _flag(action: str, score: float, shadow: bool = False) -> Flag:
    return Flag(code="hate", severity="low", action=action, score=score, shadow=shadow)  # type: ignore[arg-type]


def test_highest_action_wins_and_scores_add() -> None:
    outcome = combine([_flag("tag", 0.2), _flag("hold", 0.3), _flag("flag", 0.1)], 10.0, "v")
    assert outcome.action == "hold" and outcome.score == 0.6


def test_scores_reaching_the_threshold_make_at_least_a_flag() -> None:
    assert combine([_flag("tag", 0.5), _flag("tag", 0.5)], 1.0, "v").action == "flag"
    assert combine([_flag("tag", 0.5), _flag("tag", 0.4)], 1.0, "v").action == "tag"
    assert combine([_flag("hold", 0.5), _flag("tag", 0.6)], 1.0, "v").action == "hold"
    assert combine([], 1.0, "v").action == "none"


def test_shadow_flags_are_recorded_but_do_not_act(tmp_path: Path) -> None:
    rules = load_rules(
        _rules(tmp_path, _terms("live", ["alpha"], "tag", 0.1), _terms("trial", ["beta"], "drop", 5.0, shadow=True))
    )
    outcome = evaluate(rules, FlagInput("x", "", "alpha and beta"))
    trial = next(f for f in outcome.flags if f.rule_id == "trial")
    assert trial.shadow and trial.action == "drop" and trial.evidence[0].excerpt == "beta"
    assert outcome.action == "tag" and outcome.score == 0.1


def test_per_source_overrides_change_action_score_or_disable(tmp_path: Path) -> None:
    rule = _terms(
        "r",
        ["alpha"],
        "hold",
        1.0,
        overrides={
            "satire-site": {"action": "tag", "score": 0.2},
            "archive": {"disabled": True},
        },
    )
    rules = load_rules(_rules(tmp_path, rule))
    text = "alpha"
    default = evaluate(rules, FlagInput("x", "", text, source_id="wire"))
    satire = evaluate(rules, FlagInput("x", "", text, source_id="satire-site"))
    archive = evaluate(rules, FlagInput("x", "", text, source_id="archive"))
    assert (default.action, default.score) == ("hold", 1.0)
    assert (satire.action, satire.score) == ("tag", 0.2)
    assert archive.flags == () and archive.action == "none"


def test_min_matches_and_fields(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, _terms("two", ["gory"], "tag", 0.1, min_matches=2, fields=["text"])))
    assert evaluate(rules, FlagInput("x", "gory gory", "gory")).flags == ()
    flag = evaluate(rules, FlagInput("x", "", "gory, so gory")).flags[0]
    assert [(e.start, e.end) for e in flag.evidence] == [(0, 4), (9, 13)]
