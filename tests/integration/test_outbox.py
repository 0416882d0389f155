"""The outbox re-sends a processing task whose message vanished, and only such a task."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis

from config.settings import parse_settings
from pipelines import keys
from pipelines.models import Page
from tests.support.queue_messages import queued_tasks
from tests.support.redis_server import PrivateRedis
from workers import outbox
from workers.queue_depth import UNACKED_HASH
from workers.queues import PROCESS_QUEUE
from workers.runtime import build_runtime


def queued_ids(client: redis.Redis) -> list[str]:
    return [task.task_id for task in queued_tasks(client)]


def test_lost_message_is_resent_and_present_ones_are_not(own_redis: PrivateRedis, tmp_path: object) -> None:
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url})
    runtime = build_runtime(settings)
    client = redis.Redis.from_url(own_redis.url)
    pages = [
        Page(f"http://o.test/{n}", f"http://o.test/{n}", 200, f"<p>{n}</p>".encode(), "o", datetime.now(UTC))
        for n in range(3)
    ]
    ids = [runtime.dispatcher.enqueue_page(page) for page in pages]
    assert client.zcard(keys.outbox_index()) == 3

    # Page 0 was popped by a worker that died before recording it as unacknowledged: gone from Redis.
    # Page 1 is held unacknowledged by a live worker.  Page 2 still waits in the queue.
    raw: dict[str, str] = {}
    for item in client.lrange(PROCESS_QUEUE, 0, -1):
        text = item.decode() if isinstance(item, bytes) else str(item)
        raw[json.loads(text)["headers"]["id"]] = text
    client.lrem(PROCESS_QUEUE, 0, raw[ids[0]])
    client.lrem(PROCESS_QUEUE, 0, raw[ids[1]])
    client.hset(UNACKED_HASH, "delivery-tag-1", json.dumps([json.loads(raw[ids[1]]), "", PROCESS_QUEUE]))

    assert outbox.reconcile(client, runtime.app, older_than_seconds=60) == 0  # too young to judge
    later = time.time() + 120
    assert outbox.reconcile(client, runtime.app, older_than_seconds=60, now=later) == 1
    assert sorted(queued_ids(client)) == sorted([ids[2], ids[0]])
    # Re-sent entries are not re-sent again at once.
    assert outbox.reconcile(client, runtime.app, older_than_seconds=60, now=later + 1) == 0

    for task_id in ids:
        outbox.done(client, task_id)
    assert client.zcard(keys.outbox_index()) == 0 and client.hlen(keys.outbox_payloads()) == 0
