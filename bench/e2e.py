"""End-to-end throughput through the real stack: HTTP site -> Scrapy -> Redis/Celery -> workers -> SQL.

Serves N article pages (generated, or the Zyte benchmark pages) from sites on
127.0.0.1..127.0.0.k, crawls them with ``newsdesk crawl`` (sitemap sources), processes them with
``newsdesk worker`` processes on a private redis-server (AOF on) and stores them
in SQLite (or a fresh PostgreSQL database with ``--database-url``).  Prints
articles/s for the crawl, for processing and end to end, CPU ms per article
by stage and the queue's overhead, memory, the no-op task and lxml ceilings,
and a PNG of throughput against worker processes to bench/out/.

    .venv/bin/python -m bench.e2e [-n 2000] [--pages synthetic|zyte] [--workers 2] [--concurrency 2]
        [--crawlers 1] [--hosts 8] [--sweep 1,2,3,4]
        [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench import e2e_flow as flow
from bench.e2e_drain import measure_drain, measure_noop
from bench.e2e_pages import ZYTE_HTML, BenchPage, site_routes, synthetic_pages, zyte_pages
from bench.e2e_procs import memory
from bench.e2e_redis import redis_memory
from bench.e2e_report import RunPoint, plot, point_report, stage_table, sweep_table, targets
from bench.e2e_scaling import projection, role_plan
from bench.e2e_server import TimedSite
from bench.e2e_stack import create_database, drop_database, open_stack
from bench.e2e_stages import StageCosts, as_pages, measure_stages
from pipelines.models import Page
from tests.support.redis_server import PrivateRedis

OUT = Path(__file__).resolve().parent / "out"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


DRAIN_BASE = "http://drain.bench"


def run_point(
    args: argparse.Namespace, site: TimedSite, pages: list[BenchPage], drain: list[Page], workers: int, work: Path
) -> RunPoint:
    sources = flow.write_sources(work / f"sources-{workers}.yaml", site.base_urls[0], site.hosts, len(pages),
                                 args.crawlers)  # fmt: skip
    with open_stack(work / f"stack-{workers}", args.database_url, sources) as stack:
        stack.start_workers(workers, args.concurrency)
        flow.warm_up(stack, 3 * workers * args.concurrency)
        noop = measure_noop(stack, args.noop_tasks)
        result = flow.crawl_and_process(stack, site, len(pages), args.crawlers)
        drained = measure_drain(stack, drain, "drain")
        point = RunPoint(workers, args.concurrency, result, noop, drained, memory(stack.worker_pids),
                         redis_memory(stack.runtime.redis), flow.stored_total(stack),
                         *flow.database_size(stack))  # fmt: skip
        if "Traceback" in stack.worker_logs():
            print(f"warning: a worker logged a traceback (workers={workers}); see its log")
    return point


def stage_costs(pages: list[BenchPage], work: Path, admin_url: str | None, profile_top: int) -> StageCosts:
    """In-process stage CPU, storing into the same kind of database as the run."""
    server = PrivateRedis(work / "stage-redis", appendonly=True).start()
    created: list[str] = []

    def database(name: str) -> str:
        if admin_url:
            created.append(create_database(admin_url))
            return created[-1]
        return f"sqlite:///{work / f'stage-{name}.db'}"

    try:
        return measure_stages(as_pages(pages, "bench"), server.url, database, work, profile_top)
    finally:
        server.stop()
        for url in created:
            drop_database(admin_url or "", url)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=2000, help="pages to serve and crawl")
    parser.add_argument("--pages", choices=["synthetic", "zyte"], default="synthetic")
    parser.add_argument("--workers", type=int, default=2, help="newsdesk worker processes (the reported run)")
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes per worker (newsdesk's default: 2)")
    parser.add_argument("--crawlers", type=int, default=1, help="newsdesk crawl processes, each with its own sitemap")
    parser.add_argument("--hosts", type=int, default=8, help="sites on 127.0.0.1..127.0.0.N the pages are spread over")
    parser.add_argument("--sweep", default="", help="comma-separated worker counts to run and plot, e.g. 1,2,3,4")
    parser.add_argument("--noop-tasks", type=int, default=2000)
    parser.add_argument("--database-url", help="PostgreSQL server URL; a fresh database is created and dropped")
    parser.add_argument("--stage-pages", type=int, default=400, help="pages timed in-process per stage")
    parser.add_argument("--profile", type=int, default=0, help="print the N hottest functions (cProfile)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    counts = sorted({int(x) for x in args.sweep.split(",") if x.strip()} | {args.workers})
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="newsdesk-e2e-") as tmp, TimedSite(args.hosts) as site:
        work = Path(tmp)
        bases = site.base_urls
        pages = zyte_pages(args.count, bases) if args.pages == "zyte" else synthetic_pages(args.count, bases)
        site.routes.update(site_routes(pages, args.crawlers))
        drain_set = (zyte_pages(args.count, [DRAIN_BASE]) if args.pages == "zyte"
                     else synthetic_pages(args.count, [DRAIN_BASE], seed=8))  # fmt: skip
        drain = as_pages(drain_set, "drain")
        costs = stage_costs(pages[: args.stage_pages], work, args.database_url, args.profile)
        have_zyte = args.pages == "zyte" or any(ZYTE_HTML.glob("*.html.gz"))
        zyte_costs = costs if args.pages == "zyte" else None
        if zyte_costs is None and have_zyte:
            zyte_costs = stage_costs(zyte_pages(181, [DRAIN_BASE]), work / "zyte", args.database_url, 0)
        points = [run_point(args, site, pages, drain, workers, work) for workers in counts]
    sizes = [len(p.body) / 1024 for p in pages]
    kinds = {k: sum(1 for p in pages if p.kind == k) for k in sorted({p.kind for p in pages})}
    print(f"newsdesk end-to-end bench, {started}; {cpu_model()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"pages: {len(pages)} {args.pages} ({kinds}), median {statistics.median(sizes):.0f} KB "
          f"(min {min(sizes):.0f}, max {max(sizes):.0f}), served by {args.hosts} sites on 127.0.0.1-{args.hosts} over "
          "HTTP/1.1")  # fmt: skip
    print(f"stack: private redis-server (AOF everysec), {'PostgreSQL' if args.database_url else 'SQLite WAL'}, "
          f"newsdesk crawl x {args.crawlers} (sitemap, 16 concurrent requests), newsdesk worker x N (prefork); "
          "workers warmed with 3 pages per pool process before timing\n")  # fmt: skip
    print("\n".join(stage_table(costs, f"{args.pages} pages")), "\n")
    if zyte_costs is not None and zyte_costs is not costs:
        print("\n".join(stage_table(zyte_costs, "Zyte benchmark pages")), "\n")
    lxml_median = statistics.median(costs.values("lxml"))
    stage_median = statistics.median(costs.totals())
    print(f"lxml ceiling: decode..store median {stage_median:.2f} ms = {stage_median / lxml_median:.1f}x "
          f"lxml.html.fromstring of the same page ({lxml_median:.2f} ms); the parse alone would allow "
          f"{1000 / lxml_median:.0f} pages/s per core\n")  # fmt: skip
    main_point = next(p for p in points if p.workers == args.workers)
    print("\n".join(point_report(main_point, costs)), "\n")
    print("\n".join(targets(zyte_costs, main_point, costs)), "\n")
    print("\n".join(projection(main_point)), "\n")
    print("\n".join(role_plan(main_point)), "\n")
    if len(points) > 1:
        print("\n".join(sweep_table(points)))
        title = f"newsdesk e2e: {len(pages)} {args.pages} pages, concurrency {args.concurrency}, {started}"
        print(f"plot: {plot(points, OUT / 'e2e_throughput.png', title)}\n")
    if costs.profile:
        print(costs.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
