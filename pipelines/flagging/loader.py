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
from typing import Any, cast, get_args

import yaml

from config.errors import ConfigError
from pipelines.flagging.findings import FieldName, Matcher
from pipelines.flagging.matchers import DetectorMatcher, RegexMatcher, TermsMatcher, Unless
from pipelines.flagging.params import ParamError, Params, compile_safe
from pipelines.flagging.registry import resolve
from pipelines.flagging.ruleset import Rule, RuleKind, RuleSet, SourceOverride
from pipelines.flagging.termmatch import TermMatcher, build_index, compile_terms, terms_source
from pipelines.flagging.wordlists import load_wordlist
from pipelines.models import Action, Severity

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LIST_REF = re.compile(r"\{\{list:([a-z0-9_]+)\}\}")
_COMMON = {"id", "code", "description", "kind", "severity", "action", "score", "shadow", "overrides"}
_KIND_KEYS: dict[str, set[str]] = {
    "terms": {"wordlist", "terms", "fields", "min_matches", "word_boundaries", "unless"},
    "regex": {"patterns", "fields", "min_matches", "unless"},
    "detector": {"detector", "params"},
    "classifier": {"detector", "params"},
}
_TOP = {"version", "threshold", "max_chars", "max_evidence", "max_line_chars", "codes", "rules"}
_ACTIONS = ("tag", "flag", "hold", "drop")


