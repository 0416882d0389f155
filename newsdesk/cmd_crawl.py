"""Commands that crawl: crawl, sources, beat (the scheduler)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from config.settings import Settings
from config.sources import Source, find_source, load_sources
from crawler.run import adhoc_source, run_crawls
from pipelines.source_health import assess
from pipelines.storage import crawl_runs
from pipelines.storage.engine import make_engine
from workers.beat import run_beat
from workers.runtime import build_runtime


def configured_sources(settings: Settings) -> tuple[Source, ...]:
    return load_sources(Path(settings.sources_file) if settings.sources_file else None)


def cmd_crawl(settings: Settings, args: argparse.Namespace) -> int:
    if args.url:
        chosen = [adhoc_source(args.url, args.kind, args.allow_private_hosts)]
    else:
        sources = configured_sources(settings)
        if args.all:
            chosen = [s for s in sources if s.enabled]
        elif args.source_ids:
            chosen = [find_source(sources, source_id) for source_id in args.source_ids]
        else:
            print("name a source id, --all, or --url", file=sys.stderr)
            return 2
    if not chosen:
        print("no enabled sources to crawl", file=sys.stderr)
        return 1
    runtime = build_runtime(settings)
    summaries = run_crawls(runtime, chosen, progress=(not args.json and sys.stderr.isatty()) or args.progress)
    if args.json:
        print(json.dumps([s.__dict__ for s in summaries]))
    else:
        for s in summaries:
            print(
                f"{s.source_id}: {s.status}; {s.pages} pages, {s.queued} queued in {s.tasks} tasks, "
                f"{s.spooled} spooled, {s.refused} refused, {s.non_html} non-HTML, {s.not_modified} not modified, "
                f"{s.errors} errors"
            )
    return 0


def cmd_sources(settings: Settings, args: argparse.Namespace) -> int:
    sources = configured_sources(settings)
    engine = make_engine(settings.sqlalchemy_url)
    rows = []
    for source in sources:
        runs = crawl_runs.recent_runs(engine, source.id, limit=1)
        health = assess(source.id, crawl_runs.run_facts(engine, source.id))
        schedule = f"every {source.schedule.every_seconds}s" if source.schedule.every_seconds else source.schedule.cron
        last = runs[0] if runs else None
        rows.append(
            {
                "id": source.id,
                "kind": source.kind,
                "enabled": source.enabled,
                "schedule": schedule or "",
                "last_run": last["started_at"].strftime("%Y-%m-%d %H:%M") if last else None,
                "pages": last["pages_fetched"] if last else 0,
                "empty_rate": round(health.empty_rate, 3),
                "block_rate": round(health.block_rate, 3),
                "healthy": health.healthy,
                "health": health.reason,
            }
        )
    engine.dispose()
    if args.json:
        print(json.dumps(rows))
        return 0
    header = ("id", "kind", "on", "schedule", "last run", "pages", "empty", "403/429")
    print("{:<20} {:<8} {:<4} {:<14} {:<17} {:>5} {:>6} {:>7}  health".format(*header))
    for row in rows:
        print(
            f"{row['id']:<20} {row['kind']:<8} {('yes' if row['enabled'] else 'no'):<4} {row['schedule']:<14} "
            f"{row['last_run'] or '-':<17} {row['pages']:>5} {row['empty_rate']:>6.0%} {row['block_rate']:>7.0%}  "
            f"{'OK' if row['healthy'] else 'UNHEALTHY'}: {row['health']}"
        )
    return 0


def cmd_beat(settings: Settings, args: argparse.Namespace) -> int:
    runtime = build_runtime(settings)
    return run_beat(runtime, configured_sources(settings), config_file=args.config_path)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    crawl = subparsers.add_parser(
        "crawl",
        help="crawl configured sources (or an ad-hoc URL) now, in this process",
        description="Crawl sources now and queue every fetched page for processing by the workers.",
    )
    crawl.add_argument("source_ids", nargs="*", metavar="SOURCE_ID")
    crawl.add_argument("--all", action="store_true", help="every enabled source")
    crawl.add_argument("--url", help="crawl this URL as an ad-hoc source")
    crawl.add_argument("--kind", default="site", choices=["feed", "sitemap", "site"], help="with --url")
    crawl.add_argument("--allow-private-hosts", action="store_true", help="with --url: allow private addresses")
    crawl.add_argument("--json", action="store_true", help="print the summary as JSON")
    crawl.add_argument("--progress", action="store_true", help="show progress even when not on a terminal")
    crawl.set_defaults(func=cmd_crawl)

    sources = subparsers.add_parser(
        "sources",
        help="list configured sources with their last crawl and health",
        description="A source turns UNHEALTHY when its empty-extraction or 403/429 rate jumps over its own "
        "baseline (a layout change or a block).",
    )
    sources.add_argument("--json", action="store_true")
    sources.set_defaults(func=cmd_sources)

    beat = subparsers.add_parser(
        "beat",
        help="run the scheduler that queues crawls (only one is active at a time)",
        description="Queue each enabled source's crawl on its schedule. Safe to start twice: a Redis lease "
        "with fencing keeps exactly one scheduler active.",
    )
    beat.set_defaults(func=cmd_beat, needs_database=False)
