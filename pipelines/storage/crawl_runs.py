"""Crawl runs: one row per crawl of a source, with its numbers (per-source health reads these)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from config.sources import Source
from pipelines.crawl_stats import crawl_counts
from pipelines.source_health import RunFacts
from pipelines.storage.repository import upsert_row
from pipelines.storage.schema import articles, crawl_runs, sources


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
    counts = crawl_counts(stats)
    with engine.begin() as connection:
        connection.execute(
            update(crawl_runs)
            .where(crawl_runs.c.id == run_id)
            .values(
                finished_at=datetime.now(UTC),
                status=status,
                pages_fetched=counts.pages,
                items_sent=counts.queued,
                items_spooled=counts.spooled,
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


def run_facts(engine: Engine, source_id: str, limit: int = 10) -> list[RunFacts]:
    """The facts of a source's last crawl runs, newest first, for :func:`pipelines.source_health.assess`."""
    facts = []
    with engine.connect() as connection:
        for run in recent_runs(engine, source_id, limit):
            stats = run["stats"] or {}
            empty = connection.execute(
                select(func.count())
                .select_from(articles)
                .where(articles.c.crawl_run_id == run["id"], articles.c.text == "")
            ).scalar()
            total = connection.execute(
                select(func.count()).select_from(articles).where(articles.c.crawl_run_id == run["id"])
            ).scalar()
            facts.append(
                RunFacts(
                    run_id=run["id"],
                    status=run["status"],
                    responses=int(stats.get("downloader/response_count", 0)),
                    blocked=int(stats.get("downloader/response_status_count/403", 0))
                    + int(stats.get("downloader/response_status_count/429", 0)),
                    articles=int(total or 0),
                    empty_articles=int(empty or 0),
                )
            )
    return facts
