"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.support.review_seed import migrated_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Engine]:
    """A migrated database, once on SQLite and once on PostgreSQL (skipped with the reason when it is not set)."""
    url = (
        f"sqlite:///{data_dir / 'store.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("fresh_postgres_url")
    )
    engine = migrated_engine(url)
    yield engine
    engine.dispose()
