"""Pages processed by a real prefork worker move the counters that ``newsdesk metrics serve`` exposes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from config.settings import parse_settings
from pipelines.models import Page
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, review_items
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, wait_until
from tests.support.redis_server import PrivateRedis, free_port
from workers.queue_depth import total_queued
from workers.runtime import build_runtime

pytestmark = pytest.mark.slow  # real processes; tens of seconds

AUTOBLOG_EXTRA = "<p>[ad_1]</p><p>Facebook Twitter LinkedIn</p><p>[ad_2]</p><p><a href='/x'>Source link</a></p>"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    text = httpx.get(url, timeout=10).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(value for (sample, sample_labels), value in samples.items()
               if sample == name and wanted <= set(sample_labels))  # fmt: skip


def pages() -> list[Page]:
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    made = []
    for n in range(4):
        title, paragraphs = story(n + 60)
        body = article_html(title, paragraphs, AUTOBLOG_EXTRA if n == 0 else "").encode()
        made.append(Page(f"http://metrics.test/a/{n}", f"http://metrics.test/a/{n}", 200, body, "metrics", fetched))
    made.append(Page("http://copy.test/b/1", "http://copy.test/b/1", 200, made[1].body, "copycat", fetched))
    return made


def test_metrics_endpoint_counts_what_the_worker_did(tmp_path: Path, own_redis: PrivateRedis) -> None:
    data_dir = tmp_path / "data"
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=data_dir)
    upgrade(settings.sqlalchemy_url)
    env = newsdesk_env(data_dir, own_redis.url, NEWSDESK_LOG_FORMAT="json")
    port = free_port()
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    server_log = (tmp_path / "metrics.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "newsdesk", "metrics", "serve", "--port", str(port)],
                              env=env, stdout=server_log, stderr=subprocess.STDOUT)  # fmt: skip
    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=2).start()
    engine = make_engine(settings.sqlalchemy_url)
    try:

        def answering() -> bool:
            try:
                return httpx.get(metrics_url, timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(answering, 60, message="metrics endpoint")
        before = scrape(metrics_url)
        assert total(before, "newsdesk_tasks_total") == 0

        runtime = build_runtime(settings)
        sent = pages()
        for page in sent:
            runtime.dispatcher.enqueue_page(page)
        assert total(scrape(metrics_url), "newsdesk_queue_depth") >= 1 or total_queued(runtime.redis) == 0

        def stored() -> int:
            with engine.connect() as connection:
                return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

        wait_until(lambda: stored() == len(sent) and total_queued(runtime.redis) == 0, 90, message="processing")
        after = scrape(metrics_url)
        with engine.connect() as connection:
            in_review = int(connection.execute(select(func.count()).select_from(review_items)).scalar_one())
            actions: dict[str, int] = dict(
                connection.execute(select(articles.c.action, func.count()).group_by(articles.c.action)).all()
            )
            kinds: dict[str | None, int] = dict(
                connection.execute(
                    select(articles.c.duplicate_kind, func.count())
                    .where(articles.c.duplicate_of.is_not(None))
                    .group_by(articles.c.duplicate_kind)
                ).all()
            )
    finally:
        worker.stop()
        server.terminate()
        server.wait(timeout=20)
        server_log.close()
        engine.dispose()

    assert total(after, "newsdesk_tasks_total", task="newsdesk.process_page", outcome="success") == len(sent)
    assert total(after, "newsdesk_articles_processed_total") == len(sent)
    for action, count in actions.items():
        assert total(after, "newsdesk_articles_processed_total", action=action) == count
    assert kinds, "the copied page should be stored as a duplicate"
    for kind, count in kinds.items():
        assert total(after, "newsdesk_duplicates_total", kind=str(kind)) == count
    for stage in ("decode", "extract", "strip", "dedupe", "flag"):
        assert total(after, "newsdesk_stage_seconds_count", stage=stage) == len(sent)
        assert total(after, "newsdesk_stage_seconds_sum", stage=stage) > 0
    assert total(after, "newsdesk_task_seconds_count", task="newsdesk.process_page") == len(sent)
    assert total(after, "newsdesk_review_enqueued_total") == in_review
    assert total(after, "newsdesk_review_items", state="pending") == in_review
    assert total(after, "newsdesk_queue_depth", queue="newsdesk.process") == 0
    assert total(after, "newsdesk_scrape_ok") == 2
    # Two pool processes plus the parent wrote files; the endpoint summed them.
    assert len(list(settings.metrics_dir.glob("counter_*.db"))) >= 2

    # JSON logs link each task to its URL and the article it stored.
    records = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    stored_lines = [r for r in records if r.get("article_id") and r.get("task_id") and r.get("url")]
    assert {r["url"] for r in stored_lines} == {page.url for page in sent}
