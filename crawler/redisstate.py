"""Redis plumbing shared by the crawler's middlewares: client, key scoping, outage breaker.

The crawl must survive a Redis outage (politeness and incremental state are
optimisations, not correctness), so every middleware that talks to Redis goes
through an :class:`OutageBreaker`: after a failure it stops trying for a while,
logs one warning, and the caller degrades (local limiter, unconditional fetch).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

from pipelines import keys

__all__ = ["OutageBreaker", "connect", "scoped_key"]

# Short timeouts: a wedged Redis must cost a crawl a second, not a minute.
SOCKET_TIMEOUT_SECONDS = 1.0


def connect(url: str) -> redis.Redis:
    """A client for ``url`` with short timeouts; it connects lazily, so this never fails on an outage."""
    return redis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
    )


def scoped_key(key: str, namespace: str) -> str:
    """``key`` moved under ``newsdesk:<namespace>:`` so tests and demos sharing a Redis do not collide."""
    if not namespace:
        return key
    prefix = f"{keys.PREFIX}:"
    return f"{prefix}{namespace}:{key.removeprefix(prefix)}"


class OutageBreaker:
    """Tracks whether Redis is usable; after a failure, callers skip it for ``pause`` seconds.

    Thread-safe: the middlewares call Redis from Scrapy's thread pool.
    """

    def __init__(
        self,
        purpose: str,
        *,
        pause: float = 5.0,
        logger: logging.Logger | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.purpose = purpose
        self.pause = pause
        self._logger = logger or logging.getLogger(__name__)
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until: float | None = None
        self.failures = 0

    def available(self) -> bool:
        """False while a recent failure says Redis is down."""
        with self._lock:
            return self._down_until is None or self._clock() >= self._down_until

    def failed(self, exc: Exception) -> None:
        """Record a failure; warn only when Redis goes from up to down, not on every request."""
        with self._lock:
            was_up = self._down_until is None
            self._down_until = self._clock() + self.pause
            self.failures += 1
        if was_up:
            self._logger.warning("Redis unreachable (%s); %s", exc, self.purpose)

    def succeeded(self) -> None:
        with self._lock:
            was_down = self._down_until is not None
            self._down_until = None
        if was_down:
            self._logger.warning("Redis reachable again; shared state resumes")
