"""What 10 million articles a day needs, projected from the costs one run measured (SCALING.md quotes it)."""

from __future__ import annotations

import math

from bench.e2e_report import RunPoint
from config.settings import WorkerSettings

ARTICLES_PER_DAY = 10_000_000
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
