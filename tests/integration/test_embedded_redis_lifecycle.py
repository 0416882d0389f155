"""One embedded Redis per data directory, started only by commands that need it to keep running."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.support.processes import newsdesk_env, run_cli
from workers import embedded_redis


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = newsdesk_env(data_dir, "")
    del env["NEWSDESK_REDIS_URL"]
    return env


def running_for(data_dir: Path) -> list[embedded_redis.RunningServer]:
    return [s for s in embedded_redis.running_servers() if s.data_dir == data_dir.resolve()]


def test_read_only_commands_never_start_one(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = embedded_env(data_dir)
    for argv in (["stats"], ["sources"], ["doctor", "--only", "redis"], ["redis", "status"], ["dead-letters"]):
        done = run_cli(argv, env, timeout=60)
        assert "Traceback" not in done.stderr, (argv, done.stderr)
    assert running_for(data_dir) == []
    assert not (data_dir / "redis").exists()
    doctor = run_cli(["doctor", "--only", "redis", "--json"], env, timeout=60)
    assert "is not running" in doctor.stdout


def test_one_server_per_data_dir_private_and_listed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = embedded_env(data_dir)
    try:
        url = embedded_redis.ensure_running(data_dir)
        assert embedded_redis.ensure_running(data_dir) == url
        (server,) = running_for(data_dir)
        directory = data_dir / "redis"
        assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(embedded_redis.socket_path(data_dir)).st_mode) & 0o077 == 0
        status = json.loads(run_cli(["redis", "status", "--json"], env, timeout=60).stdout)
        assert status["this"]["running"] and status["this"]["pid"] == server.pid
        version = embedded_redis.parse_version(status["this"]["version"])
        assert (version is not None and version > (6, 2, 14)) or embedded_redis.choose_binary()[1] == version
        stats = json.loads(run_cli(["stats", "--json"], env, timeout=60).stdout)
        assert stats["queued"] == 0
    finally:
        embedded_redis.stop(data_dir)
    assert running_for(data_dir) == []
