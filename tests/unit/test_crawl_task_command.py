"""A crawl task's message names a source; the file the crawl reads is the worker's own, never the message's."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import redis

from config.settings import parse_settings
from workers.context import WorkerContext
from workers.locks import Lease
from workers.records import CrawlRequest
from workers.tasks import crawl_command, handle_crawl_source

NEVER_CONTACTED = "redis://127.0.0.1:1/0"


def context_for(tmp_path: Path, config_file: Path | None) -> WorkerContext:
    return WorkerContext(parse_settings(None, {}, data_dir=tmp_path / "data"), NEVER_CONTACTED, config_file)


def test_the_crawl_child_reads_the_workers_config_file(tmp_path: Path) -> None:
    own = tmp_path / "newsdesk.yaml"
    lease = Lease(redis.Redis.from_url(NEVER_CONTACTED), "lease-key", 10, token="t0")
    command = crawl_command(context_for(tmp_path, own), "news", lease)
    assert command[command.index("--config") + 1] == str(own)
    assert command[command.index("--source") + 1] == "news"
    assert command[-4:] == ["--lease-key", "lease-key", "--lease-token", "t0"]


def test_a_worker_without_a_config_file_passes_none(tmp_path: Path) -> None:
    lease = Lease(redis.Redis.from_url(NEVER_CONTACTED), "lease-key", 10)
    assert "--config" not in crawl_command(context_for(tmp_path, None), "news", lease)


def test_a_message_naming_another_config_file_is_not_obeyed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = context_for(tmp_path, tmp_path / "newsdesk.yaml")
    started: list[list[str]] = []

    class Refused(Exception):
        pass

    def record(command: list[str], **_kwargs: object) -> None:
        started.append(command)
        raise Refused

    monkeypatch.setattr("workers.tasks.Lease.acquire", lambda _self: True)
    monkeypatch.setattr("workers.tasks.Lease.release", lambda _self: None)
    monkeypatch.setattr("workers.tasks.subprocess.run", record)
    request = CrawlRequest.from_json({"source_id": "news", "config_file": "/etc/attacker.yaml"})
    with caplog.at_level(logging.WARNING, logger="newsdesk"), pytest.raises(Refused):
        handle_crawl_source(context, request.source_id, request.config_file)
    assert "/etc/attacker.yaml" not in started[0]
    assert started[0][started[0].index("--config") + 1] == str(tmp_path / "newsdesk.yaml")
    assert "names config file '/etc/attacker.yaml'" in caplog.text
