"""Redis memory after a run: totals from INFO and MEMORY USAGE summed by key kind."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from pipelines import keys

MIB = 1024 * 1024
SCAN_BATCH = 1000
# Key prefixes -> the role they play (a Redis per role is the scale-out plan in SCALING.md).
KINDS = (
    (keys.page_body(""), "page bodies (by reference)"),
    (keys.dedupe("dedupe", ""), "dedupe index"),
    (keys.task_attempts(""), "delivery counters"),
    (keys.fetch_state(""), "crawl fetch state"),
    (keys.host_rate(""), "crawl rate slots"),
)


@dataclass(frozen=True)
class RedisMemory:
    used_mib: float
    peak_mib: float
    by_kind_mib: dict[str, float]
    keys_by_kind: dict[str, int]


def _kind(name: str) -> str:
    for prefix, kind in KINDS:
        if name.startswith(prefix):
            return kind
    return "broker (queues, unacked, kombu)" if not name.startswith(keys.PREFIX) else "other newsdesk keys"


def redis_memory(client: redis.Redis) -> RedisMemory:
    info = client.info("memory")
    by_kind: dict[str, float] = {}
    counts: dict[str, int] = {}
    batch: list[str] = []

    def flush() -> None:
        pipe = client.pipeline(transaction=False)
        for name in batch:
            pipe.memory_usage(name, samples=0)
        for name, size in zip(batch, pipe.execute(), strict=True):
            kind = _kind(name)
            by_kind[kind] = by_kind.get(kind, 0.0) + (size or 0) / MIB
            counts[kind] = counts.get(kind, 0) + 1
        batch.clear()

    for raw in client.scan_iter(count=SCAN_BATCH):
        batch.append(raw.decode() if isinstance(raw, bytes) else str(raw))
        if len(batch) >= SCAN_BATCH:
            flush()
    if batch:
        flush()
    return RedisMemory(int(info["used_memory"]) / MIB, int(info["used_memory_peak"]) / MIB, by_kind, counts)
