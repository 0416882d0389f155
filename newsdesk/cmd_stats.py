"""``newsdesk stats``: counts from the database, the queue and the spool, without starting anything.

It reads what exists: a database that was never created counts as empty (and
is not created), and the embedded Redis is asked only if it already runs.  The
database and Redis readers (:mod:`newsdesk.stats_sources`) are imported only
when there is something to read, so on an empty data directory stats answers
at once.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from config.settings import Settings
from crawler.spool import Spool
from newsdesk.registry import deferred
from workers import embedded_redis

EMPTY_COUNTS = (
    "articles", "duplicates", "clusters", "originals", "copies_exact", "copies_near", "copies_rewritten", "flagged",
    "pending_review", "boilerplate_stripped", "dead_letters",
)  # fmt: skip
NOT_RUNNING = "not running (started by worker, crawl, ingest, beat, demo)"


def database_may_exist(settings: Settings) -> bool:
    """False only for the default SQLite file when it was never created."""
    return bool(settings.database_url) or (settings.data_dir / "newsdesk.db").exists()


def running_broker_url(settings: Settings) -> str | None:
    """The configured Redis, or the data directory's embedded one if it runs now (never started here)."""
    return settings.redis_url or embedded_redis.running_url(settings.data_dir)


def collect_stats(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(EMPTY_COUNTS, 0)
    if database_may_exist(settings):
        read_database: Callable[[Settings], dict[str, int]] = deferred("newsdesk.stats_sources", "database_counts")
        data.update(read_database(settings))
    url = running_broker_url(settings)
    if url is None:
        data.update(queued=None, queues={}, redis=NOT_RUNNING)
    else:
        read_queues: Callable[[str], dict[str, Any]] = deferred("newsdesk.stats_sources", "queue_counts")
        data.update(read_queues(url))
    data["spooled"] = len(Spool.of(settings))
    return data


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    data = collect_stats(settings)
    if args.json:
        print(json.dumps(data, sort_keys=True))
        return 0
    for key, value in data.items():
        if key == "redis":
            continue
        if key == "queued" and value is None:
            value = f"unknown: Redis {data['redis']}"
        elif key == "spooled" and value:
            value = f"{value} (waiting on disk for Redis; a running worker or beat sends them)"
        print(f"{key:>22}: {value}")
    return 0
