"""Cost of the dedupe stage per article on real pages: client CPU per call, redis-server CPU, Redis bytes.

The texts are the Zyte benchmark's article bodies (what the extract stage hands to dedupe on those pages),
all distinct, so every one is indexed as a canonical: the most an article costs in memory.  A first pass
warms the process and the script cache into another namespace; the second is measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import redis

from pipelines.dedupe import DedupeIndex


@dataclass(frozen=True)
class Budget:
    articles: int
    client_cpu_ms: tuple[float, ...]  # per call, this process (fingerprint, anchors, the round trip)
    server_cpu_ms: float  # redis-server CPU per article (its Lua calls), mean from INFO commandstats
    redis_bytes: float  # used_memory growth per article
    posting_shards: int = 0

    @property
    def client_median_ms(self) -> float:
        return statistics.median(self.client_cpu_ms)

    def describe(self) -> str:
        ordered = sorted(self.client_cpu_ms)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        total = self.client_median_ms + self.server_cpu_ms
        return (
            f"dedupe stage on {self.articles} Zyte article bodies (each new, so each indexed as a canonical)"
            f"{f', postings over {self.posting_shards} shards' if self.posting_shards else ''}:\n"
            f"  CPU per article: client median {self.client_median_ms:.3f} ms (p90 {p90:.3f}), "
            f"redis-server {self.server_cpu_ms:.3f} ms per article, median total {total:.3f} ms (budget 1.5)\n"
            f"  Redis used_memory per article: {self.redis_bytes:.0f} bytes (budget 400)"
        )


def _eval_stats(client: redis.Redis) -> tuple[int, float]:
    stats = client.info("commandstats")
    calls, usec = 0, 0.0
    for name in ("cmdstat_evalsha", "cmdstat_eval"):
        row = stats.get(name) or {}
        calls += int(row.get("calls", 0))
        usec += float(row.get("usec", 0.0))
    return calls, usec


def measure(texts: Sequence[str], client: redis.Redis, posting_shards: int = 0) -> Budget:
    """Run every text through a fresh index twice (warm, then measured) on the bench's private Redis; with
    ``posting_shards`` the index is a sharded one (its shards on the same server: the calls and bytes it adds)."""
    client.flushall()
    warm = DedupeIndex(client, namespace="warm", posting_shards=posting_shards)
    for i, text in enumerate(texts):
        warm.check_and_add(f"warm{i}", text)
    client.flushall()
    base = int(client.info("memory")["used_memory"])
    usec0 = _eval_stats(client)[1]
    index = DedupeIndex(client, namespace="budget", posting_shards=posting_shards)
    per_call: list[float] = []
    for i, text in enumerate(texts):
        start = time.process_time()
        index.check_and_add(f"{i:032x}", text)
        per_call.append(1000.0 * (time.process_time() - start))
    usec1 = _eval_stats(client)[1]
    used = int(client.info("memory")["used_memory"]) - base
    server_ms = (usec1 - usec0) / 1000.0 / max(1, len(texts))
    return Budget(len(texts), tuple(per_call), server_ms, used / max(1, len(texts)), posting_shards)
