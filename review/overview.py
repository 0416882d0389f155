"""The overview's figures over time, and the charts drawn from them (the page and ``newsdesk report``).

Backlog and waiting ages are reconstructed from each item's creation and decision times (an item decided,
undone and decided again counts from its latest decision); handling time and decisions come from the
decision log; flags per code from the flags and their article's fetch time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from pipelines.storage.schema import articles, decisions, flags, review_items
from review.agreement import percentile
from review.charts import Series, bar_chart, line_chart
from review.clock import as_utc

MAX_ROWS = 200_000  # the overview reads at most this many recent rows of each table
TOP_CODES = 6


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str


def _day_edges(now: datetime, days: int) -> list[datetime]:
    """The end of each of the last ``days`` days (UTC), the last one being now."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return [today - timedelta(days=days - 1 - i) + timedelta(days=1) for i in range(days - 1)] + [now]


def _labels(edges: list[datetime]) -> list[str]:
    return [(edge - timedelta(seconds=1)).strftime("%m-%d") for edge in edges]


def backlog_and_age(conn: Connection, edges: list[datetime]) -> tuple[Series, Series, Series]:
    rows = conn.execute(
        select(review_items.c.created_at, review_items.c.decided_at, review_items.c.state)
        .order_by(review_items.c.id.desc())
        .limit(MAX_ROWS)
    ).all()
    spans = [
        (as_utc(r.created_at), as_utc(r.decided_at) if r.decided_at is not None and r.state == "decided" else None)
        for r in rows
    ]
    backlog: list[float | None] = []
    p50: list[float | None] = []
    p95: list[float | None] = []
    for edge in edges:
        ages = [
            (edge - created).total_seconds() / 3600
            for created, done in spans
            if created <= edge and (done is None or done > edge)
        ]
        backlog.append(float(len(ages)))
        p50.append(percentile(ages, 0.5))
        p95.append(percentile(ages, 0.95))
    return Series("waiting items", tuple(backlog)), Series("age p50", tuple(p50)), Series("age p95", tuple(p95))


def handling(conn: Connection, edges: list[datetime]) -> tuple[Series, Series]:
    start = edges[0] - timedelta(days=1)
    rows = conn.execute(
        select(decisions.c.created_at, decisions.c.handling_seconds)
        .where(decisions.c.created_at >= start, decisions.c.handling_seconds.is_not(None))
        .limit(MAX_ROWS)
    ).all()
    buckets: list[list[float]] = [[] for _ in edges]
    for row in rows:
        at = as_utc(row.created_at)
        for i, edge in enumerate(edges):
            if at <= edge:
                buckets[i].append(float(row.handling_seconds))
                break
    return (
        Series("handling p50", tuple(percentile(b, 0.5) for b in buckets)),
        Series("handling p95", tuple(percentile(b, 0.95) for b in buckets)),
    )


def decisions_per_hour(conn: Connection, now: datetime, hours: int = 48) -> tuple[list[str], list[float]]:
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    rows = conn.execute(
        select(decisions.c.created_at)
        .where(decisions.c.created_at >= start, decisions.c.decision != "undo")
        .limit(MAX_ROWS)
    ).scalars()
    counts = [0.0] * hours
    for at in rows:
        index = int((as_utc(at) - start).total_seconds() // 3600)
        if 0 <= index < hours:
            counts[index] += 1
    labels = [(start + timedelta(hours=i)).strftime("%H:00") for i in range(hours)]
    return labels, counts


def flags_per_code(conn: Connection, edges: list[datetime]) -> list[Series]:
    start = edges[0] - timedelta(days=1)
    rows = conn.execute(
        select(flags.c.code, articles.c.fetched_at)
        .join(articles, articles.c.id == flags.c.article_id)
        .where(articles.c.fetched_at >= start)
        .limit(MAX_ROWS)
    ).all()
    per_code: dict[str, list[float]] = {}
    for code, fetched in rows:
        at = as_utc(fetched)
        for i, edge in enumerate(edges):
            if at <= edge:
                per_code.setdefault(str(code), [0.0] * len(edges))[i] += 1
                break
    busiest = sorted(per_code.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[:TOP_CODES]
    return [Series(code, tuple(values)) for code, values in busiest]


def charts(conn: Connection, now: datetime, days: int = 14) -> list[Chart]:
    """Every chart of the overview, newest day last."""
    edges = _day_edges(now, days)
    labels = _labels(edges)
    backlog, p50, p95 = backlog_and_age(conn, edges)
    handled50, handled95 = handling(conn, edges)
    hour_labels, per_hour = decisions_per_hour(conn, now)
    return [
        Chart("Backlog: items waiting at the end of each day", line_chart("Backlog", labels, [backlog])),
        Chart("Age of waiting items (hours)", line_chart("Waiting age", labels, [p50, p95], "h")),
        Chart(
            "Handling time, claim to decision (seconds)",
            line_chart("Handling time", labels, [handled50, handled95], "s"),
        ),
        Chart("Decisions per hour, last 48 hours", bar_chart("Decisions per hour", hour_labels, per_hour)),
        Chart(
            "Flags per code per day (busiest codes)", line_chart("Flags per code", labels, flags_per_code(conn, edges))
        ),
    ]
