"""Two ``newsdesk beat`` processes started by mistake: the source still fires once per period."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import redis
import yaml

from tests.support.processes import newsdesk_env
from tests.support.queue_messages import queued_tasks
from tests.support.redis_server import PrivateRedis
from workers.queues import CRAWL_QUEUE

PERIOD = 10


def queued_crawls(client: redis.Redis) -> list[str]:
    ids = []
    for task in queued_tasks(client, CRAWL_QUEUE):
        ids.append(task.task_id)
        assert task.kwargs["source_id"] == "wire"
    return ids


def test_two_beat_processes_fire_once_per_period(tmp_path: Path, own_redis: PrivateRedis) -> None:
    sources = tmp_path / "sources.yaml"
    source = {"id": "wire", "kind": "feed", "start_urls": ["https://wire.test/feed"], "schedule": {"every": PERIOD}}
    sources.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    env = newsdesk_env(tmp_path / "data", own_redis.url, NEWSDESK_SOURCES_FILE=str(sources))
    beats = []
    for n in range(2):
        with (tmp_path / f"beat-{n}.log").open("wb") as log:
            beats.append(subprocess.Popen([sys.executable, "-m", "newsdesk", "beat"], env=env, stdout=log, stderr=log))
    started = time.time()
    try:
        time.sleep(2.5 * PERIOD)
    finally:
        for beat in beats:
            beat.terminate()
        for beat in beats:
            assert beat.wait(timeout=20) == 0
    ended = time.time()
    periods = {int(t // PERIOD) for t in range(int(started) + 3, int(ended))}  # after start-up
    ids = queued_crawls(redis.Redis.from_url(own_redis.url))
    assert len(ids) == len(set(ids)), "a period was sent twice"
    # Start-up under load can miss the first boundary; never more than one crawl per period.
    assert max(1, len(periods) - 2) <= len(ids) <= len(periods) + 1
    logs = "".join((tmp_path / f"beat-{n}.log").read_text() for n in range(2))
    assert logs.count("leads the schedule") == 1
