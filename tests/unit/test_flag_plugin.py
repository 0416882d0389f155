"""A user detector, named by dotted path in the rules file, behind the Detector protocol."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from config.errors import ConfigError
from pipelines.flagging import evaluate, load_rules
from pipelines.models import FlagInput

PLUGIN = """
from dataclasses import dataclass
from pipelines.flagging import Finding, Params
from pipelines.models import Evidence, FlagInput

@dataclass(frozen=True)
class ShoutDetector:
    min_len: int
    name: str = "shout"

    def detect(self, item: FlagInput) -> list[Finding]:
        words = [w for w in item.text.split() if w.isupper() and len(w) >= self.min_len]
        if not words:
            return []
        start = item.text.index(words[0])
        ev = Evidence(start, start + len(words[0]), words[0], "caps")
        return [Finding(evidence=(ev,), weight=len(words), detail="shouting")]

def make(params: Params) -> ShoutDetector:
    params.only(["min_len"])
    return ShoutDetector(params.integer("min_len", 4))
"""


def _rules_with(tmp_path: Path, params: dict[str, object]) -> Path:
    doc = {
        "version": "p1",
        "codes": {"shouting": "All-caps words."},
        "rules": [
            {
                "id": "shout",
                "code": "shouting",
                "description": "caps",
                "kind": "classifier",
                "detector": "flags_user_plugin:make",
                "params": params,
                "severity": "low",
                "action": "tag",
                "score": 0.25,
            }
        ],
    }
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_a_user_detector_is_loaded_by_dotted_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "flags_user_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    rules = load_rules(_rules_with(tmp_path, {"min_len": 4}))
    outcome = evaluate(rules, FlagInput("x", "", "this is VERY LOUD news"))
    (flag,) = outcome.flags
    assert flag.code == "shouting" and flag.score == 0.5 and flag.evidence[0].excerpt == "VERY"

    with pytest.raises(ConfigError) as caught:
        load_rules(_rules_with(tmp_path, {"minlen": 4}))
    assert caught.value.key == "rules[shout].params.minlen"


def test_a_broken_user_factory_is_a_named_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "flags_broken_plugin.py").write_text(
        "def make(params):\n    raise RuntimeError('boom')\n\ndef not_a_detector(params):\n    return 42\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for target, problem in (
        ("flags_broken_plugin:make", "boom"),
        ("flags_broken_plugin:not_a_detector", "Detector"),
        ("flags_missing_module:make", "cannot import"),
    ):
        path = _rules_with(tmp_path, {})
        path.write_text(path.read_text(encoding="utf-8").replace("flags_user_plugin:make", target), encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_rules(path)
        assert caught.value.key == "rules[shout].detector" and problem in caught.value.problem
