"""What 10 million articles a day needs, projected from the costs one run measured (SCALING.md quotes it)."""

from __future__ import annotations

import math

from bench.e2e_report import RunPoint
from config.settings import WorkerSettings

ARTICLES_PER_DAY = 10_000_000
ROLE_VOLUMES = (10_000_000, 100_000_000)  # the per-role plan is printed for both
# A Redis primary is planned at 48 GiB of data (a 64 GiB machine, room for fork-on-save and fragmentation) and
# at most 60% of its one thread, so a failover's catch-up and a burst still fit.
PRIMARY_DATA_GIB = 48
PRIMARY_THREAD_SHARE = 0.6
# The dedupe index's per-article budget (issue: <= 400 B); used when this run measured none.
DEDUPE_BUDGET_BYTES = 400
PEAK_FACTOR = 3.0  # news arrives in bursts: plan capacity for three times the daily average
# A stored article's body expires 2 x worker.visibility_timeout later (workers.tasks.finish_stored).
BODY_AFTER_STORE_SECONDS = 2 * WorkerSettings().visibility_timeout
DEDUPE_RETENTION_DAYS = 30  # dedupe.retention_days default
FETCH_STATE_DAYS = 30  # crawl.fetch_state_ttl_days default
BACKLOG_HOURS = 1.0  # queue backlog the broker should absorb (a worker outage, a burst)
GIB = 1024**3


def _bytes_per_article(point: RunPoint, kind: str) -> float:
    return point.redis_memory.by_kind_mib.get(kind, 0.0) * 1024 * 1024 / point.rows_total


def projection(point: RunPoint) -> list[str]:
    rate = ARTICLES_PER_DAY / 86400
    peak = rate * PEAK_FACTOR
    n = point.flow.articles
    worker_ms = point.drain.worker_cpu_s * 1000 / point.drain.articles
    crawl_ms = point.flow.crawl_cpu_s * 1000 / n
    redis_ms = point.flow.redis_cpu_s * 1000 / n
    bodies = _bytes_per_article(point, "page bodies (by reference)")
    dedupe = _bytes_per_article(point, "dedupe index")
    fetched = _bytes_per_article(point, "crawl fetch state")
    db_kib = point.database_bytes / point.rows_total / 1024
    workers_avg, workers_peak = rate * worker_ms / 1000, peak * worker_ms / 1000
    per_crawler = point.crawl_rate
    return [
        f"projection to {ARTICLES_PER_DAY:,} articles/day = {rate:.1f}/s average, {peak:.0f}/s at "
        f"x{PEAK_FACTOR:.0f} peaks (from this run's measured costs)",
        f"  processing  {worker_ms:.2f} ms CPU/article (processing alone) -> {workers_avg:.1f} cores average, "
        f"{workers_peak:.1f} at peak = {math.ceil(workers_peak)} pool processes on free cores",
        f"  crawling    {crawl_ms:.2f} ms CPU/article -> {rate * crawl_ms / 1000:.1f} cores average, "
        f"{peak * crawl_ms / 1000:.1f} at peak; one crawl process did {per_crawler:.0f}/s here -> "
        f"{math.ceil(peak / per_crawler)} crawl processes at peak",
        f"  redis CPU   {redis_ms:.2f} ms/article -> {rate * redis_ms / 10:.0f}% of its one thread average, "
        f"{peak * redis_ms / 10:.0f}% at peak (one Redis saturates near {1000 / redis_ms:.0f} articles/s)",
        f"  redis RAM   page bodies {bodies / 1024:.1f} KiB/article, expiring {BODY_AFTER_STORE_SECONDS} s after "
        f"their article is stored: {peak * BODY_AFTER_STORE_SECONDS * bodies / GIB:.1f} GiB at peak, plus "
        f"{peak * 3600 * BACKLOG_HOURS * bodies / GIB:.1f} GiB for a {BACKLOG_HOURS:.0f} h backlog",
        f"              queue messages {point.drain.message_bytes:.0f} B each, "
        f"{point.drain.articles / point.drain.tasks:.0f} pages per message (measured on a full queue) = "
        f"{point.drain.queue_bytes_per_article:.0f} B/article: a {BACKLOG_HOURS:.0f} h backlog = "
        f"{peak * 3600 * BACKLOG_HOURS * point.drain.queue_bytes_per_article / GIB:.1f} GiB",
        f"              dedupe index {dedupe:.0f} B/article x {DEDUPE_RETENTION_DAYS} days = "
        f"{ARTICLES_PER_DAY * DEDUPE_RETENTION_DAYS * dedupe / GIB:,.0f} GiB",
        f"              crawl fetch state {fetched:.0f} B/URL x {FETCH_STATE_DAYS} days = "
        f"{ARTICLES_PER_DAY * FETCH_STATE_DAYS * fetched / GIB:,.0f} GiB",
        f"  database    {db_kib:.1f} KiB/article -> {ARTICLES_PER_DAY * db_kib / 1024 / 1024:,.0f} GiB/day, "
        f"{ARTICLES_PER_DAY * db_kib * 30 / 1024**3:,.1f} TiB per 30 days; {rate:.0f} article upserts/s "
        f"({peak:.0f} at peak), each one transaction",
        f"  worker RAM  pool child peak {point.worker_memory.child_max_mib:.0f} MiB x {math.ceil(workers_peak)} = "
        f"{point.worker_memory.child_max_mib * math.ceil(workers_peak) / 1024:.1f} GiB (+ one "
        f"{point.worker_memory.main_mib:.0f} MiB main process per worker)",
    ]


