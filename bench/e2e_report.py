"""The end-to-end bench's printed report, its targets, and the throughput-against-workers plot."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.e2e_drain import DrainResult, NoopResult
from bench.e2e_flow import FlowResult
from bench.e2e_procs import TreeMemory
from bench.e2e_redis import RedisMemory
from bench.e2e_stages import STAGES, StageCosts

TARGET_STAGE_MS = 8.0
TARGET_E2E_RATE = 100.0
TARGET_OVERHEAD_SHARE = 0.15


@dataclass(frozen=True)
class RunPoint:
    workers: int
    concurrency: int
    flow: FlowResult
    noop: NoopResult
    drain: DrainResult
    worker_memory: TreeMemory
    redis_memory: RedisMemory
    rows_total: int  # every article the Redis above has seen (warm-up, crawl, drain)
    database_bytes: int
    flag_rows: int

    @property
    def e2e_rate(self) -> float:
        return self.flow.articles / self.flow.e2e_seconds

    @property
    def processing_rate(self) -> float:
        return self.flow.articles / max(self.flow.processing_seconds, 1e-9)

    @property
    def crawl_rate(self) -> float:
        return self.flow.articles / max(self.flow.crawl_seconds, 1e-9)


def _verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def stage_table(costs: StageCosts, label: str) -> list[str]:
    lines = [f"CPU ms per article by stage, {label} (in-process, time.process_time; {len(costs.per_page)} pages, "
             f"each page's fastest of {costs.repeats} passes)",
             f"  {'stage':<26}{'median':>8}{'mean':>8}{'p95':>8}"]  # fmt: skip
    for stage in (*STAGES, "fetch", "lxml"):
        values = sorted(costs.values(stage))
        name = {"fetch": "fetch body (task, Redis)", "lxml": "lxml.html.fromstring"}.get(stage, stage)
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        lines.append(f"  {name:<26}{statistics.median(values):8.2f}{statistics.mean(values):8.2f}{p95:8.2f}")
        if stage == "store":
            totals = sorted(costs.totals())
            p95t = totals[min(len(totals) - 1, int(0.95 * len(totals)))]
            lines.append(f"  {'= decode..store':<26}{statistics.median(totals):8.2f}{statistics.mean(totals):8.2f}"
                         f"{p95t:8.2f}")  # fmt: skip
    task = sorted(costs.task_body)
    task_p95 = task[min(len(task) - 1, int(0.95 * len(task)))]
    lines.append(f"  {'task body, no Celery':<26}{statistics.median(task):8.2f}{statistics.mean(task):8.2f}"
                 f"{task_p95:8.2f}   (workers.tasks.handle_process_batch, per page)")  # fmt: skip
    setup = costs.warm_pass_ms - costs.measured_pass_ms
    shown = f"{setup:.0f} ms CPU" if setup > 0 else "below the noise"
    lines.append(f"  one-time set-up per process (warm pass - measured pass): {shown}")
    return lines


def overhead_share(flow: FlowResult) -> float:
    """The queue's share of worker CPU: what the workers spent outside the stages, by their own count."""
    return (flow.worker_cpu_s - flow.stages_cpu_s) / flow.worker_cpu_s


def point_report(point: RunPoint, costs: StageCosts) -> list[str]:
    flow, noop, n = point.flow, point.noop, point.flow.articles
    stage_mean = statistics.mean(costs.totals())
    worker_ms = flow.worker_cpu_s * 1000 / n
    stages_ms = flow.stages_cpu_s * 1000 / n
    overhead = worker_ms - stages_ms
    per_task = n / max(flow.tasks, 1)
    noop_ms = noop.worker_cpu_s * 1000 / noop.tasks
    drain = point.drain
    drain_ms = drain.worker_cpu_s * 1000 / drain.articles
    mem, rmem = point.worker_memory, point.redis_memory
    lines = [
        f"throughput, {point.workers} worker process(es) x concurrency {point.concurrency} (prefork)",
        f"  crawl        {point.crawl_rate:8.1f} articles/s  ({n} pages, first request -> last page served "
        f"{flow.crawl_seconds:.2f} s)",
        f"  processing   {point.processing_rate:8.1f} articles/s  (first row -> last row stored "
        f"{flow.processing_seconds:.2f} s; peak queue depth {flow.peak_queue} messages)",
        f"  end to end   {point.e2e_rate:8.1f} articles/s  (first request -> last row stored {flow.e2e_seconds:.2f} s)",
        f"  alone        {drain.rate:8.1f} articles/s  (processing only: {drain.articles} other pages in "
        f"{drain.tasks} tasks queued first, drained in {drain.seconds:.2f} s, {drain_ms:.2f} ms worker CPU/article, "
        f"{100 * (1 - drain.stages_cpu_s / drain.worker_cpu_s):.1f}% of it outside the stages)",
        f"  no-op task   {noop.rate:8.1f} tasks/s     ({noop.tasks} newsdesk.noop queued first, same workers; "
        f"the producer sent {noop.tasks / noop.send_seconds:.0f}/s)",
        f"  newsdesk / no-op ceiling: processing alone {drain.rate / noop.rate:.1%}, "
        f"end to end {point.e2e_rate / noop.rate:.1%} (articles/s against tasks/s; "
        f"{drain.articles / drain.tasks:.1f} articles per task)",
        f"  rows: {n} in {flow.tasks} tasks ({per_task:.1f} pages per task); duplicates found {flow.duplicates}; "
        f"dead letters {flow.dead_letters}",
        "CPU ms per article, measured through the stack (/proc of workers and their pool children)",
        f"  worker total                 {worker_ms:8.2f}",
        f"  stages decode..store         {stages_ms:8.2f}   (inside the workers: time.process_time around each page's "
        "stages, newsdesk_stages_cpu_seconds)",
        f"  queue overhead               {overhead:8.2f}   = worker total - stages = {overhead / worker_ms:.1%} "
        "of worker CPU",
        f"    Celery, per article        {noop_ms / per_task:8.2f}   (a no-op task costs {noop_ms:.2f} ms: Celery + "
        f"kombu + Redis round trips, events; / {per_task:.1f} articles per task)",
        f"    the task's own work        {overhead - noop_ms / per_task:8.2f}   (the rest: delivery counter, body "
        f"fetch ({statistics.mean(costs.values('fetch')):.2f} ms in-process: Redis, zlib, digest), validation, log "
        "line, metrics, result)",
        f"  same stages in one quiet process {stage_mean:6.2f}   (in-process, same pages: the workers' stages cost "
        f"{stages_ms - stage_mean:+.2f} more under contention)",
        f"  crawler (Scrapy, queueing)   {flow.crawl_cpu_s * 1000 / n:8.2f}",
        f"  redis-server                 {flow.redis_cpu_s * 1000 / n:8.2f}",
        f"  this bench process           {flow.bench_cpu_s * 1000 / n:8.2f}   (the sites' HTTP server, polling)",
        f"database: {point.database_bytes / 1024 / 1024:.1f} MiB for {point.rows_total} articles and "
        f"{point.flag_rows} flag rows = {point.database_bytes / point.rows_total / 1024:.1f} KiB/article "
        "(tables + indexes)",
        "memory",
        f"  workers peak RSS: main {mem.main_mib:.0f} MiB, pool child max {mem.child_max_mib:.0f} MiB, "
        f"{mem.processes} processes sum {mem.total_mib:.0f} MiB (shared pages counted per process)",
        f"  redis used_memory {rmem.used_mib:.1f} MiB (peak {rmem.peak_mib:.1f} MiB) after {point.rows_total} "
        "articles, by key kind:",
    ]
    for kind, mib in sorted(rmem.by_kind_mib.items(), key=lambda kv: -kv[1]):
        keys_n = rmem.keys_by_kind[kind]
        per_article = mib * 1024 * 1024 / point.rows_total
        lines.append(f"    {kind:<34}{mib:8.2f} MiB  {keys_n:7d} keys  {per_article:8.0f} B/article")
    return lines


