"""The database step before a command runs: SQLite is migrated on first use, and never created by a reader."""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.engine import make_url

from config.settings import Settings
from pipelines.storage.migrate import upgrade_with_lock


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite file of the configured database, or None for another database."""
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def prepare_database(settings: Settings, args: argparse.Namespace | None = None) -> int:
    """Migrate SQLite under a file lock; PostgreSQL is migrated by an explicit ``newsdesk db upgrade``."""
    if sqlite_file(settings) is not None:
        upgrade_with_lock(settings.sqlalchemy_url, settings.data_dir / "migrate.lock")
    return 0


def open_existing_database(settings: Settings) -> bool:
    """For a command that only reads: False when the SQLite file was never created (it stays uncreated)."""
    path = sqlite_file(settings)
    if path is not None and not path.exists():
        return False
    prepare_database(settings)
    return True
