"""Validation helpers for one rule's fields, and the compilers for each rule kind.

Every problem raises :class:`Fault` naming the field; :mod:`pipelines.flagging.loader`
adds the rule id and turns it into a :class:`~config.errors.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast, get_args

from pipelines.flagging.findings import Detector, FieldName, Matcher
from pipelines.flagging.matchers import DetectorMatcher, RegexMatcher, TermsMatcher, Unless
from pipelines.flagging.params import ParamError, Params, compile_safe, expand_lists
from pipelines.flagging.regexsafety import UserPattern
from pipelines.flagging.registry import resolve
from pipelines.flagging.termmatch import TermMatcher, compile_terms
from pipelines.flagging.wordlists import load_wordlist


class Fault(Exception):
    """A problem in one field of the rule being read."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def choice(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise Fault(key, f"{value!r} is not one of {', '.join(allowed)}")
    return cast(str, value)


def number(raw: Mapping[str, Any], key: str, default: float, minimum: float = 0.0) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise Fault(key, f"expected a number >= {minimum}, got {value!r}")
    return float(value)


def required_text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Fault(key, "is required (a non-empty string)")
    return value


def _fields(raw: Mapping[str, Any]) -> tuple[FieldName, ...]:
    value = raw.get("fields", ["title", "text"])
    allowed = get_args(FieldName)
    if not isinstance(value, list) or not value or any(v not in allowed for v in value):
        raise Fault("fields", "expected a non-empty list drawn from: title, text")
    return tuple(cast(list[FieldName], value))


def _regex(source: object, field: str, local_dir: Path | None) -> UserPattern:
    if not isinstance(source, str) or not source:
        raise Fault(field, "expected a regex string")
    try:
        return compile_safe(expand_lists(source, local_dir), 0, field)
    except ParamError as exc:
        raise Fault(field, exc.problem) from exc
    except ValueError as exc:  # an unknown {{list:...}}
        raise Fault(field, str(exc)) from exc


def _unless(raw: Mapping[str, Any], local_dir: Path | None) -> Unless | None:
    value = raw.get("unless")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"pattern", "window"}:
        raise Fault("unless", "expected {pattern: regex, window: chars}")
    window = int(number(value, "window", 100))
    return Unless(_regex(value.get("pattern"), "unless.pattern", local_dir), window)


def _min_matches(raw: Mapping[str, Any]) -> int:
    value = raw.get("min_matches", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Fault("min_matches", f"expected an integer >= 1, got {value!r}")
    return value


def terms_matcher(raw: Mapping[str, Any], rid: str, local_dir: Path | None, max_evidence: int) -> Matcher:
    if ("wordlist" in raw) == ("terms" in raw):
        raise Fault("terms", "give exactly one of 'terms' (a list) or 'wordlist' (a list name)")
    if "wordlist" in raw:
        try:
            terms = load_wordlist(required_text(raw, "wordlist"), local_dir)
        except ValueError as exc:
            raise Fault("wordlist", str(exc)) from exc
    else:
        value = raw["terms"]
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise Fault("terms", "expected a list of strings")
        terms = tuple(value)
    boundaries = raw.get("word_boundaries", True)
    if not isinstance(boundaries, bool):
        raise Fault("word_boundaries", "expected true or false")
    try:
        pattern = compile_terms(terms, boundaries)
    except ValueError as exc:
        raise Fault("wordlist" if "wordlist" in raw else "terms", str(exc)) from exc
    matcher = TermMatcher(rid, pattern, terms, indexed=boundaries)
    return TermsMatcher(matcher, _fields(raw), _min_matches(raw), max_evidence, _unless(raw, local_dir))


def regex_matcher(raw: Mapping[str, Any], local_dir: Path | None, max_evidence: int, max_line: int) -> Matcher:
    value = raw.get("patterns")
    if not isinstance(value, list) or not value:
        raise Fault("patterns", "expected a non-empty list of regexes")
    patterns = tuple(_regex(p, f"patterns[{i}]", local_dir) for i, p in enumerate(value))
    if len(patterns) > 1 and not any(p.groups for p in patterns):
        # One scan instead of one per pattern; patterns with groups (maybe
        # back-references) stay separate because joining renumbers them.
        patterns = (compile_safe("|".join(f"(?:{p.pattern})" for p in patterns), 0, "patterns"),)
    return RegexMatcher(patterns, _fields(raw), _min_matches(raw), max_evidence, max_line, _unless(raw, local_dir))


def detector_matcher(raw: Mapping[str, Any], local_dir: Path | None, max_evidence: int) -> Matcher:
    name = required_text(raw, "detector")
    params = raw.get("params", {}) or {}
    if not isinstance(params, dict):
        raise Fault("params", "expected a mapping")
    try:
        factory = resolve(name)
    except ValueError as exc:
        raise Fault("detector", str(exc)) from exc
    try:
        detector = factory(Params(params, local_dir))
    except ParamError as exc:
        raise Fault(f"params.{exc.name}", exc.problem) from exc
    except Exception as exc:  # a user factory's own bug: still a start-up config error, named
        raise Fault("detector", f"factory {name!r} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(detector, Detector):
        raise Fault("detector", f"factory {name!r} did not return a Detector (needs .name and .detect)")
    return DetectorMatcher(detector, max_evidence)