def targets(costs_zyte: StageCosts | None, point: RunPoint, costs: StageCosts) -> list[str]:
    lines = ["targets"]
    if costs_zyte is not None:
        median = statistics.median(costs_zyte.totals())
        lines.append(f"  decode..store CPU median on Zyte pages <= {TARGET_STAGE_MS:.0f} ms: {median:.2f} ms "
                     f"{_verdict(median <= TARGET_STAGE_MS)}")  # fmt: skip
    else:
        lines.append("  decode..store CPU on Zyte pages: not measured (no Zyte pages)")
    ok = point.e2e_rate >= TARGET_E2E_RATE
    lines.append(f"  end to end >= {TARGET_E2E_RATE:.0f}/s with {point.workers} worker processes "
                 f"(concurrency {point.concurrency}): {point.e2e_rate:.1f}/s {_verdict(ok)}")  # fmt: skip
    share = overhead_share(point.flow)
    worker_ms = point.flow.worker_cpu_s * 1000 / point.flow.articles
    quiet = (worker_ms - statistics.mean(costs.totals())) / worker_ms
    lines.append(f"  queue overhead <= {TARGET_OVERHEAD_SHARE:.0%} of worker CPU per article: {share:.1%} "
                 f"{_verdict(share <= TARGET_OVERHEAD_SHARE)} (worker total - stages in one quiet process, which "
                 f"also counts contention as overhead: {quiet:.1%})")  # fmt: skip
    return lines


def sweep_table(points: list[RunPoint]) -> list[str]:
    lines = ["sweep: throughput against worker processes",
             f"  {'workers':>7} {'conc':>4} {'crawl/s':>8} {'process/s':>9} {'e2e/s':>7} {'noop/s':>7} "
             f"{'alone/s':>7} {'worker ms/art':>13} {'overhead':>8} {'peak queue':>10}"]  # fmt: skip
    for p in points:
        lines.append(f"  {p.workers:7d} {p.concurrency:4d} {p.crawl_rate:8.1f} {p.processing_rate:9.1f} "
                     f"{p.e2e_rate:7.1f} {p.noop.rate:7.1f} {p.drain.rate:7.1f} "
                     f"{p.flow.worker_cpu_s * 1000 / p.flow.articles:13.2f} "
                     f"{overhead_share(p.flow):8.1%} {p.flow.peak_queue:10d}")  # fmt: skip
    return lines


def plot(points: list[RunPoint], path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    xs = [p.workers for p in points]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(xs, [p.e2e_rate for p in points], "o-", label="end to end (articles/s)")
    ax.plot(xs, [p.processing_rate for p in points], "s-", label="processing (articles/s)")
    ax.plot(xs, [p.crawl_rate for p in points], "^-", label="crawl (articles/s)")
    ax.plot(xs, [p.drain.rate for p in points], "d-", label="processing alone, queue pre-filled (articles/s)")
    ax.plot(xs, [p.noop.rate for p in points], "x--", label="no-op task ceiling (tasks/s)")
    ax.axhline(TARGET_E2E_RATE, color="grey", linestyle=":", label=f"target {TARGET_E2E_RATE:.0f}/s")
    ax.set_xlabel("worker processes (newsdesk worker)")
    ax.set_ylabel("per second")
    ax.set_yscale("log")
    ax.set_xticks(xs)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
