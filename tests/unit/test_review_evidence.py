"""The desk marks every match of a terms or regex rule, not only the evidence processing kept."""

from __future__ import annotations

from pathlib import Path

from pipelines.flagging.loader import load_rules
from review.evidence import complete, rules_for_marking
from review.highlight import spans_for

FIXTURE = Path(__file__).parents[1] / "fixtures" / "rules" / "learning.yaml"
TEXT = "Casino bonus! Free spins, cheap pills. More free spins and a casino bonus, then cheap pills again."


def test_rerun_finds_matches_beyond_the_stored_five() -> None:
    rules = load_rules(FIXTURE)
    stored = [
        {"rule_id": "spam-terms", "code": "spam", "evidence": [{"start": 0, "end": 12, "excerpt": "Casino bonus"}]}
    ]
    marked = complete(rules, stored, "title", TEXT)
    spans = spans_for(TEXT, marked, "text")
    assert sorted({TEXT[s.start : s.end].lower() for s in spans}) == ["casino bonus", "cheap pills", "free spins"]
    assert len(spans) == 6
    assert len(spans_for(TEXT, stored, "text")) == 2  # stored evidence alone: the excerpt and its repeat


def test_unknown_rules_and_unloadable_files_keep_stored_evidence(tmp_path: Path) -> None:
    stored = [{"rule_id": "gone", "code": "spam", "evidence": []}]
    assert complete(load_rules(FIXTURE), stored, "", TEXT) == tuple(stored)
    assert complete(None, stored, "", TEXT) == tuple(stored)
    broken = tmp_path / "rules.yaml"
    broken.write_text("version: 1\nrules: nope\n", encoding="utf-8")
    assert rules_for_marking(broken) is None
    assert rules_for_marking(tmp_path / "missing.yaml") is None
