"""A real worker and a real ``newsdesk flower`` on loopback: tasks visible with credentials, nothing without."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from config.settings import parse_settings
from pipelines.models import Page
from pipelines.storage.migrate import upgrade
from tests.support.flower_process import FlowerProcess
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, run_cli, wait_until
from tests.support.redis_server import PrivateRedis, free_port
from workers.runtime import build_runtime

pytestmark = pytest.mark.slow  # real processes; tens of seconds

CREDENTIALS = ("ops", "flower-test-password")
ANONYMOUS_PATHS = ("/", "/tasks", "/workers", "/api/tasks", "/api/workers", "/metrics", "/healthcheck",
                   "/static/css/flower.css")  # fmt: skip


@pytest.fixture()
def cluster(
    tmp_path: Path, own_redis: PrivateRedis
) -> Iterator[tuple[dict[str, str], WorkerProcess, list[FlowerProcess]]]:
    data_dir = tmp_path / "data"
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=data_dir)
    upgrade(settings.sqlalchemy_url)
    env = newsdesk_env(data_dir, own_redis.url, NEWSDESK_FLOWER_BASIC_AUTH=":".join(CREDENTIALS))
    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1).start()
    flowers = [
        FlowerProcess(env, tmp_path / "flower.log"),
        FlowerProcess(env, tmp_path / "flower-ro.log", "--read-only"),
    ]
    try:
        for flower in flowers:
            flower.wait_ready()
        yield env, worker, flowers
    finally:
        for flower in flowers:
            flower.stop()
        worker.stop()


def test_flower_shows_tasks_only_with_credentials_and_read_only_refuses_control(
    tmp_path: Path, own_redis: PrivateRedis, cluster: tuple[dict[str, str], WorkerProcess, list[FlowerProcess]]
) -> None:
    env, worker, (flower, read_only) = cluster
    runtime = build_runtime(parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=tmp_path / "data"))
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    urls = set()
    for n in range(3):
        title, paragraphs = story(n + 40)
        url = f"http://flower.test/a/{n}"
        runtime.dispatcher.enqueue_page(Page(url, url, 200, article_html(title, paragraphs).encode(), "test", fetched))
        urls.add(url)

    def succeeded() -> set[str]:
        tasks = httpx.get(flower.url + "/api/tasks", auth=CREDENTIALS, timeout=5).json()
        return {
            task["uuid"] for task in tasks.values()
            if task["name"] == "newsdesk.process_page" and task["state"] == "SUCCESS"
        }  # fmt: skip

    wait_until(lambda: len(succeeded()) == 3, 90, message="three processed tasks in Flower")
    tasks = httpx.get(flower.url + "/api/tasks", auth=CREDENTIALS, timeout=5).json()
    assert {url for url in urls if any(url in task["kwargs"] for task in tasks.values())} == urls
    assert httpx.get(read_only.url + "/api/tasks", auth=CREDENTIALS, timeout=5).status_code == 200

    for server in (flower, read_only):
        for path in ANONYMOUS_PATHS:
            anonymous = httpx.get(server.url + path, timeout=5)
            assert anonymous.status_code == 401, (server.url, path)
            assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
            assert httpx.get(server.url + path, auth=(CREDENTIALS[0], "wrong"), timeout=5).status_code == 401
        assert httpx.post(server.url + "/api/task/revoke/x", timeout=5).status_code == 401
    assert httpx.get(flower.url + "/metrics", auth=CREDENTIALS, timeout=5).status_code == 200

    # Read-only: control calls are refused with valid credentials, and the worker keeps running.
    task_id = sorted(succeeded())[0]
    node = f"newsdesk@{socket.gethostname()}"
    assert httpx.post(read_only.url + f"/api/task/revoke/{task_id}", auth=CREDENTIALS, timeout=5).status_code == 403
    assert httpx.post(read_only.url + f"/api/worker/shutdown/{node}", auth=CREDENTIALS, timeout=5).status_code == 403
    assert httpx.post(read_only.url + "/api/task/async-apply/newsdesk.noop", auth=CREDENTIALS, json={"args": [1]},
                      timeout=5).status_code == 403  # fmt: skip
    # The same call on the read-write Flower goes through: the refusal above is read-only mode, not a broken API.
    allowed = httpx.post(flower.url + "/api/task/revoke/not-a-real-task", auth=CREDENTIALS, timeout=10)
    assert allowed.status_code == 200, allowed.text
    assert worker.process is not None and worker.process.poll() is None

    # doctor sees a protected Flower and a worker on each queue.
    done = run_cli(["doctor", "--json", "--flower-url", flower.url], env, timeout=120)
    checks = {check["name"]: check for check in json.loads(done.stdout)["checks"]}
    assert checks["flower auth"]["status"] == "PASS", checks["flower auth"]
    assert checks["workers"]["status"] == "PASS", checks["workers"]


def test_flower_refuses_to_start_without_credentials(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env = newsdesk_env(tmp_path / "data", own_redis.url)
    done = run_cli(["flower", "--port", str(free_port())], env, timeout=60)
    assert done.returncode == 2
    assert "NEWSDESK_FLOWER_BASIC_AUTH" in done.stderr


def test_flower_works_on_the_embedded_socket_broker(tmp_path: Path) -> None:
    """Without NEWSDESK_REDIS_URL the broker is ``redis+socket://``; Flower and kombu must accept it."""
    data_dir = tmp_path / "data"
    env = newsdesk_env(data_dir, "", NEWSDESK_FLOWER_BASIC_AUTH=":".join(CREDENTIALS))
    del env["NEWSDESK_REDIS_URL"]
    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1).start()
    flower = FlowerProcess(env, tmp_path / "flower.log")
    try:
        flower.wait_ready()
        runtime = build_runtime(parse_settings(None, {}, data_dir=data_dir))
        assert runtime.broker_url.startswith("redis+socket://")
        sent_id = runtime.dispatcher.enqueue_noop(7)  # keyword arguments only: the edge refuses positional ones

        def seen() -> bool:
            tasks = httpx.get(flower.url + "/api/tasks", auth=CREDENTIALS, timeout=5).json()
            return bool(tasks.get(sent_id, {}).get("state") == "SUCCESS")

        wait_until(seen, 90, message="the noop task in Flower")
        broker = httpx.get(flower.url + "/broker", auth=CREDENTIALS, timeout=10)
        assert broker.status_code == 200 and "redis+socket://" in broker.text
    finally:
        flower.stop()
        worker.stop()
        run_cli(["redis", "stop"], env, timeout=60)
