"""Pages spooled while Redis was down: visible in stats and doctor, sent by a running worker once Redis answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import parse_settings
from crawler.spool import Spool
from pipelines.models import Page
from pipelines.storage.migrate import upgrade
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, run_cli, wait_until
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.slow  # real worker process


def spooled_page(n: int) -> Page:
    title, paragraphs = story(n)
    url = f"https://spooled.test/story-{n}"
    body = article_html(title, paragraphs).encode()
    return Page(url, url, 200, body, "spooled", datetime.now(UTC), "text/html; charset=utf-8")


def test_spooled_pages_show_up_and_a_worker_sends_them(tmp_path: Path, own_redis: PrivateRedis) -> None:
    data_dir = tmp_path / "data"
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=data_dir)
    upgrade(settings.sqlalchemy_url)
    spool = Spool.of(settings)
    for n in range(3):
        spool.put(spooled_page(n))
    env = newsdesk_env(data_dir, own_redis.url)

    stats = json.loads(run_cli(["stats", "--json"], env).stdout)
    assert stats["spooled"] == 3
    doctor = json.loads(run_cli(["doctor", "--only", "spool", "--json"], env).stdout)
    assert "3 page(s) waiting" in json.dumps(doctor)

    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1).start()
    try:
        wait_until(lambda: len(spool) == 0, 60, message="the worker to send the spooled pages")

        def stored() -> bool:
            return int(json.loads(run_cli(["stats", "--json"], env).stdout)["articles"]) == 3

        wait_until(stored, 90, interval=1, message="the spooled pages to be stored")
    finally:
        worker.stop()
