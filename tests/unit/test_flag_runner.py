"""The JSONL runner: one output line per input line, errors as lines, round-trips."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pipelines.flagging import load_rules, run_jsonl

ITEMS = Path(__file__).parents[1] / "fixtures" / "flags" / "items.jsonl"


def test_jsonl_round_trip_with_bad_lines() -> None:
    lines = ITEMS.read_text(encoding="utf-8").splitlines(keepends=True)
    out = io.StringIO()
    count = run_jsonl(lines, out, load_rules())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == 3
    assert len(records) == 5  # the blank line is skipped, every other line answers

    clean, blog, not_json, no_id, numeric = records
    assert clean["id"] == "clean-1" and clean["action"] == "none" and clean["flags"] == []

    assert blog["id"] == "blog-1" and blog["action"] == "flag"
    codes = {f["code"] for f in blog["flags"]}
    assert {"autoblog_signature", "violent_extremism_mention"} <= codes
    source = json.loads(lines[1])["text"]
    for flag in blog["flags"]:
        assert set(flag) >= {"code", "severity", "action", "score", "evidence"}
        for ev in flag["evidence"]:
            assert source[ev["start"] : ev["end"]] == ev["excerpt"]

    assert not_json["line"] == 3 and "not JSON" in not_json["error"]
    assert no_id["line"] == 4 and "id" in no_id["error"]
    assert numeric["id"] == "7" and {f["code"] for f in numeric["flags"]} == {"extraction_failed"}
