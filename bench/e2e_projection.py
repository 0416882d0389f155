"""Machines and memory per role for 10 M and 100 M articles a day, from costs measured on this machine now.

Measures in about a minute (bench.e2e_projection_measure): stage and task CPU per article, Redis bytes per article
of the dedupe index, queue messages, page bodies and fetch state, redis-server CPU per article, and, with
``--database-url``, PostgreSQL's bytes per article of every table and index, its CPU and WAL per article and an
article's size after ``newsdesk retention``.  Then prints the plan (bench.e2e_projection_plan) and each
PostgreSQL relation projected to 100 M articles.

    .venv/bin/python -m bench.e2e_projection [-n 400] [--database-url postgresql+psycopg://postgres@127.0.0.1/postgres]
    .venv/bin/python -m bench.e2e --projection [...]   # the same
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from bench.e2e_pages import synthetic_pages
from bench.e2e_projection_measure import PostgresCosts, RedisCosts, measure_postgres, measure_redis
from bench.e2e_projection_plan import FULL_ROW_DAYS, plan_lines
from bench.e2e_scaling import DEDUPE_BUDGET_BYTES
from bench.e2e_stack import create_database, drop_database
from tests.support.redis_server import PrivateRedis

BASES = ["http://projection-a.bench", "http://projection-b.bench"]
PROJECTED_ARTICLES = 100_000_000
GIB = 1024**3


def measured_lines(costs: RedisCosts, pages: int) -> list[str]:
    dedupe = (
        f"{costs.dedupe_bytes:.0f} B" if costs.dedupe_bytes else f"none measured: the {DEDUPE_BUDGET_BYTES} B budget"
    )
    return [
        f"measured per article ({pages} generated pages, one process, private redis-server)",
        f"  stages decode..store      {costs.stage_cpu_ms:8.2f} ms CPU (median)",
        f"  task body, no Celery      {costs.task_cpu_ms:8.2f} ms CPU (median; the workers' cost before Celery)",
        f"  dedupe index              {dedupe}",
        f"  queue messages            {costs.queue_bytes:8.0f} B (batches of the hand-off size)",
        f"  page bodies               {costs.body_bytes:8.0f} B (compressed, by reference)",
        f"  crawl fetch state         {costs.fetch_state_bytes:8.0f} B per URL",
        f"  redis-server CPU          {costs.redis_produce_ms:8.3f} ms producing, "
        f"{costs.redis_process_ms:.3f} ms processing",
        f"  process peak RSS          {costs.worker_rss_mib:8.0f} MiB (rules and models loaded, as a pool child)",
    ]


def postgres_lines(pg: PostgresCosts) -> list[str]:
    lines = [
        f"PostgreSQL {pg.server}: marginal bytes per article over {pg.articles} stored articles "
        "(pg_total_relation_size - pg_indexes_size per table, pg_relation_size per index)",
        f"  {'relation':<38} {'kind':<6} {'B/article':>10} {'at 100 M articles':>18}",
    ]
    for rel in pg.relations:
        lines.append(f"  {rel.name:<38} {rel.kind:<6} {rel.bytes_per_article:>10,.0f} "
                     f"{rel.bytes_per_article * PROJECTED_ARTICLES / GIB:>14,.1f} GiB")  # fmt: skip
    indexes = pg.index_bytes()
    lines += [
        f"  {'all tables and indexes':<38} {'':<6} {pg.total_bytes:>10,.0f} "
        f"{pg.total_bytes * PROJECTED_ARTICLES / GIB:>14,.1f} GiB "
        f"(indexes {indexes * PROJECTED_ARTICLES / GIB:,.1f} GiB)",
        f"  after retention (text, body, flags removed; VACUUM FULL): {pg.trimmed_bytes:,.0f} B/article = "
        f"{pg.trimmed_bytes * PROJECTED_ARTICLES / GIB:,.1f} GiB at 100 M",
        f"  server CPU {pg.backend_cpu_ms:.3f} ms/article (its backend, /proc), WAL {pg.wal_bytes:,.0f} B/article, "
        f"client-side store {pg.client_store_ms:.2f} ms",
        *(f"  note: {note}" for note in pg.notes),
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e_projection", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=200, help="generated pages timed through the stages")
    parser.add_argument("--rows", type=int, default=2000, help="articles stored to measure PostgreSQL's sizes")
    parser.add_argument("--database-url", help="PostgreSQL server URL; a fresh database is created and dropped")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    pages = synthetic_pages(args.count, BASES)
    rows = synthetic_pages(args.rows, BASES, seed=11)
    with tempfile.TemporaryDirectory(prefix="newsdesk-projection-") as tmp:
        work = Path(tmp)
        server = PrivateRedis(work / "redis", appendonly=True).start()
        created: list[str] = []

        def database(name: str) -> str:
            if args.database_url:
                created.append(create_database(args.database_url))
                return created[-1]
            return f"sqlite:///{work / f'{name}.db'}"

        try:
            assert server.process is not None
            costs = measure_redis(pages, server.url, server.process.pid, database, work)
            pg = measure_postgres(rows, database("rows"), server.url) if args.database_url else None
        finally:
            server.stop()
            for url in created:
                drop_database(args.database_url or "", url)
    print(f"newsdesk projection bench, {started}; {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print("\n".join(measured_lines(costs, len(pages))), "\n")
    if pg is not None:
        print("\n".join(postgres_lines(pg)), "\n")
    else:
        print("PostgreSQL: not measured (pass --database-url); the plan below leaves it out\n")
    print(f"plan (bench/e2e_projection_plan.py: peaks x3, 1 h backlog, 30-day dedupe index, text kept "
          f"{FULL_ROW_DAYS} days)")  # fmt: skip
    print("\n".join(plan_lines(costs, pg)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
