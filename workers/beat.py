"""``newsdesk beat``: the scheduler that queues crawls, safe to start more than once.

Two guards make a source fire once per period.  A leader lease in Redis
(renewed every tick, with a fencing token from INCR) keeps one scheduler
active; a second process waits and takes over when the leader's lease lapses.
Each firing also claims its period id with SET NX, so even two schedulers that
both believe they lead (a paused process waking up) cannot send it twice.
"""

from __future__ import annotations

import logging
import signal
import socket
import time
from collections.abc import Callable, Sequence
from types import FrameType

import redis

from config.sources import Source
from pipelines import keys
from workers.locks import Lease
from workers.queues import CRAWL_QUEUE, CRAWL_SOURCE_TASK
from workers.records import CrawlRequest
from workers.runtime import Runtime
from workers.schedule import due_period, period_ttl_seconds

log = logging.getLogger("newsdesk.beat")
TICK_SECONDS = 1.0
LEADER_LEASE_SECONDS = 10.0
HEARTBEAT_TTL_SECONDS = 30


class Scheduler:
    """One scheduler process; :meth:`tick` is the whole algorithm, :func:`run_beat` loops it."""

    def __init__(
        self,
        client: redis.Redis,
        sources: Sequence[Source],
        send: Callable[[Source, str], None],
        name: str | None = None,
    ) -> None:
        self.client = client
        self.sources = [s for s in sources if s.enabled]
        self.send = send
        self.name = name or f"{socket.gethostname()}:{id(self)}"
        self.lease = Lease(client, keys.beat_lock(), LEADER_LEASE_SECONDS)
        self.leading = False
        self.fence = 0

    def _lead(self) -> bool:
        if self.leading and self.lease.renew():
            return True
        if self.lease.acquire():
            self.fence = int(self.client.incr(keys.beat_fence()))
            log.info("%s leads the schedule (fencing token %d)", self.name, self.fence)
            self.leading = True
            return True
        if self.leading:
            log.warning("%s lost the schedule lease", self.name)
        self.leading = False
        return False

    def tick(self, now: float | None = None) -> list[str]:
        """Send every due source once; returns the source ids sent."""
        now = time.time() if now is None else now
        self.client.set(keys.heartbeat("beat", self.name), int(now), ex=HEARTBEAT_TTL_SECONDS)
        if not self._lead():
            return []
        sent = []
        for source in self.sources:
            period = due_period(source, now)
            if period is None:
                continue
            claimed = self.client.set(
                f"{keys.beat_last_run(source.id)}:{period}", self.fence, nx=True, ex=period_ttl_seconds(source)
            )
            if claimed:
                self.send(source, period)
                sent.append(source.id)
        return sent

    def stop(self) -> None:
        if self.leading:
            self.lease.release()
            self.leading = False


def run_beat(runtime: Runtime, sources: Sequence[Source]) -> int:
    def send(source: Source, period: str) -> None:
        runtime.app.send_task(
            CRAWL_SOURCE_TASK,
            kwargs=CrawlRequest(source.id).to_json(),  # each worker crawls with its own config file
            queue=CRAWL_QUEUE,
            task_id=f"crawl-{source.id}-{period}",
        )
        log.info("queued crawl of %s (period %s)", source.id, period)

    scheduler = Scheduler(runtime.redis, sources, send)
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("scheduler %s started with %d enabled source(s)", scheduler.name, len(scheduler.sources))
    while not stopping:
        try:
            scheduler.tick()
        except redis.RedisError as exc:
            log.warning("scheduler cannot reach Redis (%s); retrying", exc)
            scheduler.leading = False
        time.sleep(TICK_SECONDS)
    scheduler.stop()
    return 0
