"""Metrics read at scrape time from SQL and Redis: queues, the review desk, decisions, per-source health.

These are facts already stored durably, so they are computed when Prometheus
asks rather than counted by some process that may restart.  A component that
cannot be read is reported as ``newsdesk_scrape_ok{component=...} 0`` instead
of failing the whole scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from pipelines.errors import RedisUnavailable
from pipelines.source_health import assess
from pipelines.storage.crawl_runs import run_facts
from pipelines.storage.schema import crawl_runs, decisions, review_items
from workers.queue_depth import queue_depths

log = logging.getLogger("newsdesk.metrics")
# Scrapy stats that count as crawl errors (the same reading as crawler.run's summary).
ERROR_STAT_PREFIXES = ("log_count/ERROR", "downloader/exception_count")
PENDING_STATE = "pending"


@dataclass(frozen=True)
class LastRun:
    source_id: str
    status: str
    pages: int
    errors: int
    finished_at: datetime | None
    pages_total: int


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def crawl_errors(stats: Mapping[str, Any]) -> int:
    total = 0
    for key, value in stats.items():
        if key.startswith(ERROR_STAT_PREFIXES) and isinstance(value, (int, float)):
            total += int(value)
    return total


def review_state_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(review_items.c.state, func.count()).group_by(review_items.c.state))
        return {str(state): int(count) for state, count in rows}


def oldest_pending_age(engine: Engine, now: datetime) -> float:
    with engine.connect() as connection:
        oldest = connection.execute(
            select(func.min(review_items.c.created_at)).where(review_items.c.state == PENDING_STATE)
        ).scalar()
    oldest = _aware(oldest)
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def decision_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(decisions.c.decision, func.count()).group_by(decisions.c.decision))
        return {str(decision): int(count) for decision, count in rows}


def last_runs(engine: Engine) -> list[LastRun]:
    """The latest run of each source, with the pages fetched over all its runs."""
    with engine.connect() as connection:
        totals = dict(
            connection.execute(
                select(crawl_runs.c.source_id, func.sum(crawl_runs.c.pages_fetched)).group_by(crawl_runs.c.source_id)
            ).all()
        )
        latest = (
            select(crawl_runs.c.source_id, func.max(crawl_runs.c.started_at).label("started"))
            .group_by(crawl_runs.c.source_id)
            .subquery()
        )
        rows = connection.execute(
            select(crawl_runs).join(
                latest,
                (crawl_runs.c.source_id == latest.c.source_id) & (crawl_runs.c.started_at == latest.c.started),
            )
        ).mappings()
        return [
            LastRun(
                source_id=str(row["source_id"]),
                status=str(row["status"]),
                pages=int(row["pages_fetched"] or 0),
                errors=crawl_errors(row["stats"] or {}),
                finished_at=_aware(row["finished_at"]),
                pages_total=int(totals.get(row["source_id"]) or 0),
            )
            for row in rows
        ]


class DeploymentCollector(Collector):
    """A prometheus_client collector over the database and the broker."""

    def __init__(self, engine: Engine, client: redis.Redis) -> None:
        self.engine = engine
        self.client = client

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        ok = GaugeMetricFamily("newsdesk_scrape_ok", "Whether a component was readable", labels=["component"])
        try:
            yield from self._queues()
            ok.add_metric(["redis"], 1)
        except RedisUnavailable as exc:
            log.warning("metrics: %s", exc)
            ok.add_metric(["redis"], 0)
        try:
            yield from self._database()
            ok.add_metric(["database"], 1)
        except SQLAlchemyError as exc:
            log.warning("metrics: cannot read the database: %s", exc)
            ok.add_metric(["database"], 0)
        yield ok

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "newsdesk_queue_depth",
            "Messages waiting per queue (unacked: in flight); a batch of pages is one message",
            labels=["queue"],
        )
        for queue, count in queue_depths(self.client).items():
            depth.add_metric([queue], count)
        yield depth

    def _database(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        now = datetime.now(UTC)
        states = GaugeMetricFamily("newsdesk_review_items", "Review items by state", labels=["state"])
        for state, count in review_state_counts(self.engine).items():
            states.add_metric([state], count)
        age = GaugeMetricFamily("newsdesk_review_oldest_pending_seconds", "Age of the oldest pending review item")
        age.add_metric([], oldest_pending_age(self.engine, now))
        made = CounterMetricFamily("newsdesk_review_decisions", "Reviewer decisions recorded", labels=["decision"])
        for decision, count in decision_counts(self.engine).items():
            made.add_metric([decision], count)
        yield from (states, age, made)
        yield from self._sources()

    def _sources(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        pages = GaugeMetricFamily("newsdesk_source_last_run_pages", "Pages fetched by the latest crawl",
                                  labels=["source"])  # fmt: skip
        errors = GaugeMetricFamily("newsdesk_source_last_run_errors", "Errors in the latest crawl", labels=["source"])
        status = GaugeMetricFamily("newsdesk_source_last_run_status", "Status of the latest crawl (1 = this status)",
                                   labels=["source", "status"])  # fmt: skip
        finished = GaugeMetricFamily("newsdesk_source_last_run_finished_timestamp_seconds",
                                     "End of the latest crawl (0: running)", labels=["source"])  # fmt: skip
        fetched = CounterMetricFamily("newsdesk_pages_fetched", "Pages fetched over all crawls", labels=["source"])
        healthy = GaugeMetricFamily("newsdesk_source_healthy", "1 unless the latest crawl looks broken or blocked",
                                    labels=["source"])  # fmt: skip
        empty = GaugeMetricFamily("newsdesk_source_empty_rate", "Share of empty extractions in the latest crawl",
                                  labels=["source"])  # fmt: skip
        blocked = GaugeMetricFamily("newsdesk_source_block_rate", "Share of 403/429 answers in the latest crawl",
                                    labels=["source"])  # fmt: skip
        for run in last_runs(self.engine):
            pages.add_metric([run.source_id], run.pages)
            errors.add_metric([run.source_id], run.errors)
            status.add_metric([run.source_id, run.status], 1)
            finished.add_metric([run.source_id], run.finished_at.timestamp() if run.finished_at else 0)
            fetched.add_metric([run.source_id], run.pages_total)
            # The same judgement as `newsdesk sources` (pipelines.source_health).
            health = assess(run.source_id, run_facts(self.engine, run.source_id))
            healthy.add_metric([run.source_id], 1 if health.healthy else 0)
            empty.add_metric([run.source_id], health.empty_rate)
            blocked.add_metric([run.source_id], health.block_rate)
        yield from (pages, errors, status, finished, fetched, healthy, empty, blocked)
