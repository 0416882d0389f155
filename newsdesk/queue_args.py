"""Arguments of the queue commands: worker, ingest, stats, dead-letters, redis (implemented elsewhere)."""

from __future__ import annotations

import argparse

from newsdesk.registry import Handler, Subparsers

QUEUES_HELP = "comma-separated queues to consume (default: newsdesk.crawl,newsdesk.process)"


def register(subparsers: Subparsers) -> None:
    worker = subparsers.add_parser(
        "worker",
        help="run a Celery worker that crawls and processes",
        description="Start a Celery worker process. It starts the data directory's embedded Redis when no "
        "NEWSDESK_REDIS_URL is set, and sends pages spooled during a Redis outage once Redis answers again.",
    )
    worker.add_argument(
        "--supervise",
        action="store_true",
        help="start the worker again when it dies of an error (for machines without systemd or a restart policy)",
    )
    worker.add_argument("--queues", help=QUEUES_HELP)
    worker.add_argument("--concurrency", type=int, help="pool processes (default: worker.concurrency)")
    worker.add_argument(
        "--pool",
        default="prefork",
        choices=["prefork", "solo", "threads"],
        help="Celery execution pool: prefork processes (default), solo (one task at a time, in-process), threads",
    )
    worker.add_argument("--name", help="node name prefix shown in Flower (default: newsdesk)")
    worker.add_argument(
        "--max-tasks-per-child",
        type=int,
        default=0,
        help="replace a pool process after this many tasks, to bound memory growth (default 0: never)",
    )
    worker.set_defaults(func=Handler("newsdesk.cmd_queue", "cmd_worker"), data_dir_use="create")

    ingest = subparsers.add_parser(
        "ingest",
        help="queue local .html/.htm files, JSONL/NDJSON {url, html} lines or WARC files for processing",
        description="Queue pages from disk for processing (backfills and imports). Directories are searched; "
        "extensions match in any case. Each input is checked first (size cap crawl.max_response_bytes, empty, "
        "binary); what is skipped is listed with the reason.",
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, directories or WARC files to read")
    ingest.add_argument(
        "--source",
        default="ingest",
        help="source id to store the pages under; a configured source also gives its language (default: ingest)",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress bar, only the summary and problems")
    ingest.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    add_warc_options(ingest)
    ingest.set_defaults(func=Handler("newsdesk.cmd_ingest", "cmd_ingest"), data_dir_use="create")

    stats = subparsers.add_parser(
        "stats",
        help="counts of articles, duplicates, flags, queued and spooled work",
        description="Counts from the database, the queue depth from Redis (a running Redis only: stats never "
        "starts one) and the pages waiting in the disk spool.",
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(func=Handler("newsdesk.cmd_stats", "cmd_stats"), data_dir_use="existing")

    dead = subparsers.add_parser(
        "dead-letters",
        help="list tasks given up on, or requeue them with --retry",
        description="List the tasks given up on (after worker.max_attempts deliveries or a permanent error).",
    )
    dead.add_argument("--retry", action="store_true", help="requeue every dead-lettered page for processing")
    dead.set_defaults(func=Handler("newsdesk.cmd_queue", "cmd_dead_letters"), data_dir_use="existing")

    redis_cmd = subparsers.add_parser(
        "redis",
        help="the embedded Redis of the data directory: status, stop",
        description="The embedded Redis runs one per data directory, started by worker, crawl, ingest, beat and "
        "demo; other commands use it only when it already runs.",
    )
    redis_sub = redis_cmd.add_subparsers(dest="redis_command", required=True, metavar="SUBCOMMAND")
    status = redis_sub.add_parser(
        "status",
        help="list the embedded Redis servers running on this machine, and this data directory's",
        description="Show this data directory's embedded Redis (socket, version, binary) and every other "
        "embedded Redis of this user that is running.",
    )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(func=Handler("newsdesk.cmd_redis", "cmd_redis_status"), data_dir_use="optional")
    stop = redis_sub.add_parser(
        "stop",
        help="shut the data directory's embedded Redis down (its append-only file keeps queued work)",
        description="Shut the data directory's embedded Redis down; queued work is kept on disk.",
    )
    stop.set_defaults(func=Handler("newsdesk.cmd_redis", "cmd_redis_stop"), data_dir_use="optional")


def add_warc_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("WARC files (.warc, .warc.gz; response records only)")
    group.add_argument("--warc-list", metavar="FILE", help="queue one task per WARC path or URL listed (one a line)")
    group.add_argument("--warc-status", action="store_true", help="show each WARC file's checkpoint and stop")
    group.add_argument("--language", default="", help="keep only these languages, e.g. en,de")
    group.add_argument("--allow-host", action="append", default=[], help="keep only these hosts (and subdomains)")
    group.add_argument("--deny-host", action="append", default=[], help="drop these hosts (and subdomains)")
    group.add_argument("--mime", help="MIME types to keep (default: text/html and application/xhtml+xml)")
    group.add_argument("--since", help="keep records with a WARC-Date at or after this (ISO date or time, UTC)")
    group.add_argument("--until", help="keep records with a WARC-Date before this (ISO date or time, UTC)")
