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

    def take(self, host: str, interval: float) -> float:
        if self.down:
            raise redis.ConnectionError("connection refused")
        self.calls.append(("take", host, interval))
        return 0.25

    def push(self, host: str, delay: float) -> float:
        if self.down:
            raise redis.ConnectionError("connection refused")
        self.calls.append(("push", host, delay))
        return delay


def test_local_slots_let_one_request_go_per_interval() -> None:
    clock = FakeClock()
    slots = LocalSlots(clock)
    assert slots.take("a.example", 0.5) == 0.0  # goes
    assert slots.take("a.example", 0.5) == 0.5  # must wait
    assert slots.take("a.example", 0.5) == 0.5  # still; asking does not book anything
    assert slots.take("b.example", 0.5) == 0.0  # hosts are independent
    clock.now += 0.3
    assert slots.take("a.example", 0.5) == pytest.approx(0.2)
    clock.now += 0.2
    assert slots.take("a.example", 0.5) == 0.0


def test_late_departure_moves_the_next_slot() -> None:
    # The next request may leave one interval after the previous one actually left,
    # not after the moment it was scheduled for.
    clock = FakeClock()
    slots = LocalSlots(clock)
    slots.take("a.example", 1.0)
    clock.now += 1.4  # the next request woke late
    assert slots.take("a.example", 1.0) == 0.0
    clock.now += 0.7
    assert slots.take("a.example", 1.0) == pytest.approx(0.3)


def test_local_push_delays_the_next_slot_but_never_shortens_it() -> None:
    clock = FakeClock()
    slots = LocalSlots(clock)
    assert slots.push("a.example", 3.0) == 3.0
    assert slots.push("a.example", 1.0) == 3.0
    assert slots.take("a.example", 0.5) == 3.0
    clock.now += 3.0
    assert slots.take("a.example", 0.5) == 0.0


def test_shared_slots_use_redis_while_it_answers() -> None:
    shared, clock = FlakyShared(), FakeClock()
    slots = SharedSlots(shared, LocalSlots(clock), OutageBreaker("test", clock=clock))
    assert slots.take("a.example", 0.3) == 0.25
    assert shared.calls == [("take", "a.example", 0.3)]


def test_shared_slots_fall_back_to_local_and_warn_once(caplog: pytest.LogCaptureFixture) -> None:
    shared, clock = FlakyShared(), FakeClock()
    breaker = OutageBreaker("limits are per process", pause=5.0, clock=clock)
    slots = SharedSlots(shared, LocalSlots(clock), breaker)
    shared.down = True
    with caplog.at_level(logging.WARNING):
        waits = [slots.take("a.example", 0.5) for _ in range(3)]
    assert waits == [0.0, 0.5, 0.5]  # the local schedule still spaces requests
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert breaker.failures == 1  # the breaker stopped trying after the first failure


def test_shared_slots_return_to_redis_after_the_pause() -> None:
    shared, clock = FlakyShared(), FakeClock()
    slots = SharedSlots(shared, LocalSlots(clock), OutageBreaker("test", pause=5.0, clock=clock))
    shared.down = True
    slots.take("a.example", 0.5)
    shared.down = False
    clock.now += 1.0
    slots.take("a.example", 0.5)
    assert shared.calls == []  # still pausing
    clock.now += 5.0
    assert slots.take("a.example", 0.5) == 0.25
    assert shared.calls == [("take", "a.example", 0.5)]


def test_push_is_kept_locally_even_when_redis_takes_it() -> None:
    shared, clock = FlakyShared(), FakeClock()
    local = LocalSlots(clock)
    slots = SharedSlots(shared, local, OutageBreaker("test", clock=clock))
    assert slots.push("a.example", 2.0) == 2.0
    shared.down = True  # Redis dies during the pause: the local schedule still honours it
    assert slots.take("a.example", 0.1) == 2.0
