"""``newsdesk demo``: the whole path on embedded defaults, offline, in about a minute.

Serves the bundled demo sites on 127.0.0.1, starts the data directory's
embedded Redis and a real worker process, crawls the three demo sources
through Scrapy -> Celery -> pipelines -> SQLite, waits for the queue to drain
and prints what happened.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from config.settings import Settings
from config.sources import parse_sources
from crawler.run import CrawlSummary, run_crawls
from newsdesk.cmd_queue import collect_stats
from newsdesk.demo_pages import build_routes, demo_sources
from newsdesk.demo_server import RouteServer
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, review_items
from workers import embedded_redis
from workers.queue_depth import total_queued
from workers.runtime import Runtime, build_runtime

DRAIN_TIMEOUT_SECONDS = 180.0
WORKER_LAUNCHER = ["-m", "newsdesk"]


def _fresh_demo_settings(settings: Settings) -> Settings:
    demo_dir = settings.data_dir / "demo"
    embedded_redis.stop(demo_dir)
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    return dataclasses.replace(settings, data_dir=demo_dir, sources_file=str(demo_dir / "sources.yaml"))


def _start_worker(settings: Settings, config_path: str | None) -> subprocess.Popen[bytes]:
    args = [sys.executable, *WORKER_LAUNCHER, "--data-dir", str(settings.data_dir)]
    if config_path:
        args += ["--config", config_path]
    args += ["worker", "--concurrency", "2", "--name", "demo"]
    with (settings.data_dir / "worker.log").open("wb") as log:
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def _wait_for_drain(runtime: Runtime, worker: subprocess.Popen[bytes], expected: int) -> None:
    settings = runtime.settings
    engine = make_engine(settings.sqlalchemy_url)
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    last = -1
    shown = (-1, -1)
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the demo worker exited early; see {settings.data_dir / 'worker.log'}")
        with engine.connect() as connection:
            stored = len(connection.execute(select(articles.c.id)).all())
        queued = total_queued(runtime.redis)
        if (stored, queued) != shown:
            print(f"processing: {stored}/{expected} stored, {queued} queued", file=sys.stderr, flush=True)
            shown = (stored, queued)
        if queued == 0 and stored == last and stored >= expected:
            break
        last = stored
        time.sleep(0.5)
    engine.dispose()


def _flagged(settings: Settings) -> list[dict[str, Any]]:
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(review_items.c.article_id, review_items.c.codes, review_items.c.action, articles.c.title)
            .join(articles, articles.c.id == review_items.c.article_id)
            .order_by(review_items.c.priority.desc())
        ).all()
    engine.dispose()
    return [{"article_id": r[0], "codes": r[1].split(), "action": r[2], "title": r[3]} for r in rows]


def run_demo(settings: Settings, config_path: str | None = None) -> dict[str, Any]:
    settings = _fresh_demo_settings(settings)
    with RouteServer() as server:
        server.routes.update(build_routes(server.base_url))
        sources_doc = demo_sources(server.base_url)
        Path(settings.sources_file).write_text(yaml.safe_dump(sources_doc), encoding="utf-8")
        sources = list(parse_sources(sources_doc))
        upgrade(settings.sqlalchemy_url)
        runtime = build_runtime(settings)
        worker = _start_worker(settings, config_path)
        try:
            summaries: list[CrawlSummary] = run_crawls(runtime, sources, progress=True)
            queued = sum(s.queued + s.spooled for s in summaries)
            _wait_for_drain(runtime, worker, queued)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    stats = collect_stats(settings)
    embedded_redis.stop(settings.data_dir)
    return {
        "pages_fetched": sum(s.pages for s in summaries),
        "articles_stored": stats["articles"],
        "boilerplate_stripped": stats["boilerplate_stripped"],
        "duplicates": stats["duplicates"],
        "flagged": stats["flagged"],
        "pending_review": stats["pending_review"],
        "dead_letters": stats["dead_letters"],
        "refused": sum(s.refused for s in summaries),
        "non_html_skipped": sum(s.non_html for s in summaries),
        "sources": [dataclasses.asdict(s) for s in summaries],
        "flagged_items": _flagged(settings),
        "data_dir": str(settings.data_dir),
        "demo_site_requests": len(server.requests),
    }


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    result = run_demo(settings, args.config_path)
    if args.json:
        print(json.dumps(result))
        return 0
    print("\nnewsdesk demo: crawl -> queue -> process -> store -> review queue\n")
    for source in result["sources"]:
        print(f"  {source['source_id']:<10} {source['pages']} pages fetched, {source['queued']} queued")
    for key in ("pages_fetched", "articles_stored", "boilerplate_stripped", "duplicates", "flagged", "pending_review"):
        print(f"  {key.replace('_', ' '):<22} {result[key]}")
    print("\n  waiting for review:")
    for item in result["flagged_items"]:
        print(f"    [{item['action']}] {item['title'][:60]:<60} {', '.join(item['codes'])}")
    print(f"\n  state kept in {result['data_dir']} (newsdesk --data-dir {result['data_dir']} stats)")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="run the whole pipeline on a bundled demo site (offline, embedded Redis and SQLite)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.set_defaults(func=cmd_demo)
