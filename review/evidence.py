"""Every match, not just the few a rule keeps: the desk re-runs a flag's terms or regex rule over the text.

Processing keeps at most ``max_evidence`` spans per flag (a flag says "12 matches" and stores five).  For
marking, the desk runs the same rule from the current rules file again with no cap; detector and
classifier rules, and rules no longer in the file, keep their stored evidence (and
:func:`review.highlight.spans_for` still marks every repeat of it).  Loading the rules file is cached per
file version.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from pipelines.flagging.findings import ItemView
from pipelines.flagging.loader import load_rules
from pipelines.flagging.matchers import RegexMatcher, TermsMatcher
from pipelines.flagging.ruleset import RuleSet
from pipelines.models import FlagInput
from review.highlight import MAX_SPANS

log = logging.getLogger(__name__)
RERUN = (TermsMatcher, RegexMatcher)


@lru_cache(maxsize=4)
def _rules(path: str, _version: int) -> RuleSet | None:
    try:
        return load_rules(Path(path))
    except ConfigError as exc:
        log.warning("review desk: rules file %s does not load (%s); marking stored evidence only", path, exc)
        return None


def rules_for_marking(path: Path) -> RuleSet | None:
    """The rules file at ``path``, loaded once per modification."""
    try:
        version = path.stat().st_mtime_ns
    except OSError:
        return None
    return _rules(str(path), version)


def complete(
    rules: RuleSet | None, flag_rows: Iterable[Mapping[str, Any]], title: str, text: str
) -> tuple[dict[str, Any], ...]:
    """The flags with the evidence of every match their rule finds now (stored evidence kept too)."""
    by_id = {rule.id: rule for rule in rules.rules} if rules is not None else {}
    view = ItemView(FlagInput(article_id="", title=title, text=text), rules.term_index if rules else None)
    out = []
    for flag in flag_rows:
        row = dict(flag)
        rule = by_id.get(str(flag.get("rule_id", "")))
        if rule is not None and rule.code == flag.get("code") and isinstance(rule.matcher, RERUN):
            matcher = dataclasses.replace(rule.matcher, max_evidence=MAX_SPANS, min_matches=1)
            found = [
                {"start": e.start, "end": e.end, "excerpt": e.excerpt, "field": e.field}
                for finding in matcher.find(view)
                for e in finding.evidence
            ]
            row["evidence"] = list(flag.get("evidence") or []) + found
        out.append(row)
    return tuple(out)
