"""Read what waits on the processing queue from kombu's envelopes: single pages and batches alike."""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import redis

from workers.queues import PROCESS_QUEUE


@dataclass(frozen=True)
class QueuedTask:
    task_id: str
    task_name: str
    kwargs: dict[str, Any]

    @property
    def pages(self) -> list[dict[str, Any]]:
        """The page payloads this task carries: one for ``newsdesk.process_page``, several for a batch."""
        if "page" in self.kwargs:
            return [self.kwargs["page"]]
        return list(self.kwargs.get("pages") or [])


def queued_tasks(client: redis.Redis, queue: str = PROCESS_QUEUE) -> list[QueuedTask]:
    tasks = []
    for raw in client.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        headers = envelope["headers"]
        tasks.append(QueuedTask(headers["id"], headers["task"], kwargs))
    return tasks


def queued_page_urls(client: redis.Redis) -> Counter[str]:
    """How many times each page URL waits on the processing queue, over every message."""
    return Counter(page["url"] for task in queued_tasks(client) for page in task.pages)
