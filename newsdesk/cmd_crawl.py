"""Commands that crawl: crawl, sources, beat (the scheduler)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from config.settings import Settings
from config.sources import Source, find_source, load_sources
from crawler.run import CrawlSummary, adhoc_source, run_crawls
from crawler.spool import Spool
from newsdesk.datadir_db import open_existing_database
from newsdesk.errors import UsageError
from newsdesk.progress import Bars, follow_processing, wants_bars
from newsdesk.spool_drainer import SpoolDrainer
from pipelines.source_health import assess
from pipelines.storage import crawl_runs
from pipelines.storage.engine import make_engine
from pipelines.storage.schema import articles
from workers.beat import run_beat
from workers.queue_depth import total_queued
from workers.runtime import build_runtime


def configured_sources(settings: Settings) -> tuple[Source, ...]:
    return load_sources(Path(settings.sources_file) if settings.sources_file else None)


def _chosen_sources(settings: Settings, args: argparse.Namespace) -> list[Source]:
    if args.url:
        return [adhoc_source(args.url, args.kind, args.allow_private_hosts)]
    sources = configured_sources(settings)
    if args.all:
        chosen = [s for s in sources if s.enabled]
        if not chosen:
            raise UsageError(f"no enabled sources in {settings.sources_file or 'the bundled sources file'}")
        return chosen
    if args.source_ids:
        return [find_source(sources, source_id) for source_id in args.source_ids]
    raise UsageError("crawl what? name a SOURCE_ID (see `newsdesk sources`), --all, or --url URL")


def summary_lines(summaries: list[CrawlSummary], verbose: bool) -> list[str]:
    """One line per failed URL with its reason, then one line per source counting by reason."""
    lines = []
    for s in summaries:
        for failure in s.failures:
            detail = f" ({failure.detail})" if verbose or failure.reason == "other" else ""
            lines.append(f"{s.source_id}: {failure.reason}: {failure.url}{detail}")
    for s in summaries:
        parts = [f"{s.fetched} fetched", f"{s.pages} new or changed", f"{s.queued} queued in {s.tasks} tasks"]
        parts += [f"{count} {name}" for count, name in ((s.unchanged, "unchanged"), (s.not_modified, "not modified"),
                  (s.spooled, "spooled"), (s.refused, "refused"))  if count]  # fmt: skip
        failed = ", ".join(f"{count} {reason}" for reason, count in s.failed_by_reason.items())
        listed = len(s.failures)
        more = sum(s.failed_by_reason.values()) - listed
        suffix = f" ({more} more not listed)" if more > 0 else ""
        lines.append(f"{s.source_id}: {s.status}; {', '.join(parts)}; failed: {failed or 'none'}{suffix}")
    return lines


def _stored_counter(settings: Settings, run_ids: list[str]) -> tuple[Callable[[], int], Callable[[], None]]:
    engine = make_engine(settings.sqlalchemy_url)
    query = select(func.count()).select_from(articles).where(articles.c.crawl_run_id.in_(run_ids))

    def stored() -> int:
        with engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    return stored, engine.dispose


def cmd_crawl(settings: Settings, args: argparse.Namespace) -> int:
    chosen = _chosen_sources(settings, args)
    runtime = build_runtime(settings)
    show = wants_bars(args.quiet, args.json, args.progress)
    with Bars(show) as bars:
        summaries = run_crawls(runtime, chosen, progress=bars.crawl if show else None)
        queued = sum(s.queued for s in summaries)
        if show and queued and not args.no_wait:
            stored, close = _stored_counter(settings, [s.run_id for s in summaries])
            try:
                done, finished = follow_processing(bars, queued, stored, lambda: total_queued(runtime.redis))
            finally:
                close()
            if not finished:
                print(f"processing: {done} of {queued} stored so far; no progress for a while (is a worker "
                      "running? `newsdesk worker`); the rest stays queued", file=sys.stderr)  # fmt: skip
    if args.json:
        print(json.dumps([s.as_json() for s in summaries], default=str))
    else:
        for line in summary_lines(summaries, args.verbose):
            print(line)
    if sum(s.fetched for s in summaries) == 0:
        if not args.json:
            print("newsdesk: nothing could be fetched", file=sys.stderr)
        return 1
    return 0


def cmd_sources(settings: Settings, args: argparse.Namespace) -> int:
    sources = configured_sources(settings)
    # Reading must not create anything: a data directory or database that does not exist has no runs yet.
    has_runs = settings.data_dir.is_dir() and open_existing_database(settings)
    engine = make_engine(settings.sqlalchemy_url) if has_runs else None
    rows = []
    for source in sources:
        runs = crawl_runs.recent_runs(engine, source.id, limit=1) if engine else []
        health = assess(source.id, crawl_runs.run_facts(engine, source.id) if engine else [])
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
    if engine is not None:
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
    sources = configured_sources(settings)
    runtime = build_runtime(settings)
    drainer = SpoolDrainer(Spool.of(settings), runtime.dispatcher.enqueue_page).start()
    try:
        return run_beat(runtime, sources)
    finally:
        drainer.stop()
