"""How a command may use the data directory, checked before the command runs.

* ``create``: the command keeps state (worker, crawl, ingest, demo, beat, users):
  the directory is created when missing and must be writable.
* ``existing``: the command reads state (stats, dead-letters): a missing
  directory is a mistake (a mistyped ``--data-dir``) and is never created.
* ``optional``: the command can say something without state (sources, doctor,
  redis status): a missing directory is read as empty, and not created.
* ``none``: the command does not touch it (extract, flag, config show).

A data directory also carries its own sources file: ``<data_dir>/sources.yaml``
(the demo writes one) is used when no ``sources_file`` is set.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Literal

from config.settings import Settings
from newsdesk.errors import UsageError

DataDirUse = Literal["create", "existing", "optional", "none"]
SOURCES_FILE_NAME = "sources.yaml"


def with_data_dir_sources(settings: Settings) -> Settings:
    """``settings`` with ``sources_file`` pointing at the data directory's own file when it has one."""
    if settings.sources_file:
        return settings
    own = settings.data_dir / SOURCES_FILE_NAME
    if own.is_file():
        return dataclasses.replace(settings, sources_file=str(own))
    return settings


def check_data_dir(settings: Settings, use: DataDirUse) -> None:
    """Refuse, in one line, a data directory the command cannot use; create it when the command keeps state."""
    path = settings.data_dir
    if use == "none":
        return
    if path.exists() and not path.is_dir():
        raise UsageError(f"--data-dir {path} is a file, not a directory; name a directory")
    if not path.exists():
        if use == "existing":
            raise UsageError(
                f"no data directory at {path} (nothing has run there; check --data-dir or NEWSDESK_DATA_DIR)"
            )
        if use == "optional":
            return
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise UsageError(f"cannot create the data directory {path}: {exc.strerror}") from exc
    if use == "create" and not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"the data directory {path} is not writable by this user; choose another with --data-dir")
