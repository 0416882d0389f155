"""Promotion and demotion write the rules file's next version, comments and layout kept."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines.flagging.loader import load_rules
from review.errors import InvalidInput, NotFound
from review.rulesfile import current_version, next_version, set_shadow, write_shadow

FIXTURE = Path(__file__).parents[1] / "fixtures" / "rules" / "learning.yaml"
TODAY = date(2026, 12, 2)


def test_next_version() -> None:
    assert next_version("2026.01.01-1", TODAY) == "2026.12.02-1"
    assert next_version("2026.12.02-1", TODAY) == "2026.12.02-2"
    assert next_version("anything", TODAY) == "2026.12.02-1"


def test_promote_then_demote(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    shutil.copy(FIXTURE, path)
    change = write_shadow(path, "trial-terms", False, TODAY)
    assert (change.old_version, change.new_version) == ("2026.01.01-1", "2026.12.02-1")
    text = path.read_text(encoding="utf-8")
    assert "# A rule on trial" in text and "shadow: false" in text
    rules = {rule.id: rule for rule in load_rules(path).rules}
    assert not rules["trial-terms"].shadow and load_rules(path).version == "2026.12.02-1"
    write_shadow(path, "spam-terms", True, TODAY)  # no shadow line yet: one is added in the block
    rules = {rule.id: rule for rule in load_rules(path).rules}
    assert rules["spam-terms"].shadow and not rules["trial-terms"].shadow
    assert current_version(path.read_text(encoding="utf-8")) == "2026.12.02-2"


def test_unknown_rule_and_broken_file(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    with pytest.raises(NotFound):
        set_shadow(text, "nope", True, "v")
    with pytest.raises(InvalidInput):
        set_shadow(text.replace('version: "2026.01.01-1"\n', ""), "trial-terms", False, "v")
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("action: flag\n    score: 0.5", "action: explode\n    score: 0.5"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(InvalidInput, match="would not load"):
        write_shadow(path, "trial-terms", False, TODAY)
    assert path.read_text(encoding="utf-8") == before  # nothing half-written
