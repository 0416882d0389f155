"""Machines and memory per role for a daily volume, from measured per-article costs (pure arithmetic).

Assumptions, printed with the plan: peaks 3x the daily average and Redis primaries at <= 48 GiB and <= 60% of
one thread (bench.e2e_scaling); a one-hour backlog; the dedupe index and fetch state at their 30-day defaults;
bodies expiring 2 x the visibility timeout after their article is stored; worker machines of 16 cores run at
<= 75%, plus one spare; Celery's own share of worker CPU at the 15% the end-to-end bench's target allows;
PostgreSQL keeps full rows for ``FULL_ROW_DAYS`` (retention.text_days) and trimmed rows after, and its memory
holds the B-tree indexes of the last ``HOT_DAYS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.e2e_projection_measure import PostgresCosts, RedisCosts
from bench.e2e_scaling import (
    BACKLOG_HOURS,
    BODY_AFTER_STORE_SECONDS,
    DEDUPE_BUDGET_BYTES,
    DEDUPE_RETENTION_DAYS,
    FETCH_STATE_DAYS,
    GIB,
    PEAK_FACTOR,
    PRIMARY_DATA_GIB,
    PRIMARY_THREAD_SHARE,
)

VOLUMES = (10_000_000, 100_000_000)
QUEUE_SHARE = 0.15  # Celery + kombu + Redis round trips as a share of worker CPU (the e2e bench's target)
WORKER_MACHINE_CORES = 16
WORKER_BUSY = 0.75
FULL_ROW_DAYS = 90  # a retention.text_days a deployment at this volume would set (0 keeps full rows forever)
KEPT_DAYS = 365  # how long the trimmed article rows are planned for
# PostgreSQL memory: the B-tree indexes of the last week's articles (the upsert path, the desk's queues); the
# full-text index is read from disk.
HOT_DAYS = 7
PG_CORES_PER_MACHINE = 32
PG_BUSY = 0.6
TIB = 1024**4


@dataclass(frozen=True)
class RolePlan:
    role: str
    memory_gib: float
    threads: float  # cores (or Redis threads) busy at peak
    machines: int
    layout: str


def _redis_role(role: str, memory_gib: float, threads: float) -> RolePlan:
    primaries = max(math.ceil(memory_gib / PRIMARY_DATA_GIB), math.ceil(threads / PRIMARY_THREAD_SHARE), 1)
    if primaries == 1:
        layout = "1 primary + 1 replica + 3 Sentinels"
    elif role == "broker":
        layout = f"{primaries} brokers (queues split by source group), each + replica + Sentinels"
    else:
        layout = f"a Redis Cluster of {primaries} primaries + {primaries} replicas"
    return RolePlan(role, memory_gib, threads, 2 * primaries, layout)


def plan(volume: int, redis_costs: RedisCosts, pg: PostgresCosts | None) -> list[RolePlan]:
    peak = volume / 86400 * PEAK_FACTOR
    dedupe = redis_costs.dedupe_bytes or DEDUPE_BUDGET_BYTES
    backlog = peak * 3600 * BACKLOG_HOURS
    # redis-server CPU while producing is split evenly between the broker (publish) and bodies (writes).
    produce_threads = peak * redis_costs.redis_produce_ms / 1000
    roles = [
        _redis_role("broker", backlog * redis_costs.queue_bytes / GIB, produce_threads / 2),
        _redis_role(
            "state",
            volume * (DEDUPE_RETENTION_DAYS * dedupe + FETCH_STATE_DAYS * redis_costs.fetch_state_bytes) / GIB,
            peak * redis_costs.redis_process_ms / 1000,
        ),
        _redis_role(
            "bodies", (peak * BODY_AFTER_STORE_SECONDS + backlog) * redis_costs.body_bytes / GIB, produce_threads / 2
        ),
    ]
    worker_cores = peak * redis_costs.task_cpu_ms * (1 + QUEUE_SHARE) / 1000
    worker_machines = math.ceil(worker_cores / (WORKER_MACHINE_CORES * WORKER_BUSY)) + 1
    pool_processes = math.ceil(worker_cores)
    roles.append(
        RolePlan(
            "workers",
            pool_processes * redis_costs.worker_rss_mib / 1024,
            worker_cores,
            worker_machines,
            f"{worker_machines} x {WORKER_MACHINE_CORES} cores ({pool_processes} pool processes, one spare machine)",
        )
    )
    if pg is not None:
        pg_cores = peak * pg.backend_cpu_ms / 1000
        primaries = math.ceil(pg_cores / (PG_CORES_PER_MACHINE * PG_BUSY))
        hot = volume * HOT_DAYS * pg.index_bytes(search=False) / GIB
        layout = f"{primaries} primary + {primaries} replica, {PG_CORES_PER_MACHINE} cores each"
        if primaries > 1:
            layout = f"{primaries} shards (by source) + replicas, {PG_CORES_PER_MACHINE} cores each"
        roles.append(RolePlan("postgres", hot, pg_cores, 2 * primaries, layout))
    return roles


def postgres_storage(volume: int, pg: PostgresCosts) -> tuple[float, float, float]:
    """TiB held: full rows of the last FULL_ROW_DAYS, trimmed rows for the rest of KEPT_DAYS; WAL MiB/s at peak."""
    full = volume * FULL_ROW_DAYS * pg.total_bytes / TIB
    trimmed = volume * (KEPT_DAYS - FULL_ROW_DAYS) * pg.trimmed_bytes / TIB
    wal = volume / 86400 * PEAK_FACTOR * pg.wal_bytes / 1024**2
    return full, trimmed, wal


def plan_lines(redis_costs: RedisCosts, pg: PostgresCosts | None) -> list[str]:
    lines = []
    for volume in VOLUMES:
        peak = volume / 86400 * PEAK_FACTOR
        lines.append(f"{volume:>11,} articles/day = {volume / 86400:,.0f}/s average, {peak:,.0f}/s at peak")
        lines.append(f"  {'role':<9} {'memory GiB':>11} {'cores/threads':>14} {'machines':>9}  layout")
        for role in plan(volume, redis_costs, pg):
            lines.append(
                f"  {role.role:<9} {role.memory_gib:>11,.1f} {role.threads:>14,.2f} {role.machines:>9}  {role.layout}"
            )
        if pg is not None:
            full, trimmed, wal = postgres_storage(volume, pg)
            lines.append(
                f"  postgres disk: {full:,.1f} TiB of full rows ({FULL_ROW_DAYS} days) + {trimmed:,.1f} TiB of "
                f"trimmed rows (to {KEPT_DAYS} days) per primary set; WAL {wal:,.1f} MiB/s at peak"
            )
    return lines
