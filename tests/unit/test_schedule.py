from __future__ import annotations

from datetime import UTC, datetime

from config.sources import Schedule, Source
from workers.schedule import cron_matches, due_period, period_ttl_seconds


def source(every: int | None = None, cron: str | None = None) -> Source:
    return Source("s", "S", "feed", ("https://s.test/",), ("s.test",), Schedule(every, cron))


def test_interval_periods_change_once_per_interval() -> None:
    every = source(every=600)
    assert due_period(every, 1200.0) == due_period(every, 1799.0) == "i2"
    assert due_period(every, 1800.0) == "i3"
    assert period_ttl_seconds(every) == 1200


def test_cron_fires_only_in_matching_minutes() -> None:
    quarter = source(cron="*/15 * * * *")
    at = datetime(2026, 11, 28, 10, 15, 30, tzinfo=UTC).timestamp()
    assert due_period(quarter, at) == f"c{int(datetime(2026, 11, 28, 10, 15, tzinfo=UTC).timestamp())}"
    assert due_period(quarter, at + 60) is None


def test_cron_day_of_week_uses_sunday_as_zero() -> None:
    sunday = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    assert cron_matches("0 6 * * 0", sunday)
    assert not cron_matches("0 6 * * 1", sunday)
