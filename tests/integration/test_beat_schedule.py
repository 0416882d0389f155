"""Two schedulers on one Redis: exactly one leads, and a source fires once per period."""

from __future__ import annotations

import redis

from config.sources import Schedule, Source
from pipelines import keys
from workers.beat import Scheduler


def test_two_schedulers_fire_each_period_once(redis_client: redis.Redis) -> None:
    # Keys from pipelines.keys are global; this test uses a source id unique to it and removes its keys.
    source_id = f"beat-test-{id(redis_client)}"
    source = Source(source_id, "S", "feed", ("https://s.test/",), ("s.test",), Schedule(every_seconds=60))
    fired: list[tuple[str, str, str]] = []
    first = Scheduler(redis_client, [source], lambda s, p: fired.append(("first", s.id, p)), name="first")
    second = Scheduler(redis_client, [source], lambda s, p: fired.append(("second", s.id, p)), name="second")
    redis_client.delete(keys.beat_lock())
    try:
        start = 6_000_000.0  # period i100000
        for step in range(0, 180, 1):  # three minutes of ticks, both schedulers ticking every second
            first.tick(start + step)
            second.tick(start + step)
        periods = [p for _, _, p in fired]
        assert periods == ["i100000", "i100001", "i100002"]
        assert {who for who, _, _ in fired} == {"first"}  # the leader sent them all

        # The leader dies without releasing: the second takes over when the lease lapses.
        redis_client.delete(keys.beat_lock())
        second.tick(start + 180)
        assert second.leading and not first.lease.renew()
        assert fired[-1] == ("second", source_id, "i100003")
    finally:
        first.stop()
        second.stop()
        for key in redis_client.scan_iter(match=f"{keys.beat_last_run(source_id)}*"):
            redis_client.delete(key)
        for key in redis_client.scan_iter(match=f"{keys.heartbeat('beat', '*')}"):
            redis_client.delete(key)


def test_a_stale_leader_cannot_fire_a_period_twice(redis_client: redis.Redis) -> None:
    """Both believe they lead (a paused process woke up): the per-period claim still holds."""
    source_id = f"beat-stale-{id(redis_client)}"
    source = Source(source_id, "S", "feed", ("https://s.test/",), ("s.test",), Schedule(every_seconds=60))
    fired: list[str] = []
    first = Scheduler(redis_client, [source], lambda s, p: fired.append("first"), name="a")
    second = Scheduler(redis_client, [source], lambda s, p: fired.append("second"), name="b")
    try:
        redis_client.delete(keys.beat_lock())
        first.tick(9_000_000.0)
        redis_client.delete(keys.beat_lock())  # the first's lease "expired" while it was paused
        second.tick(9_000_001.0)
        first.leading = True  # the paused one still believes it leads
        first.lease.renew = lambda: True  # type: ignore[method-assign]
        first.tick(9_000_002.0)
        assert fired == ["first"]
    finally:
        first.stop()
        second.stop()
        for key in redis_client.scan_iter(match=f"{keys.beat_last_run(source_id)}*"):
            redis_client.delete(key)
