"""Queue depth as Redis sees it: messages waiting and messages delivered but not yet acknowledged."""

from __future__ import annotations

import redis

from pipelines.errors import RedisUnavailable
from workers.queues import ALL_QUEUES

# kombu's Redis transport keeps delivered, unacknowledged messages in this hash.
UNACKED_HASH = "unacked"


def queue_depths(client: redis.Redis) -> dict[str, int]:
    """Waiting messages per queue, plus ``unacked`` (in flight on some worker)."""
    try:
        depths = {name: int(client.llen(name)) for name in ALL_QUEUES}
        depths["unacked"] = int(client.hlen(UNACKED_HASH))
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot read queue depth: {exc}") from exc
    return depths


def total_queued(client: redis.Redis) -> int:
    return sum(queue_depths(client).values())
