"""Hole 4: user patterns run in linear time (RE2), whatever they are; what RE2 cannot do is refused at load."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from config.errors import ConfigError
from config.patterns import UnsafePattern, compile_pattern
from config.sources import parse_sources
from pipelines.flagging import load_rules

# The patterns that got past the old shape guard, and classics it did catch, with the input that makes a
# backtracking engine explode (Python's re took 39 s on (a?a?)+$ with 21 characters).
CATASTROPHIC = [
    (r"(a?a?)+$", "a" * 21 + "!"),
    (r"(a{1,16}){1,16}$", "a" * 200 + "!"),
    (r"(\w\w?)+$", "a" * 40 + "!"),
    (r"\d*\d*\d*\d*\d*\d*x", "1" * 300),
    (r"(.{0,16}){0,16}z", "a" * 300),
    (r"(a+)+$", "a" * 40 + "!"),
    (r"(x|xy)*z", "xy" * 40),
    (r"^(\w+\s?)*$", "word " * 30 + "!"),
]
LONG = 200_000  # characters: a long hostile page or URL list


@pytest.mark.parametrize(("pattern", "attack"), CATASTROPHIC)
def test_catastrophic_patterns_match_in_linear_time(pattern: str, attack: str) -> None:
    compiled = compile_pattern(pattern)
    started = time.perf_counter()
    compiled.search(attack)
    short = time.perf_counter() - started
    long_attack = (attack * (LONG // len(attack) + 1))[:LONG]
    started = time.perf_counter()
    compiled.search(long_attack)
    assert short < 0.5 and time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("pattern", "fault"),
    [
        (r"(a)\1", "back-reference"),
        (r"(?P<w>a)(?P=w)", "back-reference"),
        (r"(?<!not )guilty", "look-around"),
        (r"x(?=y)", "look-around"),
        (r"[\W]", "inside [...]"),
        (r"(unclosed", "missing )"),
        ("((a{100}){100}){100}", "repetition size"),  # a program too large to build
    ],
)
def test_what_re2_cannot_do_is_refused_with_the_reason(pattern: str, fault: str) -> None:
    with pytest.raises(UnsafePattern, match=re.escape(fault)):
        compile_pattern(pattern)


def test_python_meaning_of_classes_is_kept_on_any_script() -> None:
    assert [m.group() for m in compile_pattern(r"\w+").finditer("привет, мир 42")] == ["привет", "мир", "42"]
    assert compile_pattern(r"\d+").search("٤٢") is not None  # Arabic-Indic digits are digits in Python too
    assert compile_pattern(r"[\w-]+$").search("naïve-café") is not None
    assert compile_pattern(r"^source link$", re.MULTILINE).search("text\nsource link\nmore") is not None
    # Atomic groups and possessive quantifiers only ever guarded against backtracking: read as plain ones.
    assert compile_pattern(r"(?>ab|a)c").search("xabc") is not None
    assert compile_pattern(r"a++b").search("aaab") is not None
    compiled = compile_pattern(r"b(a)")
    assert compiled.groups == 1 and compiled.pattern == r"b(a)"
    match = compiled.search("xxbaxx", 1, 4)
    assert match is not None and (match.start(), match.end()) == (2, 4)


def test_a_rules_file_with_a_catastrophic_pattern_loads_and_runs_fast(tmp_path: Path) -> None:
    rule = {
        "id": "r1", "description": "d", "code": "c", "severity": "low", "action": "flag", "score": 1.0,
        "kind": "regex", "patterns": [r"(a?a?)+$", r"\d*\d*\d*\d*\d*\d*x"],
    }  # fmt: skip
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"version": "t1", "codes": {"c": "a code"}, "rules": [rule]}), encoding="utf-8")
    started = time.perf_counter()
    load_rules(path)
    assert time.perf_counter() - started < 5.0


def source(**changes: object) -> dict[str, object]:
    return {"id": "s", "name": "S", "kind": "site", "start_urls": ["http://s.test/"], **changes}


def test_sources_allow_and_deny_run_in_linear_time() -> None:
    (parsed,) = parse_sources({"sources": [source(allow=[r"/news/"], deny=[r"(a?a?)+$", r"(.{0,16}){0,16}z"])]})
    hostile = "http://s.test/news/" + "a" * 5000 + "!"
    started = time.perf_counter()
    assert not parsed.wants(hostile)  # "(a?a?)+$" matches (empty at the end): denied, and at once
    assert time.perf_counter() - started < 1.0
    (strict,) = parse_sources({"sources": [source(allow=[r"/news/\d+$"], deny=[r"/news/0"])]})
    assert strict.wants("http://s.test/news/42") and not strict.wants("http://s.test/news/042")
    assert not strict.wants("http://s.test/about")


def test_a_source_pattern_re2_cannot_run_is_refused_naming_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources({"sources": [source(deny=[r"(?<=x)y"])]})
    assert "deny" in caught.value.key and "look-around" in caught.value.problem
