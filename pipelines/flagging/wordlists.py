"""Term lists kept as data: ``config/wordlists/<name>.txt``, one term per line.

A rules file outside the package may ship its own lists in a ``wordlists/``
folder next to it; those win over the bundled ones of the same name.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

_NAME = re.compile(r"^[a-z0-9_]+$")


def bundled_dir() -> Traversable:
    """The wordlists folder shipped inside the ``config`` package."""
    return resources.files("config") / "wordlists"


def load_wordlist(name: str, local_dir: Path | None = None) -> tuple[str, ...]:
    """The terms of list ``name``; ValueError if the name is bad or no such list exists.

    Lines starting with ``#`` and blank lines are ignored.
    """
    if not _NAME.match(name):
        raise ValueError(f"bad word list name {name!r} (use lowercase letters, digits, _)")
    candidates: list[Traversable] = []
    if local_dir is not None:
        candidates.append(local_dir / "wordlists" / f"{name}.txt")
    candidates.append(bundled_dir() / f"{name}.txt")
    for path in candidates:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    raise ValueError(f"no word list named {name!r}")
