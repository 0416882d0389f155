"""Commands around the queue: worker, ingest, stats, dead-letters, redis."""

from __future__ import annotations

import argparse
import json
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.settings import Settings
from newsdesk import cmd_warc
from pipelines.models import Page
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from workers import embedded_redis
from workers.context import WorkerContext
from workers.metrics import install_worker_metrics
from workers.queue_depth import queue_depths
from workers.queues import ALL_QUEUES, PROCESS_PAGE_TASK
from workers.runtime import build_runtime, resolve_broker_url
from workers.tasks import register_tasks
from workers.warc_tasks import register_warc_tasks


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    broker_url = resolve_broker_url(settings)
    context = WorkerContext(settings, broker_url)
    context.check()  # refuse to start without valid rules
    runtime = build_runtime(settings)
    register_tasks(runtime.app, context)
    register_warc_tasks(runtime.app, context)  # WARC files, a slice per task (newsdesk/cmd_warc.py)
    queues = args.queues or ",".join(ALL_QUEUES)
    argv = [
        "worker",
        f"--queues={queues}",
        f"--concurrency={args.concurrency or settings.worker.concurrency}",
        f"--pool={args.pool}",
        f"--loglevel={settings.log_level}",
        f"--hostname={args.name or 'newsdesk'}@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
    ]
    if args.max_tasks_per_child:
        argv.append(f"--max-tasks-per-child={args.max_tasks_per_child}")
    install_worker_metrics(settings)
    runtime.app.worker_main(argv)
    return 0


def _pages_from(path: Path, source_id: str) -> Iterator[Page]:
    now = datetime.now(UTC)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.suffix in (".html", ".htm", ".jsonl"):
                yield from _pages_from(child, source_id)
        return
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    url, html = str(record["url"]), record["html"]
                except (ValueError, KeyError, TypeError) as exc:
                    print(f"{path}:{number}: skipped, expected {{'url', 'html'}}: {exc}", file=sys.stderr)
                    continue
                body = html.encode("utf-8") if isinstance(html, str) else bytes(html)
                yield Page(url, url, 200, body, record.get("source_id", source_id), now, "text/html; charset=utf-8")
        return
    url = path.resolve().as_uri()
    yield Page(url, url, 200, path.read_bytes(), source_id, now, None)


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    # --- WARC input: .warc/.warc.gz paths, --warc-list and --warc-status go to newsdesk.cmd_warc ---
    if cmd_warc.wants_warc(args):
        code = cmd_warc.cmd_ingest_warc(settings, args, [raw for raw in args.paths if cmd_warc.is_warc_path(raw)])
        args.paths = [raw for raw in args.paths if not cmd_warc.is_warc_path(raw)]
        if not args.paths:
            return code
    # --- end WARC input ---
    if not args.paths:
        print("newsdesk ingest: give at least one path (or --warc-list FILE)", file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    missing = [raw for raw in args.paths if not Path(raw).exists()]
    if missing:
        print(f"{missing[0]}: no such file or directory", file=sys.stderr)
        return 2
    size = settings.crawl.handoff_batch_size
    sent, batch = 0, []
    pages = (page for raw in args.paths for page in _pages_from(Path(raw), args.source))
    for page in pages:
        batch.append(page)
        if len(batch) == size:
            runtime.dispatcher.enqueue_pages(batch)
            sent, batch = sent + len(batch), []
            print(f"\rqueued {sent}", end="", file=sys.stderr, flush=True)
    if batch:
        runtime.dispatcher.enqueue_pages(batch)
        sent += len(batch)
    print(f"\rqueued {sent} page(s) for processing", file=sys.stderr)
    return 0


def collect_stats(settings: Settings) -> dict[str, Any]:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        data: dict[str, Any] = repository.counts(engine)
    finally:
        engine.dispose()
    runtime = build_runtime(settings)
    depths = queue_depths(runtime.redis)
    data["queued"] = sum(depths.values())
    data["queues"] = depths
    return data


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    data = collect_stats(settings)
    if args.json:
        print(json.dumps(data, sort_keys=True))
        return 0
    for key, value in data.items():
        print(f"{key:>22}: {value}")
    return 0


def cmd_dead_letters(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    letters = repository.list_dead_letters(engine)
    if args.retry:
        runtime = build_runtime(settings)
        for letter in letters:
            if letter["task_name"] == PROCESS_PAGE_TASK:
                runtime.app.send_task(PROCESS_PAGE_TASK, kwargs={"page": letter["payload"]})
                repository.mark_dead_letter_retried(engine, int(letter["id"]))
                print(f"requeued {letter['task_key']}")
        return 0
    for letter in letters:
        url = letter["payload"].get("url", "?") if isinstance(letter["payload"], dict) else "?"
        print(f"{letter['id']:>5}  {letter['attempts']} tries  {url}  {letter['error'][:100]}")
    if not letters:
        print("no dead letters")
    return 0


def cmd_redis_stop(settings: Settings, args: argparse.Namespace) -> int:
    stopped = embedded_redis.stop(settings.data_dir)
    print("embedded redis stopped" if stopped else "embedded redis was not running")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser(
        "worker", help="run a Celery worker that crawls and processes", description="Start a Celery worker process."
    )
    worker.add_argument("--queues", help=f"comma-separated queues (default: {','.join(ALL_QUEUES)})")
    worker.add_argument("--concurrency", type=int, help="pool processes (default: worker.concurrency)")
    worker.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"])
    worker.add_argument("--name", help="node name prefix shown in Flower")
    worker.add_argument("--max-tasks-per-child", type=int, default=0)
    worker.set_defaults(func=cmd_worker)

    ingest = subparsers.add_parser(
        "ingest",
        help="queue local .html files, JSONL {url, html} lines or WARC files for processing",
        description="Queue pages from disk for processing (backfills and imports). Directories are searched.",
    )
    ingest.add_argument("paths", nargs="*")
    ingest.add_argument("--source", default="ingest", help="source id to store the pages under")
    cmd_warc.add_ingest_options(ingest)
    ingest.set_defaults(func=cmd_ingest)

    stats = subparsers.add_parser("stats", help="counts of articles, duplicates, flags and queued work")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=cmd_stats)

    dead = subparsers.add_parser("dead-letters", help="list tasks given up on, or requeue them with --retry")
    dead.add_argument("--retry", action="store_true")
    dead.set_defaults(func=cmd_dead_letters)

    redis_cmd = subparsers.add_parser("redis", help="manage the embedded Redis of the data directory")
    redis_sub = redis_cmd.add_subparsers(dest="redis_command", required=True)
    stop = redis_sub.add_parser("stop", help="shut the embedded Redis down")
    stop.set_defaults(func=cmd_redis_stop, needs_database=False)
