"""Scrape-time metrics read from SQL (review desk, decisions, per-source health) and the broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import redis
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, insert

from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, crawl_runs, decisions, review_items
from workers.metrics_scrape import DeploymentCollector, crawl_errors

NOW = datetime.now(UTC)


class FakeBroker:
    """Answers the two reads queue_depths makes."""

    def __init__(self, lengths: dict[str, int], unacked: int) -> None:
        self.lengths = lengths
        self.unacked = unacked

    def llen(self, name: str) -> int:
        return self.lengths.get(name, 0)

    def hlen(self, name: str) -> int:
        return self.unacked


class DownBroker:
    def llen(self, name: str) -> int:
        raise redis.ConnectionError("connection refused")


def article(n: int) -> dict[str, Any]:
    return {
        "id": f"a{n}", "url": f"http://news.test/{n}", "canonical_url": f"http://news.test/{n}", "source_id": "news",
        "fetched_at": NOW, "http_status": 200, "title": "t", "text": "x", "stripped": [], "content_hash": "h",
        "action": "flag", "score": 1.0, "rule_version": "1", "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def item(n: int, state: str, age: timedelta) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "article_id": f"a{n}", "state": state, "priority": 1, "action": "flag", "score": 1.0, "codes": "x",
        "source_id": "news", "created_at": now - age,
    }  # fmt: skip


def run(source: str, started: datetime, status: str, pages: int, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{source}-{started.timestamp()}", "source_id": source, "started_at": started,
        "finished_at": started + timedelta(minutes=1), "status": status, "pages_fetched": pages, "items_sent": 0,
        "items_spooled": 0, "stats": stats,
    }  # fmt: skip


def seeded(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(articles), [article(n) for n in range(4)])
        connection.execute(
            insert(review_items),
            [item(0, "pending", timedelta(hours=2)), item(1, "pending", timedelta(minutes=5)),
             item(2, "claimed", timedelta(hours=9)), item(3, "decided", timedelta(days=2))],
        )  # fmt: skip
        connection.execute(
            insert(decisions),
            [{"review_item_id": 4, "article_id": "a3", "reviewer": "r", "decision": d, "reason": "", "flags": [],
              "created_at": NOW} for d in ("reject", "reject", "approve")],
        )  # fmt: skip
        connection.execute(
            insert(crawl_runs),
            [run("news", NOW - timedelta(hours=2), "finished", 40, {}),
             run("news", NOW - timedelta(hours=1), "finished", 12, {"log_count/ERROR": 2,
                 "downloader/exception_count": 3, "log_count/WARNING": 7}),
             run("blog", NOW - timedelta(hours=3), "shutdown", 5, {})],
        )  # fmt: skip
    return engine


def test_sql_and_broker_facts_become_metrics(tmp_path: Path) -> None:
    engine = seeded(tmp_path)
    broker = FakeBroker({"newsdesk.process": 7, "newsdesk.crawl": 1}, unacked=2)
    registry = CollectorRegistry()
    registry.register(DeploymentCollector(engine, cast(redis.Redis, broker)))
    value = registry.get_sample_value
    assert value("newsdesk_queue_depth", {"queue": "newsdesk.process"}) == 7
    assert value("newsdesk_queue_depth", {"queue": "unacked"}) == 2
    assert value("newsdesk_review_items", {"state": "pending"}) == 2
    assert value("newsdesk_review_items", {"state": "claimed"}) == 1
    age = value("newsdesk_review_oldest_pending_seconds")
    assert age is not None and 7200 <= age < 7260  # the two-hour-old pending item, not the nine-hour claimed one
    assert value("newsdesk_review_decisions_total", {"decision": "reject"}) == 2
    assert value("newsdesk_review_decisions_total", {"decision": "approve"}) == 1
    # Per source: the latest run's figures, and pages over all runs.
    assert value("newsdesk_source_last_run_pages", {"source": "news"}) == 12
    assert value("newsdesk_source_last_run_errors", {"source": "news"}) == 5
    assert value("newsdesk_source_last_run_status", {"source": "news", "status": "finished"}) == 1
    assert value("newsdesk_source_last_run_status", {"source": "blog", "status": "shutdown"}) == 1
    assert value("newsdesk_pages_fetched_total", {"source": "news"}) == 52
    assert value("newsdesk_source_healthy", {"source": "news"}) == 1
    assert value("newsdesk_source_healthy", {"source": "blog"}) == 0  # its last crawl was shut down
    assert value("newsdesk_scrape_ok", {"component": "redis"}) == 1
    assert value("newsdesk_scrape_ok", {"component": "database"}) == 1
    engine.dispose()


def test_an_unreachable_broker_does_not_hide_the_database(tmp_path: Path) -> None:
    engine = seeded(tmp_path)
    registry = CollectorRegistry()
    registry.register(DeploymentCollector(engine, cast(redis.Redis, DownBroker())))
    assert registry.get_sample_value("newsdesk_scrape_ok", {"component": "redis"}) == 0
    assert registry.get_sample_value("newsdesk_review_items", {"state": "pending"}) == 2
    engine.dispose()


def test_crawl_errors_count_error_logs_and_download_exceptions() -> None:
    assert crawl_errors({"log_count/ERROR": 2, "downloader/exception_count": 1, "log_count/INFO": 50}) == 3
    assert crawl_errors({"downloader/exception_count": "n/a"}) == 0
