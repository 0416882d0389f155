"""Typed access to a rule's ``params`` mapping, with errors that name the field.

Detector factories read their settings through :class:`Params`; a wrong type or
an unknown key raises :class:`ParamError`, which the loader turns into a
:class:`~config.errors.ConfigError` naming the rule id and ``params.<field>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.flagging.normalize import fold_pattern
from pipelines.flagging.regexsafety import UnsafePattern, UserPattern, compile_pattern
from pipelines.flagging.termmatch import terms_source
from pipelines.flagging.wordlists import load_wordlist

_LIST_REF = re.compile(r"\{\{list:([a-z0-9_]+)\}\}")


def expand_lists(source: str, local_dir: Path | None) -> str:
    """``source`` with every ``{{list:name}}`` replaced by a group matching that word list's terms."""

    def one(match: re.Match[str]) -> str:
        return "(?:" + terms_source(load_wordlist(match.group(1), local_dir)) + ")"

    return _LIST_REF.sub(one, source)


class ParamError(ValueError):
    """A detector parameter is missing, mistyped or invalid."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


@dataclass(frozen=True)
class Params:
    """One rule's parameters plus where to look for its word lists."""

    values: Mapping[str, object] = field(default_factory=dict)
    local_dir: Path | None = None

    def only(self, names: Iterable[str]) -> None:
        """Refuse keys outside ``names`` (catches typos such as ``treshold``)."""
        allowed = set(names)
        for key in self.values:
            if key not in allowed:
                raise ParamError(key, f"unknown parameter (allowed: {', '.join(sorted(allowed))})")

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamError(name, f"expected a number, got {value!r}")
        return float(value)

    def integer(self, name: str, default: int) -> int:
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ParamError(name, f"expected a non-negative integer, got {value!r}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        if not isinstance(value, bool):
            raise ParamError(name, f"expected true or false, got {value!r}")
        return value

    def string(self, name: str, default: str | None = None) -> str:
        value = self.values.get(name, default)
        if not isinstance(value, str):
            raise ParamError(name, "expected a string" if value is not None else "is required")
        return value

    def strings(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.values.get(name, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParamError(name, "expected a list of strings")
        return tuple(value)

    def pattern(self, name: str) -> UserPattern:
        """The regex of parameter ``name`` for folded text; ``{{list:name}}`` embeds a word list."""
        try:
            return compile_safe(expand_lists(self.string(name), self.local_dir), 0, name)
        except ParamError:
            raise
        except ValueError as exc:  # an unknown {{list:...}}
            raise ParamError(name, str(exc)) from exc

    def wordlist(self, name: str) -> tuple[str, ...]:
        """The terms of the word list named by parameter ``name``."""
        try:
            return load_wordlist(self.string(name), self.local_dir)
        except ValueError as exc:
            raise ParamError(name, str(exc)) from exc

    def patterns(self, name: str, flags: int = 0) -> dict[str, UserPattern]:
        """A ``{label: regex}`` mapping for folded text, each checked for catastrophic backtracking."""
        value = self.values.get(name)
        if not isinstance(value, dict) or not value:
            raise ParamError(name, "expected a non-empty mapping of label: regex")
        compiled: dict[str, UserPattern] = {}
        for label, source in value.items():
            if not isinstance(source, str):
                raise ParamError(f"{name}.{label}", "expected a regex string")
            compiled[str(label)] = compile_safe(source, flags, f"{name}.{label}")
        return compiled


def compile_safe(source: str, flags: int, where: str) -> UserPattern:
    """Compile ``source`` for matching on folded text, with the linear-time engine.

    The pattern is folded like the text (lower case, no accents), so it matches
    case- and accent-insensitively; ParamError names ``where``.
    """
    try:
        return compile_pattern(fold_pattern(source), flags)
    except UnsafePattern as exc:
        raise ParamError(where, f"bad regex: {exc}") from exc
