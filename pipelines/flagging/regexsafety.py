"""Flag rules' regexes are user patterns: compiled by RE2, so matching is linear in the text (see config.patterns).

This replaces a guard that scanned pattern source for catastrophic-backtracking
shapes and let ``(a?a?)+$``, ``(a{1,16}){1,16}$``, ``(\\w\\w?)+$``,
``\\d*\\d*\\d*\\d*\\d*\\d*x`` and ``(.{0,16}){0,16}z`` through: with a linear-time
engine there is no shape to spot.  Constructs RE2 lacks (back-references,
look-around) are refused at load time with a one-line error.
"""

from __future__ import annotations

from config.patterns import PatternMatch, UnsafePattern, UserPattern, compile_pattern

__all__ = ["PatternMatch", "UnsafePattern", "UserPattern", "check_pattern", "compile_pattern"]


def check_pattern(pattern: str) -> None:
    """Raise :class:`UnsafePattern` when ``pattern`` cannot be matched in linear time."""
    compile_pattern(pattern)