def role_plan(point: RunPoint) -> list[str]:
    """Machines and memory per Redis role (broker, state, bodies) for 10 M and 100 M articles a day.

    Memory per role comes from this run's measured bytes per article by kind; Redis CPU is measured for the
    whole run and split by role in proportion to the commands each role serves (bodies: 2 per article;
    state: dedupe script, outbox, counters ~4; broker: publish, fetch, ack ~3), which is an estimate.
    """
    bodies = _bytes_per_article(point, "page bodies (by reference)")
    dedupe = _bytes_per_article(point, "dedupe index") or DEDUPE_BUDGET_BYTES
    fetched = _bytes_per_article(point, "crawl fetch state")
    redis_ms = point.flow.redis_cpu_s * 1000 / point.flow.articles
    shares = {"broker": 3 / 9, "state": 4 / 9, "bodies": 2 / 9}
    lines = [
        f"per-role plan (Redis primaries at <= {PRIMARY_DATA_GIB} GiB of data and <= {PRIMARY_THREAD_SHARE:.0%} "
        "of one thread; each primary with one replica and 3 Sentinels, or a Redis Cluster for state and bodies)"
    ]
    for volume in ROLE_VOLUMES:
        rate = volume / 86400
        peak = rate * PEAK_FACTOR
        memory = {
            "broker": peak * 3600 * BACKLOG_HOURS * point.drain.queue_bytes_per_article / GIB,
            "state": (volume * DEDUPE_RETENTION_DAYS * dedupe + volume * FETCH_STATE_DAYS * fetched) / GIB,
            "bodies": (peak * BODY_AFTER_STORE_SECONDS + peak * 3600 * BACKLOG_HOURS) * bodies / GIB,
        }
        lines.append(f"  {volume:>11,} articles/day ({peak:,.0f}/s at peak)")
        for role, gib in memory.items():
            thread = peak * redis_ms * shares[role] / 1000
            primaries = max(math.ceil(gib / PRIMARY_DATA_GIB), math.ceil(thread / PRIMARY_THREAD_SHARE), 1)
            layout = "one primary + replica" if primaries == 1 else f"{primaries} primaries (cluster) + replicas"
            if role == "broker" and primaries > 1:
                layout = f"{primaries} brokers (Celery queues split by source group), each + replica"
            lines.append(f"    {role:<7} {gib:>9,.1f} GiB, {thread:>5.2f} threads at peak -> {layout}")
    return lines
