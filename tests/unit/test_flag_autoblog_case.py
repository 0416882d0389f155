"""The typical input: a wire story about ISIL scraped onto an auto-blog.

It must come out as spam-ish provenance (autoblog + boilerplate, enough to be
flagged for review) with the group mention only tagged: reporting on an
extremist group is not promoting it, so there is no hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.flagging import evaluate, load_rules
from pipelines.models import FlagInput, StrippedBlock

CASE = json.loads((Path(__file__).parents[1] / "fixtures" / "flags" / "autoblog_isil.json").read_text("utf-8"))


def _item() -> FlagInput:
    stripped = tuple(StrippedBlock(b["category"], b["text"]) for b in CASE["stripped"])
    return FlagInput(
        "isil-1",
        CASE["title"],
        CASE["text"],
        url="https://blog.example/isil",
        source_id="autoblog",
        source_language="en",
        stripped=stripped,
    )


def test_news_about_isil_on_an_autoblog_is_flagged_for_provenance_not_held() -> None:
    rules = load_rules()
    item = _item()
    outcome = evaluate(rules, item)
    by_code = {f.code: f for f in outcome.flags if not f.shadow}

    assert "violent_extremism_promotion" not in by_code
    assert by_code["violent_extremism_mention"].action == "tag"
    mention = by_code["violent_extremism_mention"]
    assert ("title", "ISIL") in {(e.field, e.excerpt) for e in mention.evidence}
    assert {"ISIL", "Islamic State"} <= {e.excerpt for e in mention.evidence if e.field == "text"}

    autoblog = by_code["autoblog_signature"]
    assert {"[ad_1]", "[ad_2]", "Source link", CASE["title"]} <= {e.excerpt for e in autoblog.evidence}
    assert "title_repeated" in autoblog.detail
    assert "Facebook Twitter LinkedIn" in {e.excerpt for e in by_code["leftover_boilerplate"].evidence}

    assert outcome.action == "flag"
    assert outcome.score >= rules.threshold
    for flag in outcome.flags:
        assert flag.rule_version == rules.version and flag.rule_id
        for ev in flag.evidence:
            source = item.title if ev.field == "title" else item.text
            assert source[ev.start : ev.end] == ev.excerpt
