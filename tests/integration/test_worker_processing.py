"""A real worker process on a private Redis turns queued pages into rows, in SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from config.settings import Settings, parse_settings
from pipelines.models import Page
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, flags, review_items
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, wait_until
from tests.support.redis_server import PrivateRedis
from workers.queue_depth import total_queued
from workers.runtime import build_runtime

AUTOBLOG_EXTRA = "<p>[ad_1]</p><p>Facebook Twitter LinkedIn</p><p>[ad_2]</p><p><a href='/x'>Source link</a></p>"


def make_settings(data_dir: Path, redis_url: str, database_url: str | None) -> Settings:
    env = {"NEWSDESK_REDIS_URL": redis_url}
    if database_url:
        env["NEWSDESK_DATABASE_URL"] = database_url
    return parse_settings(None, env, data_dir=data_dir)


def sample_pages(count: int) -> list[Page]:
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    pages = []
    for n in range(count):
        title, paragraphs = story(n)
        extra = AUTOBLOG_EXTRA if n == 0 else ""
        body = article_html(title, paragraphs, extra).encode()
        pages.append(Page(f"http://news.test/a/{n}", f"http://news.test/a/{n}", 200, body, "test", fetched))
    # An exact copy of story 1 republished by another source.
    pages.append(
        Page("http://copy.test/b/1", "http://copy.test/b/1", 200, pages[1].body, "copycat", fetched, "text/html")
    )
    return pages


def snapshot(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        arts = connection.execute(select(articles).order_by(articles.c.id)).mappings().all()
        flag_rows = connection.execute(select(flags).order_by(flags.c.article_id, flags.c.code)).mappings().all()
        items = connection.execute(select(review_items).order_by(review_items.c.article_id)).mappings().all()
    volatile = {"updated_at", "id"}
    return {
        "articles": [{k: v for k, v in r.items() if k != "updated_at"} for r in arts],
        "flags": [{k: v for k, v in r.items() if k not in volatile} for r in flag_rows],
        "review_items": [{k: v for k, v in r.items() if k not in volatile} for r in items],
    }


def run_pipeline(tmp_path: Path, redis: PrivateRedis, database_url: str | None) -> None:
    data_dir = tmp_path / "data"
    settings = make_settings(data_dir, redis.url, database_url)
    upgrade(settings.sqlalchemy_url)
    runtime = build_runtime(settings)
    pages = sample_pages(12)
    for page in pages:
        runtime.dispatcher.enqueue_page(page)
    worker = WorkerProcess(newsdesk_env(data_dir, redis.url, database_url), tmp_path / "worker.log").start()
    engine = make_engine(settings.sqlalchemy_url)
    try:

        def stored() -> int:
            with engine.connect() as connection:
                return len(connection.execute(select(articles.c.id)).all())

        wait_until(lambda: stored() == len(pages) and total_queued(runtime.redis) == 0, 90, message="processing")
        first = snapshot(engine)
        by_source = {row["source_id"]: row for row in first["articles"] if row["source_id"] == "copycat"}
        assert by_source["copycat"]["duplicate_kind"] == "exact"
        assert by_source["copycat"]["duplicate_of"] is not None
        codes = {row["code"] for row in first["flags"]}
        assert "autoblog_signature" in codes or "leftover_boilerplate" in codes
        assert all(row["text"] for row in first["articles"])

        # At-least-once delivery: the same tasks arrive again. Nothing may change.
        for page in pages:
            runtime.dispatcher.enqueue_page(page)
        wait_until(lambda: total_queued(runtime.redis) == 0, 60, message="redelivered tasks to drain")
        assert snapshot(engine) == first
    finally:
        worker.stop()
        engine.dispose()
    assert "Traceback" not in worker.log(), worker.log()[-3000:]


def test_worker_processes_pages_into_sqlite(tmp_path: Path, own_redis: PrivateRedis) -> None:
    run_pipeline(tmp_path, own_redis, None)


@pytest.mark.postgres
def test_worker_processes_pages_into_postgresql(
    tmp_path: Path, own_redis: PrivateRedis, fresh_postgres_url: str
) -> None:
    run_pipeline(tmp_path, own_redis, fresh_postgres_url)