class _Fault(Exception):
    """A problem in one field of the rule being read."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def bundled_rules() -> Path:
    """The rules file shipped in the ``config`` package."""
    return Path(str(resources.files("config") / "rules.yaml"))


def _choice(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise _Fault(key, f"{value!r} is not one of {', '.join(allowed)}")
    return cast(str, value)


def _number(raw: Mapping[str, Any], key: str, default: float, minimum: float = 0.0) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise _Fault(key, f"expected a number >= {minimum}, got {value!r}")
    return float(value)


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Fault(key, "is required (a non-empty string)")
    return value


def _fields(raw: Mapping[str, Any]) -> tuple[FieldName, ...]:
    value = raw.get("fields", ["title", "text"])
    allowed = get_args(FieldName)
    if not isinstance(value, list) or not value or any(v not in allowed for v in value):
        raise _Fault("fields", "expected a non-empty list drawn from: title, text")
    return tuple(cast(list[FieldName], value))


def _expand_lists(source: str, local_dir: Path | None) -> str:
    def one(match: re.Match[str]) -> str:
        return "(?:" + terms_source(load_wordlist(match.group(1), local_dir)) + ")"

    return _LIST_REF.sub(one, source)


def _regex(source: object, field: str, local_dir: Path | None) -> re.Pattern[str]:
    if not isinstance(source, str) or not source:
        raise _Fault(field, "expected a regex string")
    try:
        return compile_safe(_expand_lists(source, local_dir), 0, field)
    except ParamError as exc:
        raise _Fault(field, exc.problem) from exc
    except ValueError as exc:  # an unknown {{list:...}}
        raise _Fault(field, str(exc)) from exc


def _unless(raw: Mapping[str, Any], local_dir: Path | None) -> Unless | None:
    value = raw.get("unless")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"pattern", "window"}:
        raise _Fault("unless", "expected {pattern: regex, window: chars}")
    window = int(_number(value, "window", 100))
    return Unless(_regex(value.get("pattern"), "unless.pattern", local_dir), window)


def _min_matches(raw: Mapping[str, Any]) -> int:
    value = raw.get("min_matches", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Fault("min_matches", f"expected an integer >= 1, got {value!r}")
    return value


def _terms_matcher(raw: Mapping[str, Any], rid: str, local_dir: Path | None, max_evidence: int) -> Matcher:
    if ("wordlist" in raw) == ("terms" in raw):
        raise _Fault("terms", "give exactly one of 'terms' (a list) or 'wordlist' (a list name)")
    if "wordlist" in raw:
        try:
            terms = load_wordlist(_text(raw, "wordlist"), local_dir)
        except ValueError as exc:
            raise _Fault("wordlist", str(exc)) from exc
    else:
        value = raw["terms"]
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise _Fault("terms", "expected a list of strings")
        terms = tuple(value)
    boundaries = raw.get("word_boundaries", True)
    if not isinstance(boundaries, bool):
        raise _Fault("word_boundaries", "expected true or false")
    try:
        pattern = compile_terms(terms, boundaries)
    except ValueError as exc:
        raise _Fault("wordlist" if "wordlist" in raw else "terms", str(exc)) from exc
    matcher = TermMatcher(rid, pattern, terms, indexed=boundaries)
    return TermsMatcher(matcher, _fields(raw), _min_matches(raw), max_evidence, _unless(raw, local_dir))


def _regex_matcher(raw: Mapping[str, Any], local_dir: Path | None, max_evidence: int, max_line: int) -> Matcher:
    value = raw.get("patterns")
    if not isinstance(value, list) or not value:
        raise _Fault("patterns", "expected a non-empty list of regexes")
    patterns = tuple(_regex(p, f"patterns[{i}]", local_dir) for i, p in enumerate(value))
    if len(patterns) > 1 and not any(p.groups for p in patterns):
        # One scan instead of one per pattern; patterns with groups (maybe
        # back-references) stay separate because joining renumbers them.
        patterns = (re.compile("|".join(f"(?:{p.pattern})" for p in patterns)),)
    return RegexMatcher(patterns, _fields(raw), _min_matches(raw), max_evidence, max_line, _unless(raw, local_dir))


def _detector_matcher(raw: Mapping[str, Any], local_dir: Path | None, max_evidence: int) -> Matcher:
    name = _text(raw, "detector")
    params = raw.get("params", {}) or {}
    if not isinstance(params, dict):
        raise _Fault("params", "expected a mapping")
    try:
        factory = resolve(name)
    except ValueError as exc:
        raise _Fault("detector", str(exc)) from exc
    try:
        detector = factory(Params(params, local_dir))
    except ParamError as exc:
        raise _Fault(f"params.{exc.name}", exc.problem) from exc
    return DetectorMatcher(detector, max_evidence)


def _overrides(raw: Mapping[str, Any]) -> dict[str, SourceOverride]:
    value = raw.get("overrides", {}) or {}
    if not isinstance(value, dict):
        raise _Fault("overrides", "expected a mapping of source id -> {action, score, disabled}")
    out: dict[str, SourceOverride] = {}
    for source, spec in value.items():
        where = f"overrides.{source}"
        if not isinstance(spec, dict) or not spec or set(spec) - {"action", "score", "disabled"}:
            raise _Fault(where, "expected {action?, score?, disabled?}")
        action = spec.get("action")
        if action is not None and action not in ("none", *_ACTIONS):
            raise _Fault(f"{where}.action", f"{action!r} is not one of none, {', '.join(_ACTIONS)}")
        disabled = spec.get("disabled", False)
        if not isinstance(disabled, bool):
            raise _Fault(f"{where}.disabled", "expected true or false")
        score = _number(spec, "score", 0.0) if "score" in spec else None
        out[str(source)] = SourceOverride(cast(Action | None, action), score, disabled)
    return out


def _rule(raw: Mapping[str, Any], rid: str, codes: Mapping[str, str], local_dir: Path | None,
          max_evidence: int, max_line: int) -> Rule:
    kind = _choice(raw, "kind", tuple(_KIND_KEYS))
    for key in raw:
        if key not in _COMMON and key not in _KIND_KEYS[kind]:
            raise _Fault(str(key), f"unknown field for a {kind} rule")
    code = _text(raw, "code")
    if code not in codes:
        raise _Fault("code", f"{code!r} is not declared under 'codes'")
    shadow = raw.get("shadow", False)
    if not isinstance(shadow, bool):
        raise _Fault("shadow", "expected true or false")
    severity = _choice(raw, "severity", ("info", "low", "medium", "high", "critical"))
    action = _choice(raw, "action", _ACTIONS)
    matcher: Matcher
    if kind == "terms":
        matcher = _terms_matcher(raw, rid, local_dir, max_evidence)
    elif kind == "regex":
        matcher = _regex_matcher(raw, local_dir, max_evidence, max_line)
    else:
        matcher = _detector_matcher(raw, local_dir, max_evidence)
    return Rule(
        id=rid,
        code=code,
        description=_text(raw, "description"),
        kind=cast(RuleKind, kind),
        severity=cast(Severity, severity),
        action=cast(Action, action),
        score=_number(raw, "score", 0.0),
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
        version = _text(doc, "version") if not isinstance(doc.get("version"), int | float) else str(doc["version"])
        threshold = _number(doc, "threshold", 1.0)
        max_chars = int(_number(doc, "max_chars", 200_000, 1))
        max_evidence = int(_number(doc, "max_evidence", 5, 1))
        max_line = int(_number(doc, "max_line_chars", 10_000, 1))
    except _Fault as fault:
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
        except _Fault as fault:
            raise ConfigError(f"rules[{rid}].{fault.field}", fault.problem) from fault
    indexed = [
        r.matcher.terms.terms for r in rules if isinstance(r.matcher, TermsMatcher) and r.matcher.terms.indexed
    ]
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
