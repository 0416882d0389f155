"""crawler.slots: the per-process schedule and the fallback from Redis to it."""

from __future__ import annotations

import logging

import pytest
import redis

from crawler.redisstate import OutageBreaker
from crawler.slots import LocalSlots, SharedSlots


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FlakyShared:
    """A shared schedule that fails while ``down`` is set, and records the calls it answered."""

    def __init__(self) -> None:
        self.down = False
        self.calls: list[tuple[str, str, float]] = []

    def reserve(self, host: str, interval: float) -> float:
        if self.down:
            raise redis.ConnectionError("connection refused")
        self.calls.append(("reserve", host, interval))
        return 0.25

    def push(self, host: str, delay: float) -> float:
        if self.down:
            raise redis.ConnectionError("connection refused")
        self.calls.append(("push", host, delay))
        return delay


def test_local_slots_space_requests_one_interval_apart() -> None:
    clock = FakeClock()
    slots = LocalSlots(clock)
    waits = [slots.reserve("a.example", 0.5) for _ in range(4)]
    assert waits == [0.0, 0.5, 1.0, 1.5]
    assert slots.reserve("b.example", 0.5) == 0.0  # hosts are independent


def test_local_slots_free_up_as_time_passes() -> None:
    clock = FakeClock()
    slots = LocalSlots(clock)
    slots.reserve("a.example", 1.0)
    clock.now += 0.4
    assert slots.reserve("a.example", 1.0) == pytest.approx(0.6)
    clock.now += 5.0
    assert slots.reserve("a.example", 1.0) == 0.0


def test_local_push_delays_the_next_slot_but_never_shortens_it() -> None:
    clock = FakeClock()
    slots = LocalSlots(clock)
    assert slots.push("a.example", 3.0) == 3.0
    assert slots.push("a.example", 1.0) == 3.0
    assert slots.reserve("a.example", 0.5) == 3.0
    assert slots.reserve("a.example", 0.5) == 3.5


def test_shared_slots_use_redis_while_it_answers() -> None:
    shared, clock = FlakyShared(), FakeClock()
    slots = SharedSlots(shared, LocalSlots(clock), OutageBreaker("test", clock=clock))
    assert slots.reserve("a.example", 0.3) == 0.25
    assert shared.calls == [("reserve", "a.example", 0.3)]


def test_shared_slots_fall_back_to_local_and_warn_once(caplog: pytest.LogCaptureFixture) -> None:
    shared, clock = FlakyShared(), FakeClock()
    breaker = OutageBreaker("limits are per process", pause=5.0, clock=clock)
    slots = SharedSlots(shared, LocalSlots(clock), breaker)
    shared.down = True
    with caplog.at_level(logging.WARNING):
        waits = [slots.reserve("a.example", 0.5) for _ in range(3)]
    assert waits == [0.0, 0.5, 1.0]  # the local schedule still spaces requests
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert breaker.failures == 1  # the breaker stopped trying after the first failure


def test_shared_slots_return_to_redis_after_the_pause() -> None:
    shared, clock = FlakyShared(), FakeClock()
    slots = SharedSlots(shared, LocalSlots(clock), OutageBreaker("test", pause=5.0, clock=clock))
    shared.down = True
    slots.reserve("a.example", 0.5)
    shared.down = False
    clock.now += 1.0
    slots.reserve("a.example", 0.5)
    assert shared.calls == []  # still pausing
    clock.now += 5.0
    assert slots.reserve("a.example", 0.5) == 0.25
    assert shared.calls == [("reserve", "a.example", 0.5)]


def test_push_is_kept_locally_even_when_redis_takes_it() -> None:
    shared, clock = FlakyShared(), FakeClock()
    local = LocalSlots(clock)
    slots = SharedSlots(shared, local, OutageBreaker("test", clock=clock))
    assert slots.push("a.example", 2.0) == 2.0
    shared.down = True  # Redis dies during the pause: the local schedule still honours it
    assert slots.reserve("a.example", 0.1) == 2.0
