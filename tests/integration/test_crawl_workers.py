"""Scheduled crawls as Celery tasks: two crawl workers, one source, one crawl at a time."""

from __future__ import annotations

from pathlib import Path

import redis
import yaml
from sqlalchemy import select

from config.settings import parse_settings
from newsdesk.demo_pages import build_routes, demo_sources
from newsdesk.demo_server import RouteServer
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import crawl_runs
from tests.support.processes import WorkerProcess, newsdesk_env, wait_until
from tests.support.queue_messages import queued_page_urls
from tests.support.redis_server import PrivateRedis
from workers.queues import CRAWL_QUEUE, CRAWL_SOURCE_TASK
from workers.runtime import build_runtime


def test_two_crawl_workers_crawl_a_source_once(tmp_path: Path, own_redis: PrivateRedis) -> None:
    data_dir = tmp_path / "data"
    with RouteServer(delay_seconds=0.3) as server:
        server.routes.update(build_routes(server.base_url))
        sources_file = tmp_path / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(demo_sources(server.base_url)), encoding="utf-8")
        env = newsdesk_env(data_dir, own_redis.url, NEWSDESK_SOURCES_FILE=str(sources_file))
        settings = parse_settings(
            None, {"NEWSDESK_REDIS_URL": own_redis.url, "NEWSDESK_SOURCES_FILE": str(sources_file)}, data_dir=data_dir
        )
        upgrade(settings.sqlalchemy_url)
        runtime = build_runtime(settings)
        workers = [
            WorkerProcess(env, tmp_path / f"crawl-{n}.log", concurrency=1, extra_args=["--queues", CRAWL_QUEUE])
            for n in range(2)
        ]
        for worker in workers:
            worker.start()
        try:
            # The same source is due twice at once (say, two schedulers or a manual run beside a scheduled one).
            for _ in range(2):
                runtime.app.send_task(CRAWL_SOURCE_TASK, kwargs={"source_id": "planet"}, queue=CRAWL_QUEUE)
            client = redis.Redis.from_url(own_redis.url)
            wait_until(lambda: len(queued_page_urls(client)) >= 5, 120, message="the crawl to queue 5 pages")
            wait_until(lambda: client.llen(CRAWL_QUEUE) == 0 and client.hlen("unacked") == 0, 120, message="idle")
        finally:
            for worker in workers:
                worker.stop()
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        runs = connection.execute(select(crawl_runs.c.source_id, crawl_runs.c.status)).all()
    engine.dispose()
    assert runs == [("planet", "finished")]
    assert server.requests.count("/planet/feed.xml") == 1
    queued = queued_page_urls(client)
    assert len(queued) == 5 and sum(queued.values()) == 5
    logs = "".join(w.log() for w in workers)
    assert "being crawled elsewhere" in logs
