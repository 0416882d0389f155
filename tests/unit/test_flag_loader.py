"""Rules files: the bundled one loads; malformed ones are refused naming rule id and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from config.errors import ConfigError
from pipelines.flagging import load_rules

CODES = {"hate": "Hate speech.", "autoblog_signature": "Auto-blog residue."}


def _rule(**changes: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "r1",
        "code": "hate",
        "description": "test rule",
        "kind": "regex",
        "patterns": ["\\bvermin\\b"],
        "severity": "high",
        "action": "flag",
        "score": 0.5,
    }
    rule.update(changes)
    return {k: v for k, v in rule.items() if v is not None}


def _write(tmp_path: Path, *rules: dict[str, Any], **top: Any) -> Path:
    doc = {"version": "t1", "codes": CODES, "rules": list(rules), **top}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    return caught.value


def test_the_bundled_rules_load_with_a_version_and_every_code_described() -> None:
    rules = load_rules()
    assert rules.version
    used = {rule.code for rule in rules.rules}
    assert used <= set(rules.codes)
    for code in (
        "violent_extremism_promotion",
        "violent_extremism_mention",
        "graphic_violence",
        "hate",
        "profanity",
        "autoblog_signature",
        "leftover_boilerplate",
        "near_duplicate_of_other_source",
        "too_short",
        "extraction_failed",
        "language_mismatch",
        "title_body_mismatch",
    ):
        assert code in used and rules.codes[code].strip()


def test_a_valid_minimal_file_loads(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, _rule()))
    assert rules.version == "t1" and [r.id for r in rules.rules] == ["r1"]


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        ({"description": None}, "rules[r1].description", "required"),
        ({"action": "quarantine"}, "rules[r1].action", "not one of"),
        ({"severity": "extreme"}, "rules[r1].severity", "not one of"),
        ({"kind": "magic"}, "rules[r1].kind", "not one of"),
        ({"code": "undeclared"}, "rules[r1].code", "not declared"),
        ({"patterns": ["(unclosed"]}, "rules[r1].patterns[0]", "bad regex"),
        ({"patterns": ["ok", r"(a)\1"]}, "rules[r1].patterns[1]", "back-reference"),
        ({"patterns": ["(?<!x)y"]}, "rules[r1].patterns[0]", "look-around"),
        ({"score": "high"}, "rules[r1].score", "number"),
        ({"shadow": "yes"}, "rules[r1].shadow", "true or false"),
        ({"treshold": 2}, "rules[r1].treshold", "unknown field"),
        ({"overrides": {"src": {"action": "explode"}}}, "rules[r1].overrides.src.action", "not one of"),
        ({"kind": "terms", "patterns": None, "wordlist": "no_such_list"}, "rules[r1].wordlist", "no word list"),
        ({"kind": "terms", "patterns": None}, "rules[r1].terms", "exactly one"),
        ({"kind": "detector", "patterns": None, "detector": "nope"}, "rules[r1].detector", "unknown detector"),
        (
            {"kind": "detector", "patterns": None, "detector": "too_short", "params": {"min_words": "ten"}},
            "rules[r1].params.min_words",
            "integer",
        ),
        (
            {"kind": "detector", "patterns": None, "detector": "signatures", "params": {"patterns": {"x": "(a*"}}},
            "rules[r1].params.patterns.x",
            "bad regex",
        ),
        ({"unless": {"pattern": "(?=a)", "window": 10}}, "rules[r1].unless.pattern", "look-around"),
    ],
)
def test_malformed_rules_are_refused_naming_rule_and_field(
    tmp_path: Path, changes: dict[str, Any], key: str, problem: str
) -> None:
    error = _refused(_write(tmp_path, _rule(**changes)))
    assert error.key == key
    assert problem in error.problem


def test_missing_id_and_duplicate_id_are_named(tmp_path: Path) -> None:
    assert _refused(_write(tmp_path, _rule(id=None))).key == "rules[#0].id"
    assert _refused(_write(tmp_path, _rule(), _rule())).key == "rules[r1].id"


def test_missing_version_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"codes": CODES, "rules": [_rule()]}), encoding="utf-8")
    assert _refused(path).key == "version"
    path.write_text("rules: [unclosed", encoding="utf-8")
    assert "YAML" in _refused(path).problem


def test_local_word_lists_next_to_the_rules_file_are_used(tmp_path: Path) -> None:
    (tmp_path / "wordlists").mkdir()
    (tmp_path / "wordlists" / "mine.txt").write_text("# comment\nfoo bar\n\nbaz*\n", encoding="utf-8")
    rules = load_rules(_write(tmp_path, _rule(kind="terms", patterns=None, wordlist="mine")))
    assert rules.term_index is not None
