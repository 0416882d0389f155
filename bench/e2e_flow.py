"""One measured run through the real stack: warm-up, the no-op ceiling, then crawl -> queue -> workers -> rows.

Timeline of a run (every process real, every clock read here):
1. workers start and answer a ping; a few warm-up pages (source ``warmup``) go
   through them so lazy imports and connections are paid before timing;
2. ``newsdesk.noop`` tasks drain through the same workers (:mod:`bench.e2e_drain`);
3. ``newsdesk crawl bench-<i>`` (one subprocess per crawler) crawls its slice of
   the site's sitemaps and queues every page; workers process while the crawl runs; the run ends when every
   page is a row and the queue is empty.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select, text

from bench import e2e_procs as procs
from bench.e2e_pages import BenchPage, make_story, render
from bench.e2e_server import TimedSite
from bench.e2e_stack import Stack
from bench.e2e_stages import as_pages
from pipelines import crawl_stats
from pipelines.storage.schema import articles, crawl_runs, dead_letters, flags
from workers.queue_depth import total_queued
from workers.queues import PROCESS_QUEUE

SOURCE_ID = "bench"
POLL_SECONDS = 0.05
RUN_TIMEOUT_SECONDS = 1800.0


@dataclass(frozen=True)
class FlowResult:
    articles: int
    crawl_seconds: float
    processing_seconds: float
    e2e_seconds: float
    peak_queue: int
    worker_cpu_s: float
    stages_cpu_s: float  # of worker_cpu_s, spent in the stages (the workers' own count)
    tasks: int  # processing tasks the crawlers sent (pages arrive in batches)
    crawl_cpu_s: float
    redis_cpu_s: float
    bench_cpu_s: float
    duplicates: dict[str, int]
    dead_letters: int


def write_sources(path: Path, base: str, hosts: list[str], pages: int, crawlers: int) -> Path:
    """One sitemap source per crawler process (at ``base``), each listing its slice of the pages on ``hosts``."""
    sources = [
        {
            "id": f"{SOURCE_ID}-{i}", "name": f"bench site {i}", "kind": "sitemap",
            "start_urls": [f"{base}/sitemap-{i}.xml"], "allowed_domains": hosts, "language": "en",
            "allow_private_hosts": True, "schedule": {"every": 3600},
            "politeness": {"host_min_interval": 0, "concurrent_requests_per_domain": 16, "max_pages": pages + 10},
        }
        for i in range(crawlers)
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return path


def wait_for(what: str, predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(POLL_SECONDS)


def rows(stack: Stack, source_prefix: str) -> int:
    with stack.engine.connect() as connection:
        stmt = select(func.count()).select_from(articles).where(articles.c.source_id.startswith(source_prefix))
        return int(connection.execute(stmt).scalar() or 0)


def warm_up(stack: Stack, count: int) -> None:
    """Pages with a profanity pre-filter hit, so each pool process loads the model before timing."""
    rng = random.Random(99)
    base = "http://warm.bench"
    pages = [BenchPage(f"/w/{n}", render(make_story(rng, True), f"/w/{n}", n % 2, base, rng, 40), "warmup",
                       f"{base}/w/{n}") for n in range(count)]  # fmt: skip
    for page in as_pages(pages, "warmup"):
        stack.runtime.dispatcher.enqueue_page(page)
    wait_for("warm-up pages", lambda: rows(stack, "warmup") >= count and total_queued(stack.runtime.redis) == 0, 300)


def _redis_cpu(stack: Stack) -> float:
    info = stack.runtime.redis.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def epoch(value: datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _crawl_command(index: int) -> list[str]:
    return [sys.executable, "-m", "newsdesk", "crawl", f"{SOURCE_ID}-{index}", "--json"]


def crawl_and_process(stack: Stack, site: TimedSite, expected: int, crawlers: int) -> FlowResult:
    """Crawl the site while the workers process; returns when ``expected`` rows are stored and the queue is empty."""
    redis_client = stack.runtime.redis
    workers_before = procs.sample(stack.worker_pids)
    stages_before = stack.stages_cpu_seconds()
    redis_before = _redis_cpu(stack)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = time.process_time()
    hits_before = len(site.hits)
    crawls = []
    for index in range(crawlers):
        with (stack.root / f"crawl{index}.log").open("wb") as log:
            crawls.append(subprocess.Popen(_crawl_command(index), env=stack.env, stdout=log, stderr=subprocess.STDOUT))
    crawl_cpu_at_first_hit: float | None = None
    peak_queue, stored = 0, 0
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while True:
        running = any(crawl.poll() is None for crawl in crawls)
        if crawl_cpu_at_first_hit is None and len(site.hits) > hits_before:
            # Start-up (imports) excluded: the other crawlers are at most a few ms behind the first.
            crawl_cpu_at_first_hit = sum(procs.cpu_seconds(crawl.pid) for crawl in crawls)
        peak_queue = max(peak_queue, int(redis_client.llen(PROCESS_QUEUE)))
        stored = rows(stack, SOURCE_ID)
        failed = [i for i, crawl in enumerate(crawls) if crawl.returncode not in (None, 0)]
        if failed:
            raise RuntimeError(f"crawl failed: {(stack.root / f'crawl{failed[0]}.log').read_text()[-3000:]}")
        if not running and stored >= expected and total_queued(redis_client) == 0:
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"run timed out with {stored}/{expected} rows stored")
        time.sleep(POLL_SECONDS)
    workers_after = procs.sample(stack.worker_pids)
    stages_cpu = stack.stages_cpu_seconds() - stages_before
    bench_cpu = time.process_time() - self_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    crawl_total = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    hits = site.hits[hits_before:]
    first_hit = hits[0][0]
    last_page = max(t for t, path in hits if not path.endswith((".txt", ".xml")))
    with stack.engine.connect() as connection:
        mine = articles.c.source_id.startswith(SOURCE_ID)
        first_row, last_row = connection.execute(
            select(func.min(articles.c.created_at), func.max(articles.c.updated_at)).where(mine)
        ).one()
        kinds = connection.execute(
            select(articles.c.duplicate_kind, func.count()).where(mine).group_by(articles.c.duplicate_kind)
        ).all()
        dead = int(connection.execute(select(func.count()).select_from(dead_letters)).scalar() or 0)
        runs = connection.execute(select(crawl_runs.c.stats).where(crawl_runs.c.source_id.startswith(SOURCE_ID)))
        tasks = sum(int((stats or {}).get(crawl_stats.TASKS_SENT, 0)) for (stats,) in runs)
    return FlowResult(
        articles=stored,
        crawl_seconds=last_page - first_hit,
        processing_seconds=epoch(last_row) - epoch(first_row),
        e2e_seconds=epoch(last_row) - first_hit,
        peak_queue=peak_queue,
        worker_cpu_s=procs.cpu_between(workers_before, workers_after),
        stages_cpu_s=stages_cpu,
        tasks=tasks,
        crawl_cpu_s=crawl_total - (crawl_cpu_at_first_hit or 0.0),
        redis_cpu_s=_redis_cpu(stack) - redis_before,
        bench_cpu_s=bench_cpu,
        duplicates={str(kind or "none"): int(n) for kind, n in kinds},
        dead_letters=dead,
    )


def stored_total(stack: Stack) -> int:
    with stack.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)


def database_size(stack: Stack) -> tuple[int, int]:
    """Bytes the database takes (tables and indexes) and how many flag rows it holds."""
    with stack.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            pages = int(connection.execute(text("PRAGMA page_count")).scalar() or 0)
            size = pages * int(connection.execute(text("PRAGMA page_size")).scalar() or 0)
        else:
            # Tables with their indexes and TOAST, without the empty database's own catalogs.
            size = int(connection.execute(text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            )).scalar() or 0)  # fmt: skip
        flag_rows = int(connection.execute(select(func.count()).select_from(flags)).scalar() or 0)
    return size, flag_rows
