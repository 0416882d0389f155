"""What ``newsdesk stats`` reads when it is there: database counts and queue depth (loaded only then)."""

from __future__ import annotations

from typing import Any

import redis

from config.settings import Settings
from newsdesk.datadir_db import open_existing_database
from pipelines.errors import RedisUnavailable
from pipelines.storage import repository
from pipelines.storage.clusters import cluster_counts
from pipelines.storage.engine import make_engine
from workers import embedded_redis
from workers.queue_depth import queue_depths

TIMEOUT_SECONDS = 2.0


def database_counts(settings: Settings) -> dict[str, int]:
    if not open_existing_database(settings):
        return {}
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as connection:
            clusters = cluster_counts(connection)
        return {**repository.counts(engine), **clusters}
    finally:
        engine.dispose()


def queue_counts(url: str) -> dict[str, Any]:
    client = redis.Redis.from_url(
        embedded_redis.client_url(url), socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        depths = queue_depths(client)
    except RedisUnavailable as exc:
        return {"queued": None, "queues": {}, "redis": f"unreachable: {exc}"}
    finally:
        client.close()
    return {"queued": sum(depths.values()), "queues": depths, "redis": "ok"}
