"""Crawl runs: one row per crawl of a source, with its numbers (per-source health reads these)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from config.sources import Source
from pipelines.storage.repository import upsert_row
from pipelines.storage.schema import crawl_runs, sources


def save_source(engine: Engine, source: Source) -> None:
    row = {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "config": dataclasses.asdict(source),
        "updated_at": datetime.now(UTC),
    }
    with engine.begin() as connection:
        upsert_row(connection, sources, row, ["id"], ["name", "kind", "config", "updated_at"])


def start_run(engine: Engine, source: Source) -> str:
    save_source(engine, source)
    run_id = uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(
            insert(crawl_runs).values(
                id=run_id, source_id=source.id, started_at=datetime.now(UTC), status="running", stats={}
            )
        )
    return run_id


def finish_run(engine: Engine, run_id: str, status: str, stats: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(crawl_runs)
            .where(crawl_runs.c.id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                status=status,
                pages_fetched=int(stats.get("newsdesk/pages", 0)),
                items_sent=int(stats.get("newsdesk/items_sent", 0)) + int(stats.get("newsdesk/items_unspooled", 0)),
                items_spooled=int(stats.get("newsdesk/items_spooled", 0)),
                stats=stats,
            )
        )


def recent_runs(engine: Engine, source_id: str, limit: int = 10) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(crawl_runs)
            .where(crawl_runs.c.source_id == source_id)
            .order_by(crawl_runs.c.started_at.desc())
            .limit(limit)
        )
        return [dict(r._mapping) for r in rows]
