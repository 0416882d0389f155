"""When each source is due: interval and cron schedules reduced to "period ids".

A period id names one firing of one source (the interval number, or the cron
minute).  The scheduler sends a crawl only after claiming that id in Redis,
so a source fires at most once per period however many schedulers run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from celery.schedules import crontab

from config.sources import Source


def _cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week
    )


def cron_matches(expression: str, moment: datetime) -> bool:
    spec = _cron(expression)
    return (
        moment.minute in spec.minute
        and moment.hour in spec.hour
        and moment.day in spec.day_of_month
        and moment.month in spec.month_of_year
        and moment.isoweekday() % 7 in spec.day_of_week
    )


def due_period(source: Source, now: float) -> str | None:
    """The id of the period ``now`` falls in if the source should fire in it, else None."""
    schedule = source.schedule
    if schedule.every_seconds:
        return f"i{int(now // schedule.every_seconds)}"
    if schedule.cron:
        moment = datetime.fromtimestamp(now, UTC).replace(second=0, microsecond=0)
        if cron_matches(schedule.cron, moment):
            return f"c{int(moment.timestamp())}"
    return None


def period_ttl_seconds(source: Source) -> int:
    """How long a claimed period id must be remembered (two periods, at least two minutes)."""
    return max(120, 2 * (source.schedule.every_seconds or 60))
