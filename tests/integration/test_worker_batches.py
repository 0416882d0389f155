"""Batches of pages: one message per batch, every page stored, a bad page alone dead-lettered, a redelivery split."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlalchemy import func, select

from newsdesk.demo_server import RouteServer
from pipelines import keys
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, dead_letters
from tests.integration.test_worker_processing import make_settings, sample_pages, snapshot
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, run_cli, wait_until
from tests.support.queue_messages import queued_page_urls, queued_tasks
from tests.support.redis_server import PrivateRedis
from workers.context import WorkerContext
from workers.dispatch import page_task_id
from workers.queue_depth import total_queued
from workers.queues import PROCESS_BATCH_TASK, PROCESS_PAGE_TASK
from workers.records import TaskKey, TaskResult
from workers.runtime import build_runtime
from workers.tasks import handle_process_batch


def test_a_worker_stores_every_page_of_a_batch_and_a_redelivery_changes_nothing(
    tmp_path: Path, own_redis: PrivateRedis
) -> None:
    data_dir = tmp_path / "data"
    settings = make_settings(data_dir, own_redis.url, None)
    upgrade(settings.sqlalchemy_url)
    runtime = build_runtime(settings)
    pages = sample_pages(12)
    first_batch, second_batch = pages[:7], pages[7:]
    ids = [runtime.dispatcher.enqueue_pages(first_batch), runtime.dispatcher.enqueue_pages(second_batch)]
    tasks = queued_tasks(runtime.redis)
    assert [(t.task_id, t.task_name, len(t.pages)) for t in tasks] == [
        (ids[1], PROCESS_BATCH_TASK, 6),
        (ids[0], PROCESS_BATCH_TASK, 7),
    ]
    # A body lost from Redis (evicted, say) makes only its own page a dead letter.
    missing = pages[3]
    runtime.redis.delete(keys.page_body(page_task_id(missing)))
    worker = WorkerProcess(newsdesk_env(data_dir, own_redis.url), tmp_path / "worker.log").start()
    engine = make_engine(settings.sqlalchemy_url)
    try:

        def stored() -> int:
            with engine.connect() as connection:
                return int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)

        wait_until(lambda: stored() == len(pages) - 1 and total_queued(runtime.redis) == 0, 90, message="batches")
        first = snapshot(engine)
        # The two batches run in two pool processes at once, so either copy of story 1 may reach the index first.
        twins = [row for row in first["articles"] if row["url"] in (pages[1].url, pages[-1].url)]
        kinds = sorted((row["duplicate_kind"] or "", row["duplicate_of"] is not None) for row in twins)
        assert kinds == [("", False), ("exact", True)], "a duplicate across two batches is still found"
        with engine.connect() as connection:
            letters = connection.execute(select(dead_letters.c.task_name, dead_letters.c.error)).all()
        assert len(letters) == 1 and letters[0][0] == PROCESS_PAGE_TASK and "PayloadMissing" in letters[0][1]
        assert runtime.redis.zcard(keys.outbox_index()) == 0
        body_ttl = runtime.redis.ttl(keys.page_body(page_task_id(pages[0])))
        assert 0 < body_ttl <= 2 * settings.worker.visibility_timeout, "a stored page's body may expire soon"

        # At-least-once delivery: the same batch arrives again. Nothing may change.
        assert runtime.dispatcher.enqueue_pages(second_batch) == ids[1]
        wait_until(lambda: total_queued(runtime.redis) == 0, 60, message="the repeated batch to drain")
        assert snapshot(engine) == first
    finally:
        worker.stop()
        engine.dispose()
    log = worker.log()
    assert "Traceback" not in log, log[-3000:]
    assert f"processed {pages[8].url} article=" in log


def test_a_batch_delivered_twice_is_split_into_single_page_tasks(tmp_path: Path, own_redis: PrivateRedis) -> None:
    """The second delivery of the same message may be one that crashed its worker: go page by page."""
    settings = make_settings(tmp_path / "data", own_redis.url, None)
    upgrade(settings.sqlalchemy_url)
    runtime = build_runtime(settings)
    pages = sample_pages(4)
    batch_id = runtime.dispatcher.enqueue_pages(pages)
    (message,) = queued_tasks(runtime.redis)
    runtime.redis.delete("newsdesk.process")  # this test plays the worker
    context = WorkerContext(settings, own_redis.url)
    try:
        # The first delivery died before finishing (kill -9): counted, nothing else.
        runtime.redis.incr(keys.task_attempts(f"{batch_id}:0"))
        result = handle_process_batch(context, runtime.dispatcher, TaskKey(batch_id), message.kwargs)
    finally:
        context.engine.dispose()
    assert result == TaskResult(split=len(pages))
    singles = queued_tasks(runtime.redis)
    assert sorted(t.task_id for t in singles) == sorted(page_task_id(page) for page in pages)
    assert {t.task_name for t in singles} == {PROCESS_PAGE_TASK}
    # The singles replaced the batch in the outbox, so a lost single is re-sent, and the batch is not.
    recorded = {
        member.decode() for member in runtime.redis.zrange(keys.outbox_index(), 0, -1) if isinstance(member, bytes)
    }
    assert recorded == {page_task_id(page) for page in pages}
    assert sorted(queued_page_urls(runtime.redis)) == sorted(page.url for page in pages)


def test_the_crawler_hands_pages_off_in_batches(tmp_path: Path, own_redis: PrivateRedis) -> None:
    count = 9
    with RouteServer() as server:
        locs = "".join(f"<url><loc>{server.base_url}/a/{n}</loc></url>" for n in range(count))
        server.routes["/sitemap.xml"] = (200, "application/xml", f"<urlset>{locs}</urlset>".encode())
        server.routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nAllow: /\n")
        for n in range(count):
            title, paragraphs = story(n)
            server.routes[f"/a/{n}"] = (200, "text/html; charset=utf-8", article_html(title, paragraphs).encode())
        source = {
            "id": "batched", "name": "batched", "kind": "sitemap", "start_urls": [f"{server.base_url}/sitemap.xml"],
            "allow_private_hosts": True, "schedule": {"every": 600}, "politeness": {"host_min_interval": 0.0},
        }  # fmt: skip
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
        env = newsdesk_env(
            tmp_path / "data",
            own_redis.url,
            NEWSDESK_SOURCES_FILE=str(sources),
            NEWSDESK_CRAWL_HANDOFF_BATCH_SIZE="4",
            NEWSDESK_CRAWL_HANDOFF_LINGER_SECONDS="2",
        )
        completed = run_cli(["crawl", "batched", "--json"], env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary = json.loads(completed.stdout)[0]
    assert summary["pages"] == summary["queued"] == count
    settings = make_settings(tmp_path / "data", own_redis.url, None)
    tasks = queued_tasks(build_runtime(settings).redis)
    sizes = sorted(len(task.pages) for task in tasks)
    assert sum(sizes) == count and max(sizes) == 4, sizes
    assert len(tasks) < count, "fewer messages than pages"
    assert summary["tasks"] == len(tasks), "the crawl reports the tasks its pages went out in"
    assert sorted(queued_page_urls(build_runtime(settings).redis)) == sorted(
        f"{server.base_url}/a/{n}" for n in range(count)
    )


def test_a_malformed_page_in_a_batch_is_dead_lettered_alone(tmp_path: Path, own_redis: PrivateRedis) -> None:
    settings = make_settings(tmp_path / "data", own_redis.url, None)
    upgrade(settings.sqlalchemy_url)
    runtime = build_runtime(settings)
    pages = sample_pages(3)[:3]
    batch_id = runtime.dispatcher.enqueue_pages(pages)
    (message,) = queued_tasks(runtime.redis)
    broken = {"v": 1, "url": "http://news.test/broken"}  # no fields, no body reference
    payload = {"pages": [*message.pages[:2], broken, *message.pages[2:]]}
    context = WorkerContext(settings, own_redis.url)
    try:
        result = handle_process_batch(context, runtime.dispatcher, TaskKey(batch_id), payload)
        with context.engine.connect() as connection:
            letters = connection.execute(select(dead_letters.c.task_key, dead_letters.c.error)).all()
            stored = int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)
    finally:
        context.engine.dispose()
    assert [page.url for page in result.pages] == [page.url for page in pages]
    assert result.dead_lettered == 1 and stored == 3
    assert letters == [(f"{batch_id}#2:0", letters[0][1])] and "InvalidPayload" in letters[0][1]
    assert runtime.redis.zcard(keys.outbox_index()) == 0, "the batch left the outbox once every page was handled"
