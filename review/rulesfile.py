"""Promote or demote a rule by writing the rules file's next version, comments and layout kept.

The edit is textual (one ``shadow:`` line in the rule's block, and the ``version:`` line) so the file stays
the one people maintain by hand; the result is parsed with the real loader before it replaces the old file,
and written atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipelines.errors import ConfigError
from pipelines.flagging.loader import parse_rules
from review.errors import InvalidInput, NotFound

_VERSION = re.compile(r'^version:\s*["\']?([^"\'#\n]*?)["\']?\s*(#.*)?$', re.MULTILINE)
_ITEM = re.compile(r"^(\s*)-\s+id:\s*[\"']?([^\"'#\s]+)[\"']?\s*(#.*)?$")
_SHADOW = re.compile(r"^(\s+)shadow:\s*\S+")


@dataclass(frozen=True)
class RulesChange:
    rule_id: str
    shadow: bool
    old_version: str
    new_version: str


def next_version(old: str, today: date) -> str:
    """``YYYY.MM.DD-N``: the next N on the same day, else 1."""
    stem = today.strftime("%Y.%m.%d")
    match = re.fullmatch(rf"{re.escape(stem)}-(\d+)", old)
    return f"{stem}-{int(match.group(1)) + 1 if match else 1}"


def set_shadow(text: str, rule_id: str, shadow: bool, new_version: str) -> str:
    """The rules file text with ``rule_id``'s ``shadow`` set and the version replaced (pure)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if (m := _ITEM.match(line)) and m.group(2) == rule_id), None)
    if start is None:
        raise NotFound(f"no rule {rule_id!r} in the rules file")
    item = _ITEM.match(lines[start])
    assert item is not None
    indent = len(item.group(1))
    field_indent = " " * (indent + 2)
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip()) <= indent:
            break
        end += 1
    value = "true" if shadow else "false"
    for index in range(start + 1, end):
        match = _SHADOW.match(lines[index])
        if match and len(match.group(1)) == indent + 2:
            lines[index] = f"{match.group(1)}shadow: {value}\n"
            break
    else:
        lines.insert(start + 1, f"{field_indent}shadow: {value}\n")
    out = "".join(lines)
    if not _VERSION.search(out):
        raise InvalidInput("the rules file has no top-level version line")
    return _VERSION.sub(f'version: "{new_version}"', out, count=1)


def current_version(text: str) -> str:
    match = _VERSION.search(text)
    return match.group(1).strip() if match else ""


def write_shadow(path: Path, rule_id: str, shadow: bool, today: date) -> RulesChange:
    """Rewrite the rules file at ``path`` with the rule promoted (``shadow=False``) or demoted."""
    text = path.read_text(encoding="utf-8")
    old = current_version(text)
    new = next_version(old, today)
    updated = set_shadow(text, rule_id, shadow, new)
    try:
        ruleset = parse_rules(yaml.safe_load(updated), path.parent)
    except (ConfigError, yaml.YAMLError) as exc:
        raise InvalidInput(f"the new rules file would not load: {exc}") from exc
    if not any(rule.id == rule_id and rule.shadow == shadow for rule in ruleset.rules):
        raise InvalidInput(f"rule {rule_id!r} did not change as asked")  # pragma: no cover - set_shadow's job
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(updated)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return RulesChange(rule_id, shadow, old, new)
