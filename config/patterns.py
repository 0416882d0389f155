"""Regular expressions written by users (flag rules, sources' allow/deny URL patterns), compiled with RE2.

Python's ``re`` backtracks: ``(a?a?)+$`` took 39 s on 21 characters, and the
pattern-shape guard that tried to spot such patterns let five of them through.
RE2 (``google-re2``) matches in time linear in the text for every pattern it
accepts, so no pattern can stall a worker or a crawler.  What RE2 does not
have - back-references and look-around - is refused with a one-line error
naming the construct; atomic groups ``(?>...)`` and possessive quantifiers
(``++``), written only to stop backtracking, are read as plain ones.  A pattern whose compiled
program would exceed :data:`MAX_PROGRAM_BYTES` is refused too.

Python's meaning of the shorthand classes is kept on any script: ``\\w``,
``\\d`` and ``\\s`` (and their negations outside ``[...]``) are rewritten to
Unicode classes before compiling, because RE2's own are ASCII-only.  ``\\b`` and
``\\B`` stay RE2's ASCII word boundaries: right for text in Latin scripts once
folded (flag rules match on lower-cased text with accents removed), not for
words written in other scripts, where a rule should use ``[^\\pL]`` context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import re2

# RE2's memory budget for one compiled pattern (its default is 8 MiB); beyond it a pattern is refused.
MAX_PROGRAM_BYTES = 8 << 20
_WORD = r"\pL\pN_"
_DIGIT = r"\p{Nd}"
_SPACE = r"\s\p{Z}\x0b\x1c-\x1f\x85"
_OUTSIDE = {"w": f"[{_WORD}]", "W": f"[^{_WORD}]", "d": _DIGIT, "D": r"\P{Nd}", "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"}
_INSIDE = {"w": _WORD, "d": _DIGIT, "D": r"\P{Nd}", "s": _SPACE}
_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))


class UnsafePattern(ValueError):
    """Raised when a user pattern cannot be compiled for linear-time matching; the message says why."""


class PatternMatch(Protocol):
    """What a match of a :class:`UserPattern` offers (the subset of ``re.Match`` newsdesk uses)."""

    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...
    def group(self, *groups: Any) -> Any: ...


@dataclass(frozen=True)
class UserPattern:
    """A user's pattern compiled by RE2; ``pattern`` is the source as written."""

    pattern: str
    flags: int
    _compiled: Any

    @property
    def groups(self) -> int:
        return int(self._compiled.groups)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> PatternMatch | None:
        found: PatternMatch | None = self._compiled.search(text, pos, len(text) if endpos is None else endpos)
        return found

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[PatternMatch]:
        matches: Iterator[PatternMatch] = self._compiled.finditer(text, pos, len(text) if endpos is None else endpos)
        return matches


def _translate(source: str) -> str:
    """``source`` with Python's Unicode meaning of ``\\w \\d \\s`` spelt out for RE2; refuses what RE2 lacks."""
    out: list[str] = []
    class_body = -1  # where the current [...] class's body starts; -1 outside a class
    i = 0
    while i < len(source):
        ch = source[i]
        in_class = class_body >= 0
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            table = _INSIDE if in_class else _OUTSIDE
            if nxt in table:
                out.append(table[nxt])
            elif in_class and nxt in "WS":
                raise UnsafePattern(f"'\\{nxt}' inside [...] is not supported; write a negated class [^...]")
            elif nxt.isdigit() and nxt != "0" and not in_class:
                raise UnsafePattern(f"back-reference '\\{nxt}' is not supported (it needs backtracking)")
            elif nxt in "pP" and source.startswith("{", i + 2):
                end = source.find("}", i + 2)
                out.append(source[i : (end + 1) if end > 0 else len(source)])
                i = (end + 1) if end > 0 else len(source)
                continue
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and i > class_body:
                class_body = -1
            elif source.startswith("[:", i) and (end := source.find(":]", i + 2)) > 0:
                out.append(source[i : end + 2])
                i = end + 2
                continue
        elif ch == "[":
            class_body = i + (2 if source.startswith("[^", i) else 1)
        elif source.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            raise UnsafePattern("look-around '(?=', '(?!', '(?<=', '(?<!' is not supported (it needs backtracking)")
        elif source.startswith("(?P=", i):
            raise UnsafePattern("back-reference '(?P=name)' is not supported (it needs backtracking)")
        elif source.startswith("(?>", i):
            out.append("(?:")  # atomic: only ever a guard against backtracking, which RE2 never does
            i += 3
            continue
        elif ch in "*+?}" and source[i + 1 : i + 2] == "+" and not (ch == "?" and source[i - 1 : i] == "("):
            out.append(ch)  # possessive: read as the plain quantifier, for the same reason
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def compile_pattern(source: str, flags: int = 0) -> UserPattern:
    """Compile a user's pattern for linear-time matching; ``flags`` may be ``re.I``, ``re.M``, ``re.S``."""
    unknown = flags & ~(re.IGNORECASE | re.MULTILINE | re.DOTALL)
    if unknown:
        raise UnsafePattern(f"unsupported regex flags {unknown:#x}")
    inline = "".join(letter for flag, letter in _FLAGS if flags & flag)
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    translated = _translate(source)
    try:
        compiled = re2.compile(f"(?{inline}){translated}" if inline else translated, options)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise UnsafePattern(f"not a pattern RE2 can match in linear time: {detail}") from None
    return UserPattern(source, flags, compiled)
