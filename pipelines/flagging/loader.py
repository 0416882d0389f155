"""Read, validate and compile a rules file (YAML) into a :class:`RuleSet`.

Everything is checked and compiled here, once: a malformed file raises
:class:`~config.errors.ConfigError` whose key names the rule and the field
(``rules[hate-slurs].action``), so a bad rule stops start-up instead of
surfacing on the first article.  Regex rules may embed a word list with
``{{list:name}}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from config.errors import ConfigError
from pipelines.flagging.findings import Matcher
from pipelines.flagging.matchers import TermsMatcher
from pipelines.flagging.rulekinds import (
    Fault,
    choice,
    detector_matcher,
    number,
    regex_matcher,
    required_text,
    terms_matcher,
)
from pipelines.flagging.ruleset import Rule, RuleKind, RuleSet, SourceOverride
from pipelines.flagging.termmatch import build_index
from pipelines.models import Action, Severity

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_COMMON = {"id", "code", "description", "kind", "severity", "action", "score", "shadow", "overrides"}
_KIND_KEYS: dict[str, set[str]] = {
    "terms": {"wordlist", "terms", "fields", "min_matches", "word_boundaries", "unless"},
    "regex": {"patterns", "fields", "min_matches", "unless"},
    "detector": {"detector", "params"},
    "classifier": {"detector", "params"},
}
_TOP = {"version", "threshold", "max_chars", "max_evidence", "max_line_chars", "codes", "rules"}
_ACTIONS = ("tag", "flag", "hold", "drop")


def bundled_rules() -> Path:
    """The rules file shipped in the ``config`` package."""
    return Path(str(resources.files("config") / "rules.yaml"))


def _overrides(raw: Mapping[str, Any]) -> dict[str, SourceOverride]:
    value = raw.get("overrides", {}) or {}
    if not isinstance(value, dict):
        raise Fault("overrides", "expected a mapping of source id -> {action, score, disabled}")
    out: dict[str, SourceOverride] = {}
    for source, spec in value.items():
        where = f"overrides.{source}"
        if not isinstance(spec, dict) or not spec or set(spec) - {"action", "score", "disabled"}:
            raise Fault(where, "expected {action?, score?, disabled?}")
        action = spec.get("action")
        if action is not None and action not in ("none", *_ACTIONS):
            raise Fault(f"{where}.action", f"{action!r} is not one of none, {', '.join(_ACTIONS)}")
        disabled = spec.get("disabled", False)
        if not isinstance(disabled, bool):
            raise Fault(f"{where}.disabled", "expected true or false")
        score = number(spec, "score", 0.0) if "score" in spec else None
        out[str(source)] = SourceOverride(cast(Action | None, action), score, disabled)
    return out


def _rule(
    raw: Mapping[str, Any], rid: str, codes: Mapping[str, str], local_dir: Path | None, max_evidence: int, max_line: int
) -> Rule:
    kind = choice(raw, "kind", tuple(_KIND_KEYS))
    for key in raw:
        if key not in _COMMON and key not in _KIND_KEYS[kind]:
            raise Fault(str(key), f"unknown field for a {kind} rule")
    code = required_text(raw, "code")
    if code not in codes:
        raise Fault("code", f"{code!r} is not declared under 'codes'")
    shadow = raw.get("shadow", False)
    if not isinstance(shadow, bool):
        raise Fault("shadow", "expected true or false")
    severity = choice(raw, "severity", ("info", "low", "medium", "high", "critical"))
    action = choice(raw, "action", _ACTIONS)
    matcher: Matcher
    if kind == "terms":
        matcher = terms_matcher(raw, rid, local_dir, max_evidence)
    elif kind == "regex":
        matcher = regex_matcher(raw, local_dir, max_evidence, max_line)
    else:
        matcher = detector_matcher(raw, local_dir, max_evidence)
    return Rule(
        id=rid,
        code=code,
        description=required_text(raw, "description"),
        kind=cast(RuleKind, kind),
        severity=cast(Severity, severity),
        action=cast(Action, action),
        score=number(raw, "score", 0.0),
        matcher=matcher,
        shadow=shadow,
        overrides=_overrides(raw),
    )


def _codes(doc: Mapping[str, Any]) -> dict[str, str]:
    codes = doc.get("codes")
    if not isinstance(codes, dict) or not codes:
        raise ConfigError("codes", "expected a mapping of reason code -> description")
    for code, text in codes.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"codes.{code}", "needs a description")
    return {str(k): v for k, v in codes.items()}


def _settings(doc: Mapping[str, Any]) -> tuple[str, float, int, int, int]:
    for key in doc:
        if key not in _TOP:
            raise ConfigError(str(key), f"unknown top-level key (allowed: {', '.join(sorted(_TOP))})")
    try:
        raw_version = doc.get("version")
        # A bare YAML number (version: 3) is accepted and kept as text.
        version = str(raw_version) if isinstance(raw_version, int | float) else required_text(doc, "version")
        threshold = number(doc, "threshold", 1.0)
        max_chars = int(number(doc, "max_chars", 200_000, 1))
        max_evidence = int(number(doc, "max_evidence", 5, 1))
        max_line = int(number(doc, "max_line_chars", 10_000, 1))
    except Fault as fault:
        raise ConfigError(fault.field, fault.problem) from fault
    return version, threshold, max_chars, max_evidence, max_line


def parse_rules(doc: object, local_dir: Path | None = None) -> RuleSet:
    """Compile an already-parsed rules document (a mapping) into a :class:`RuleSet`."""
    if not isinstance(doc, dict):
        raise ConfigError("rules file", "expected a mapping at the top level")
    version, threshold, max_chars, max_evidence, max_line = _settings(doc)
    codes = _codes(doc)
    raw_rules = doc.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigError("rules", "expected a non-empty list of rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(rid, str) or not _ID.match(rid):
            raise ConfigError(f"rules[#{index}].id", f"missing or invalid rule id {rid!r}")
        if rid in seen:
            raise ConfigError(f"rules[{rid}].id", "duplicate rule id")
        seen.add(rid)
        try:
            rules.append(_rule(raw, rid, codes, local_dir, max_evidence, max_line))
        except Fault as fault:
            raise ConfigError(f"rules[{rid}].{fault.field}", fault.problem) from fault
    indexed = [r.matcher.terms.terms for r in rules if isinstance(r.matcher, TermsMatcher) and r.matcher.terms.indexed]
    return RuleSet(version, threshold, tuple(rules), codes, max_chars, max_evidence, build_index(indexed))


def load_rules(path: Path | None = None) -> RuleSet:
    """Load and compile a rules file (``None``: the bundled ``config/rules.yaml``).

    Raises :class:`~config.errors.ConfigError` naming the rule id and field at fault.
    """
    target = path if path is not None else bundled_rules()
    try:
        doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(target), f"cannot read rules file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(str(target), f"not valid YAML: {exc}") from exc
    return parse_rules(doc, target.parent if path is not None else None)
