"""One fresh stack per measured run: a private Redis (AOF on), a data dir, a database, worker processes.

Each run gets its own Redis, data directory and (with ``--database-url``) its own
PostgreSQL database, created here and dropped afterwards, so no run sees another's
queue, duplicate index or rows.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from config.settings import Settings, parse_settings
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from tests.support.processes import WorkerProcess, newsdesk_env
from tests.support.redis_server import PrivateRedis
from workers.queues import PROCESS_QUEUE
from workers.runtime import Runtime, build_runtime

READY_TIMEOUT_SECONDS = 120.0
# Crawl settings for a local site: no politeness delay, no autothrottle (nothing to be polite to).
CRAWL_ENV = {
    "NEWSDESK_CRAWL_AUTOTHROTTLE": "false",
    "NEWSDESK_CRAWL_HOST_MIN_INTERVAL": "0",
    "NEWSDESK_CRAWL_CONCURRENT_REQUESTS": "16",
    "NEWSDESK_CRAWL_CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


@dataclass
class Stack:
    root: Path
    redis: PrivateRedis
    settings: Settings
    runtime: Runtime
    engine: Engine
    env: dict[str, str]
    workers: list[WorkerProcess]

    @property
    def worker_pids(self) -> list[int]:
        return [w.pid for w in self.workers]

    def start_workers(self, count: int, concurrency: int) -> None:
        for k in range(count):
            log = self.root / f"worker{k}.log"
            extra = ["--name", f"bench{k}", "--queues", PROCESS_QUEUE]
            self.workers.append(WorkerProcess(self.env, log, concurrency, extra).start())
        self._wait_ready(count)

    def _wait_ready(self, count: int) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            for worker in self.workers:
                if worker.process is not None and worker.process.poll() is not None:
                    raise RuntimeError(f"a worker exited at start:\n{worker.log()[-2000:]}")
            if len(self.runtime.app.control.ping(timeout=0.5)) >= count:
                return
        raise RuntimeError("workers did not answer a ping in time")

    def worker_logs(self) -> str:
        return "\n".join(w.log() for w in self.workers)

    def stages_cpu_seconds(self) -> float:
        """CPU seconds the workers have spent in the processing stages, from their own metrics files."""
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.settings.metrics_dir))  # type: ignore[no-untyped-call]
        return registry.get_sample_value("newsdesk_stages_cpu_seconds_total") or 0.0


def create_database(admin_url: str) -> str:
    name = f"newsdesk_e2e_{uuid.uuid4().hex[:10]}"
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def open_stack(root: Path, admin_database_url: str | None, sources_file: Path | None = None) -> Iterator[Stack]:
    """A running Redis and a migrated database under ``root``; workers are started by the caller."""
    root.mkdir(parents=True, exist_ok=True)
    redis_server = PrivateRedis(root / "redis", appendonly=True).start()
    database_url = create_database(admin_database_url) if admin_database_url else None
    data_dir = root / "data"
    extra = dict(CRAWL_ENV)
    if sources_file is not None:
        extra["NEWSDESK_SOURCES_FILE"] = str(sources_file)
    env = newsdesk_env(data_dir, redis_server.url, database_url, **extra)
    settings_env = {k: v for k, v in env.items() if k.startswith("NEWSDESK_")}
    stack: Stack | None = None
    try:
        settings = parse_settings(None, settings_env, data_dir=data_dir)
        upgrade(settings.sqlalchemy_url)
        stack = Stack(root, redis_server, settings, build_runtime(settings), make_engine(settings.sqlalchemy_url),
                      env, [])  # fmt: skip
        yield stack
    finally:
        if stack is not None:
            for worker in stack.workers:
                worker.stop()
            stack.engine.dispose()
            stack.runtime.redis.close()
        if admin_database_url and database_url:
            drop_database(admin_database_url, database_url)
        redis_server.stop()
        shutil.rmtree(root, ignore_errors=True)
