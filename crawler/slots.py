"""Per-host request slots: let a request leave only when the host's interval has passed.

:class:`RedisSlots` shares the schedule between every crawler process through
one Redis key per host (``pipelines.keys.host_rate``) holding the earliest
time, in Redis-server milliseconds, of the next request.  :meth:`take` is one
atomic Lua script: if that time has come, the caller may go and the key moves
one interval on; otherwise it is told how long to wait, sleeps, and asks again.

Deciding at the moment of departure (rather than handing out future slots in
advance) matters: a request that wakes late from its sleep would otherwise
leave close behind the request holding the next slot.  Waiters compete when
they wake; which one wins is arbitrary, which politeness does not care about.
The Redis server's clock is used so that crawlers on machines with skewed
clocks still agree.  :class:`LocalSlots` is the same schedule for one process,
the fallback while Redis is down; :class:`SharedSlots` picks between them.
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

# Keys outlive the moment they describe by this much, then vanish on their own.
KEY_GRACE_MS = 60_000

# KEYS[1] host key; ARGV[1] interval ms; ARGV[2] grace ms.
# Returns 0 when the caller may go now (and books the interval), else the wait in ms (>= 1).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < next_at then
  return next_at - now
end
redis.call('SET', KEYS[1], string.format('%d', now + tonumber(ARGV[1])), 'PX', tonumber(ARGV[1]) + tonumber(ARGV[2]))
return 0
"""

# KEYS[1] host key; ARGV[1] delay ms; ARGV[2] grace ms.  Moves the next slot to
# now + delay unless it is already later.  Returns the resulting wait in ms.
_PUSH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > current then
  redis.call('SET', KEYS[1], string.format('%d', wanted), 'PX', tonumber(ARGV[1]) + tonumber(ARGV[2]))
  current = wanted
end
return current - now
"""


class SlotBook(Protocol):
    def take(self, host: str, interval: float) -> float:
        """0.0 if a request to ``host`` may leave now (the next must wait ``interval``), else seconds to wait."""

    def push(self, host: str, delay: float) -> float:
        """Let no request reach ``host`` for ``delay`` seconds (Retry-After); return the wait now in force."""


class RedisSlots:
    """The schedule shared through Redis; raises redis.RedisError when Redis fails."""

    def __init__(self, client: redis.Redis, *, namespace: str = "") -> None:
        self._namespace = namespace
        self._take = client.register_script(_TAKE)
        self._push = client.register_script(_PUSH)

    def key(self, host: str) -> str:
        return scoped_key(keys.host_rate(host), self._namespace)

    def take(self, host: str, interval: float) -> float:
        waited = self._take(keys=[self.key(host)], args=[round(interval * 1000), KEY_GRACE_MS])
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

    def take(self, host: str, interval: float) -> float:
        with self._lock:
            now = self._clock()
            next_at = self._next.get(host, now)
            if now < next_at:
                return next_at - now
            self._next[host] = now + interval
            return 0.0

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

    def take(self, host: str, interval: float) -> float:
        if self._breaker.available():
            try:
                wait = self._shared.take(host, interval)
            except redis.RedisError as exc:
                self._breaker.failed(exc)
            else:
                self._breaker.succeeded()
                return wait
        return self._local.take(host, interval)

    def push(self, host: str, delay: float) -> float:
        # Pushed locally too, so the pause also holds if Redis fails before it ends.
        local_wait = self._local.push(host, delay)
        if self._breaker.available():
            try:
                return self._shared.push(host, delay)
            except redis.RedisError as exc:
                self._breaker.failed(exc)
        return local_wait
