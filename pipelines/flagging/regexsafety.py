"""Refuse, at load time, regexes that can backtrack exponentially.

``re`` has no timeout, so a rule like ``(a+)+$`` would stall a worker on a
few dozen characters.  We scan the pattern source (a small tokenizer, not
``sre_parse``, which is private and deprecated) and reject the two shapes
behind nearly all catastrophic backtracking:

* a repeated group whose body itself repeats without bound: ``(a+)+``, ``(\\w*x)*``;
* a repeated group whose alternatives can start with the same character:
  ``(a|ab)+``, ``(\\w|\\d)*``;
* an unbounded repeat of a broad atom (``.*``, ``\\S+``, ``[^x]*``), or more than
  one long repeat of broad atoms: ``a.*x.*y`` is cubic on a long line.  Write
  ``.{0,200}`` instead; cost is then linear times the bound.

Atomic groups ``(?>...)`` and possessive quantifiers (``++``, ``*+``), both in
Python 3.11, cannot backtrack and are allowed.  The check is deliberately
conservative; what it cannot rule out (polynomial blow-ups such as
``.*a.*b`` on huge lines) is bounded by the per-line length caps at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A bounded repeat larger than this counts as unbounded: (a{1,50}){1,50} is as bad as (a+)+.
_LARGE_REPEAT = 16
_MAX_BROAD_REPEAT = 1000  # longest allowed {m,n} over a broad atom such as "."
_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")


class UnsafePattern(ValueError):
    """The pattern can backtrack catastrophically; the message says why and how to fix it."""


@dataclass
class _Group:
    atomic: bool = False
    has_repeat: bool = False  # an unbounded/large quantifier somewhere inside
    branch_starts: list[str] = field(default_factory=lambda: [""])
    at_branch_start: bool = True


def _quantifier(pattern: str, i: int) -> tuple[int, bool, bool]:
    """At ``pattern[i]``: (length, is_unbounded_or_large, is_possessive); length 0 if none."""
    if i >= len(pattern):
        return 0, False, False
    ch = pattern[i]
    size = 0
    big = False
    if ch in "*+":
        size, big = 1, True
    elif ch == "?":
        size = 1
    elif ch == "{":
        m = _BRACES.match(pattern, i)
        if m:
            size = m.end() - i
            low, comma, high = m.groups()
            big = bool(comma) and (not high or int(high) > _LARGE_REPEAT)
            big = big or (not comma and bool(low) and int(low) > _LARGE_REPEAT)
    if not size:
        return 0, False, False
    nxt = pattern[i + size : i + size + 1]
    if nxt and nxt in "?+":
        return size + 1, big, nxt == "+"
    return size, big, False


def _class_end(pattern: str, i: int) -> int:
    """Index just past the ``[...]`` class starting at ``pattern[i]``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _overlapping(starts: list[str]) -> bool:
    """True when two alternatives may begin with the same character ("*" = a class)."""
    seen: set[str] = set()
    for start in starts:
        if start == "*" or start == "" or start in seen:
            return len(starts) > 1
        seen.add(start)
    return False


def _broad_check(pattern: str, i: int, seen: int) -> int:
    """Refuse an unbounded or over-long repeat of a broad atom, or a second long one."""
    m = _BRACES.match(pattern, i)
    if not m or (m.group(2) and not m.group(3)):
        raise UnsafePattern("unbounded repeat of a broad atom ('.*', '\\S+', '[^x]*'): bound it, e.g. '.{0,200}'")
    if int(m.group(3) or m.group(1)) > _MAX_BROAD_REPEAT:
        raise UnsafePattern(f"repeat of a broad atom longer than {_MAX_BROAD_REPEAT}")
    if seen:
        raise UnsafePattern("more than one long repeat of broad atoms (polynomial backtracking)")
    return seen + 1


def check_pattern(pattern: str) -> None:
    """Raise :class:`UnsafePattern` when ``pattern`` has a catastrophic-backtracking shape."""
    stack: list[_Group] = [_Group()]
    broad_repeats = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        group = stack[-1]
        atom_start = ""
        broad = False
        closed: _Group | None = None
        if ch == "\\":
            nxt = pattern[i + 1 : i + 2]
            atom_start = "*" if nxt.isalpha() else nxt.casefold()
            broad = nxt in ("S", "W", "D")
            i += 2
        elif ch == "[":
            atom_start = "*"
            broad = pattern.startswith("[^", i)
            i = _class_end(pattern, i)
        elif ch == "(":
            stack.append(_Group(atomic=pattern.startswith("(?>", i)))
            i += 1
            if pattern.startswith("?", i):
                # Skip the group prefix: ?: ?> ?= ?! ?<= ?<! ?P<name> ?(flags)
                m = re.match(r"\?(?:P<\w+>|<[=!]|[:>=!]|[aiLmsux-]+[:)])", pattern[i:])
                i += m.end() if m else 1
                if m and m.group().endswith(")"):
                    stack.pop()  # "(?im)": inline flags, not a group
            continue
        elif ch == ")":
            if len(stack) == 1:
                raise UnsafePattern("unbalanced parenthesis")
            closed = stack.pop()
            group = stack[-1]
            atom_start = closed.branch_starts[0] if len(closed.branch_starts) == 1 else "*"
            i += 1
        elif ch == "|":
            group.branch_starts.append("")
            group.at_branch_start = True
            i += 1
            continue
        else:
            atom_start = "*" if ch == "." else ch.casefold()
            broad = ch == "."
            i += 1
        size, big, possessive = _quantifier(pattern, i)
        if broad and big and not possessive:
            broad_repeats = _broad_check(pattern, i, broad_repeats)
        if closed is not None and big and not possessive and not closed.atomic:
            if closed.has_repeat:
                raise UnsafePattern(
                    "nested quantifier: a repeated group contains an unbounded repeat "
                    "(make it atomic '(?>...)' or possessive '++')"
                )
            if _overlapping(closed.branch_starts):
                raise UnsafePattern(
                    "repeated alternation whose branches can start alike (make it atomic '(?>...)' or possessive '++')"
                )
        if closed is not None and closed.has_repeat and not closed.atomic:
            group.has_repeat = True
        if (big or (broad and size)) and not possessive:
            group.has_repeat = True
        if group.at_branch_start:
            # An atom that may match zero times does not fix the branch's first character.
            group.branch_starts[-1] = atom_start if not size or pattern[i] == "+" else "*"
            group.at_branch_start = False
        i += size
    if len(stack) != 1:
        raise UnsafePattern("unbalanced parenthesis")
