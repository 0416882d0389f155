"""Per-host request slots: reserve the next moment a request to a host may leave.

:class:`RedisSlots` shares the schedule between every crawler process through
one Redis key per host (``pipelines.keys.host_rate``) holding the earliest
time, in Redis-server milliseconds, of the next request.  Reservation is one
atomic Lua script, so concurrent reservations queue up one interval apart
instead of racing.  The Redis server's clock is used so that crawlers on
machines with skewed clocks still agree.  :class:`LocalSlots` is the same
schedule for one process, the fallback while Redis is down; :class:`SharedSlots`
picks between them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis

from crawler.redisstate import OutageBreaker, scoped_key
from pipelines import keys

__all__ = ["LocalSlots", "RedisSlots", "SharedSlots", "SlotBook"]

# Keys outlive the slot they describe by this much, then vanish on their own.
KEY_GRACE_MS = 60_000

# KEYS[1] host key; ARGV[1] interval ms; ARGV[2] grace ms.  Returns the wait in ms.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', after - now + tonumber(ARGV[2]))
return slot - now
"""

# KEYS[1] host key; ARGV[1] delay ms; ARGV[2] grace ms.  Moves the next slot to
# now + delay unless it is already later.  Returns the resulting wait in ms.
_PUSH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > current then
  redis.call('SET', KEYS[1], string.format('%d', wanted), 'PX', wanted - now + tonumber(ARGV[2]))
  current = wanted
end
return current - now
"""


class SlotBook(Protocol):
    def reserve(self, host: str, interval: float) -> float:
        """Take the next slot for ``host``, keeping ``interval`` seconds free after it; return the wait."""

    def push(self, host: str, delay: float) -> float:
        """Let no request reach ``host`` for ``delay`` seconds (Retry-After); return the wait now in force."""


class RedisSlots:
    """The schedule shared through Redis; raises redis.RedisError when Redis fails."""

    def __init__(self, client: redis.Redis, *, namespace: str = "") -> None:
        self._namespace = namespace
        self._reserve = client.register_script(_RESERVE)
        self._push = client.register_script(_PUSH)

    def key(self, host: str) -> str:
        return scoped_key(keys.host_rate(host), self._namespace)

    def reserve(self, host: str, interval: float) -> float:
        waited = self._reserve(keys=[self.key(host)], args=[round(interval * 1000), KEY_GRACE_MS])
        return int(waited) / 1000  # an integer reply

    def push(self, host: str, delay: float) -> float:
        waited = self._push(keys=[self.key(host)], args=[round(delay * 1000), KEY_GRACE_MS])
        return int(waited) / 1000  # an integer reply


class LocalSlots:
    """The same schedule kept in this process only (monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, interval: float) -> float:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
            return slot - now

    def push(self, host: str, delay: float) -> float:
        with self._lock:
            now = self._clock()
            self._next[host] = max(self._next.get(host, now), now + delay)
            return self._next[host] - now


class SharedSlots:
    """Redis slots while Redis answers, local slots (per process) during an outage."""

    def __init__(self, shared: SlotBook, local: SlotBook, breaker: OutageBreaker) -> None:
        self._shared = shared
        self._local = local
        self._breaker = breaker

    def reserve(self, host: str, interval: float) -> float:
        if self._breaker.available():
            try:
                wait = self._shared.reserve(host, interval)
            except redis.RedisError as exc:
                self._breaker.failed(exc)
            else:
                self._breaker.succeeded()
                return wait
        return self._local.reserve(host, interval)

    def push(self, host: str, delay: float) -> float:
        # Pushed locally too, so the pause also holds if Redis fails before it ends.
        local_wait = self._local.push(host, delay)
        if self._breaker.available():
            try:
                return self._shared.push(host, delay)
            except redis.RedisError as exc:
                self._breaker.failed(exc)
        return local_wait
