"""``newsdesk doctor`` against real Redis servers: open, password-protected, wrong password, embedded socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import newsdesk_env, run_cli
from tests.support.redis_auth import PasswordRedis
from tests.support.redis_server import PrivateRedis, free_port
from workers import embedded_redis

pytestmark = pytest.mark.slow  # real processes; tens of seconds

REDIS_CHECKS = ("redis", "redis persistence", "redis maxmemory-policy", "redis auth")


@pytest.fixture()
def password_redis(tmp_path: Path) -> Iterator[PasswordRedis]:
    server = PasswordRedis(tmp_path / "password-redis").start()
    yield server
    server.stop()


def doctor(env: dict[str, str]) -> tuple[int, dict[str, dict[str, Any]]]:
    # A port where nothing listens, so the checks do not find some other test's Flower or review desk.
    nowhere = f"http://127.0.0.1:{free_port()}"
    done = run_cli(["doctor", "--json", "--flower-url", nowhere, "--review-url", nowhere], env, timeout=120)
    assert done.stdout, done.stderr
    report = json.loads(done.stdout)
    return done.returncode, {check["name"]: check for check in report["checks"]}


def test_doctor_fails_on_redis_without_password(tmp_path: Path, own_redis: PrivateRedis) -> None:
    code, checks = doctor(newsdesk_env(tmp_path / "data", own_redis.url))
    assert code != 0
    assert checks["redis"]["status"] == "PASS"
    assert checks["redis auth"]["status"] == "FAIL"
    assert "without a password" in checks["redis auth"]["reason"]
    # PrivateRedis has AOF on and noeviction: those checks pass even here.
    assert checks["redis persistence"]["status"] == "PASS"
    assert checks["redis maxmemory-policy"]["status"] == "PASS"
    assert checks["flower auth"]["status"] == "WARN"
    assert checks["review desk"]["status"] == "WARN"


def test_doctor_passes_redis_checks_with_requirepass(tmp_path: Path, password_redis: PasswordRedis) -> None:
    env = newsdesk_env(tmp_path / "data", password_redis.url)
    # doctor itself never migrates, so that it can tell an unmigrated database; migrate as a deployment would.
    unmigrated = doctor(env)[1]["database"]
    assert unmigrated["status"] == "FAIL", unmigrated
    assert run_cli(["db", "upgrade"], env).returncode == 0
    code, checks = doctor(env)
    for name in REDIS_CHECKS:
        assert checks[name]["status"] == "PASS", checks[name]
    assert checks["database"]["status"] == "PASS"
    # Nothing else runs: no worker consumes the queues and no beat is alive, so the deployment still fails.
    assert checks["workers"]["status"] == "FAIL"
    assert checks["beat"]["status"] == "FAIL"
    assert code == 1
    assert password_redis.password and password_redis.password not in json.dumps(checks)


def test_doctor_fails_when_the_url_lacks_the_password(tmp_path: Path, password_redis: PasswordRedis) -> None:
    code, checks = doctor(newsdesk_env(tmp_path / "data", password_redis.url_without_password))
    assert code == 1
    assert checks["redis"]["status"] == "FAIL"
    assert checks["workers"]["reason"].startswith("not checked")


def test_doctor_accepts_the_embedded_socket_as_owner_only(tmp_path: Path) -> None:
    env = newsdesk_env(tmp_path / "data", "")
    del env["NEWSDESK_REDIS_URL"]
    try:
        _, stopped = doctor(env)
        assert stopped["redis"]["status"] == "FAIL" and "not running" in stopped["redis"]["reason"]
        embedded_redis.ensure_running(tmp_path / "data")  # doctor never starts it; a worker or crawl would
        _, checks = doctor(env)
    finally:
        run_cli(["redis", "stop"], env, timeout=60)
    auth = checks["redis auth"]
    assert auth["status"] == "PASS" and "700" in auth["reason"] and "unix socket" in auth["reason"]
    assert checks["redis persistence"]["status"] == "PASS"
