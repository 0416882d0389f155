"""The outbox: every processing task stays recorded until its page is stored or dead-lettered.

kombu's Redis transport pops a message (BRPOP) and only then records it as
unacknowledged; a worker killed between the two loses that message, and the
visibility-timeout restore never sees it.  The outbox closes the gap: the
producer records each task id and its kwargs in the same Redis round trip as
the page body; the task removes the entry when it finishes; and a reconciler
re-sends entries that are older than the restore window and are neither
waiting in the queue nor held unacknowledged by any worker.  Re-sending is
safe because task ids are deterministic and every effect is idempotent.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis
from celery import Celery

from pipelines import keys
from pipelines.errors import InvalidPayload, RedisUnavailable
from workers.queue_depth import UNACKED_HASH
from workers.queues import PROCESS_QUEUE
from workers.records import OutboxEntry

log = logging.getLogger("newsdesk.outbox")
# Scanning the queue for ids is linear; while a backlog is larger than this, lost
# messages are simply found later, once the backlog has drained.
MAX_QUEUE_SCAN = 20_000


def record(pipe: Any, task_id: str, entry: OutboxEntry, *, now: float | None = None) -> None:
    """Add the entry to a Redis pipeline (the caller executes it with the page bodies)."""
    pipe.hset(keys.outbox_payloads(), task_id, json.dumps(entry.to_json()))
    pipe.zadd(keys.outbox_index(), {task_id: time.time() if now is None else now})


def _entry(raw: bytes | str) -> OutboxEntry | None:
    """A stored entry, or None (logged) when it does not decode: it cannot be re-sent."""
    try:
        return OutboxEntry.from_json(json.loads(raw))
    except (ValueError, InvalidPayload) as exc:
        log.error("outbox entry does not decode, dropped: %s", exc)
        return None


def clear(pipe: Any, task_id: str) -> None:
    """Add the entry's removal to a Redis pipeline (the task's page is stored or dead-lettered)."""
    pipe.zrem(keys.outbox_index(), task_id)
    pipe.hdel(keys.outbox_payloads(), task_id)


def clear_now(client: redis.Redis, task_id: str) -> None:
    pipe = client.pipeline()
    clear(pipe, task_id)
    pipe.execute()


def done(client: redis.Redis, task_id: str) -> None:
    """The task's page is stored or dead-lettered: nothing left to re-send."""
    try:
        clear_now(client, task_id)
    except redis.RedisError as exc:
        # Harmless: at worst the reconciler re-sends a finished page, which changes nothing.
        log.warning("cannot clear outbox entry %s: %s", task_id, exc)


def _task_id(raw: bytes | str) -> str | None:
    try:
        envelope = json.loads(raw)
    except ValueError:
        return None
    if isinstance(envelope, list):  # unacked entries are [message, exchange, routing_key]
        envelope = envelope[0] if envelope else {}
    headers = envelope.get("headers") if isinstance(envelope, dict) else None
    task_id = headers.get("id") if isinstance(headers, dict) else None
    return str(task_id) if task_id else None


def in_flight_ids(client: redis.Redis) -> set[str] | None:
    """Task ids waiting in the processing queue or held unacknowledged; None if the queue is too long to scan."""
    if int(client.llen(PROCESS_QUEUE)) > MAX_QUEUE_SCAN:
        return None
    raws = list(client.lrange(PROCESS_QUEUE, 0, -1)) + list(client.hvals(UNACKED_HASH))
    return {task_id for raw in raws if (task_id := _task_id(raw))}


def reconcile(client: redis.Redis, app: Celery, older_than_seconds: float, *, now: float | None = None) -> int:
    """Re-send outbox entries older than ``older_than_seconds`` that no queue or worker holds; returns the count."""
    now = time.time() if now is None else now
    try:
        stale = [
            member.decode() if isinstance(member, bytes) else str(member)
            for member in client.zrangebyscore(keys.outbox_index(), "-inf", now - older_than_seconds, start=0, num=1000)
        ]
        if not stale:
            return 0
        present = in_flight_ids(client)
        if present is None:
            return 0
        resent = 0
        for task_id in stale:
            if task_id not in present:
                payload = client.hget(keys.outbox_payloads(), task_id)
                if payload is None:
                    client.zrem(keys.outbox_index(), task_id)
                    continue
                entry = _entry(payload)
                if entry is None:
                    clear_now(client, task_id)
                    continue
                app.send_task(
                    entry.payload.task_name, kwargs=entry.payload.to_json(), task_id=task_id, queue=PROCESS_QUEUE
                )
                resent += 1
                log.warning("re-sent %s: its message was lost in transit", task_id)
            client.zadd(keys.outbox_index(), {task_id: now})
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot reconcile the outbox: {exc}") from exc
    return resent
