"""``newsdesk flower`` when things go wrong: Redis gone, a busy port, framing, quiet static files."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.support.flower_process import FlowerProcess
from tests.support.processes import newsdesk_env, run_cli
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.slow  # real processes

CREDENTIALS = ("ops", "flower-first-day-password")


def flower_env(tmp_path: Path, redis_server: PrivateRedis) -> dict[str, str]:
    return newsdesk_env(tmp_path / "data", redis_server.url, NEWSDESK_FLOWER_BASIC_AUTH=":".join(CREDENTIALS))


def test_sigterm_stops_flower_within_5_seconds_after_redis_went_away(tmp_path: Path, own_redis: PrivateRedis) -> None:
    flower = FlowerProcess(flower_env(tmp_path, own_redis), tmp_path / "flower.log")
    try:
        flower.wait_ready()
        httpx.get(flower.url + "/workers", auth=CREDENTIALS, timeout=10)
        own_redis.kill()
        time.sleep(3)  # Flower's threads are now retrying the broker
        started = time.monotonic()
        flower.process.send_signal(signal.SIGTERM)
        flower.process.wait(timeout=30)
        assert time.monotonic() - started < 5.0
    finally:
        flower.stop()


def test_ctrl_c_stops_it_too(tmp_path: Path, own_redis: PrivateRedis) -> None:
    flower = FlowerProcess(flower_env(tmp_path, own_redis), tmp_path / "flower.log")
    try:
        flower.wait_ready()
        own_redis.kill()
        started = time.monotonic()
        flower.process.send_signal(signal.SIGINT)
        flower.process.wait(timeout=30)
        assert time.monotonic() - started < 5.0
    finally:
        flower.stop()


def test_pages_cannot_be_framed_and_static_files_are_not_logged_at_info(
    tmp_path: Path, own_redis: PrivateRedis
) -> None:
    log = tmp_path / "flower.log"
    flower = FlowerProcess(flower_env(tmp_path, own_redis), log)
    try:
        flower.wait_ready()
        for path, auth in (("/", CREDENTIALS), ("/", None), ("/static/css/flower.css", CREDENTIALS)):
            response = httpx.get(flower.url + path, auth=auth, timeout=10)
            assert response.headers["X-Frame-Options"] == "DENY", path
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        time.sleep(1)
    finally:
        flower.stop()
    text = log.read_text()
    assert "/static/css/flower.css" not in text
    assert "GET / " in text  # pages are still logged


def test_a_busy_port_is_one_line(tmp_path: Path, own_redis: PrivateRedis) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli(["flower", "--port", str(port)], flower_env(tmp_path, own_redis), timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_short_password_is_refused(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env = newsdesk_env(tmp_path / "data", own_redis.url, NEWSDESK_FLOWER_BASIC_AUTH="ops:x")
    done = run_cli(["flower"], env, timeout=60)
    assert done.returncode == 2
    assert "at least 12" in done.stderr
