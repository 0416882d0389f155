"""Flag a stream of JSON lines (the ``newsdesk flag`` command's engine).

Input, one object per line: ``{"id", "title", "text", "url"?, "source_language"?,
"source_id"?}``.  Output, one line per input line, in order: the outcome, or
``{"id", "line", "error"}`` for a line that is not a valid item, so one bad
record never stops the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from pipelines.flagging.engine import evaluate
from pipelines.flagging.ruleset import RuleSet
from pipelines.models import Flag, FlagInput, FlagOutcome


class _BadLine(ValueError):
    def __init__(self, problem: str, item_id: object = None) -> None:
        super().__init__(problem)
        self.item_id = item_id


def _optional_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadLine(f"{key!r} must be a string", obj.get("id"))
    return value


def parse_line(line: str) -> FlagInput:
    """The item on one JSONL line; raises ValueError with a readable reason."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(obj, dict):
        raise _BadLine("expected a JSON object")
    item_id = obj.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or item_id == "":
        raise _BadLine("missing 'id' (a string)", item_id)
    for key in ("title", "text"):
        if not isinstance(obj.get(key, ""), str):
            raise _BadLine(f"{key!r} must be a string", item_id)
    return FlagInput(
        article_id=str(item_id),
        title=obj.get("title", ""),
        text=obj.get("text", ""),
        url=_optional_str(obj, "url"),
        source_id=_optional_str(obj, "source_id"),
        source_language=_optional_str(obj, "source_language"),
    )


def flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "code": flag.code,
        "severity": flag.severity,
        "action": flag.action,
        "score": flag.score,
        "rule_id": flag.rule_id,
        "shadow": flag.shadow,
        "detail": flag.detail,
        "evidence": [{"start": e.start, "end": e.end, "excerpt": e.excerpt, "field": e.field} for e in flag.evidence],
    }


def outcome_json(item_id: str, outcome: FlagOutcome) -> dict[str, Any]:
    return {
        "id": item_id,
        "flags": [flag_json(f) for f in outcome.flags],
        "action": outcome.action,
        "score": outcome.score,
        "rule_version": outcome.rule_version,
    }


def run_jsonl(lines: Iterable[str], out: TextIO, rules: RuleSet) -> int:
    """Evaluate every JSONL item in ``lines``, writing one JSON line each to ``out``.

    Blank lines are skipped; a bad line yields an error line naming its id (if
    any) and line number.  Returns how many items were evaluated.
    """
    done = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = parse_line(line)
        except _BadLine as exc:
            error = {"id": exc.item_id, "line": number, "error": str(exc)}
            out.write(json.dumps(error, ensure_ascii=False) + "\n")
            continue
        outcome = evaluate(rules, item)
        out.write(json.dumps(outcome_json(item.article_id, outcome), ensure_ascii=False) + "\n")
        done += 1
    return done
