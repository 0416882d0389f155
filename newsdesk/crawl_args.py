"""Arguments of the crawl commands: crawl, sources, beat, preview (implemented elsewhere)."""

from __future__ import annotations

from newsdesk.registry import Handler, Subparsers


def register(subparsers: Subparsers) -> None:
    crawl = subparsers.add_parser(
        "crawl",
        help="crawl configured sources (or an ad-hoc URL) now, in this process",
        description="Crawl sources now and queue every fetched page for processing by the workers. Each URL "
        "that could not be fetched gets one line with its reason (dns, refused, timeout, robots, http 4xx/5xx, "
        "too large, not html); the summary counts them by reason. Exit status 1 when nothing could be fetched. "
        "Give -v (before the command) for the underlying error of each failure.",
    )
    crawl.add_argument("source_ids", nargs="*", metavar="SOURCE_ID", help="ids from `newsdesk sources`")
    crawl.add_argument("--all", action="store_true", help="every enabled source")
    crawl.add_argument("--url", help="crawl this URL as an ad-hoc source")
    crawl.add_argument(
        "--kind", default="site", choices=["feed", "sitemap", "site"], help="with --url: how to read it (site)"
    )
    crawl.add_argument("--allow-private-hosts", action="store_true", help="with --url: allow private addresses")
    crawl.add_argument("--json", action="store_true", help="print the summary as JSON (no progress bars)")
    crawl.add_argument("--quiet", action="store_true", help="no progress bars, only failures and the summary")
    crawl.add_argument("--progress", action="store_true", help="show progress even when not on a terminal")
    crawl.add_argument(
        "--no-wait",
        action="store_true",
        help="do not follow the processing of the queued pages after the crawl (the default on a terminal)",
    )
    crawl.set_defaults(func=Handler("newsdesk.cmd_crawl", "cmd_crawl"), data_dir_use="create")

    sources = subparsers.add_parser(
        "sources",
        help="list configured sources with their last crawl and health",
        description="List the sources in effect (sources_file, else the data directory's sources.yaml, else the "
        "bundled file). A source turns UNHEALTHY when its empty-extraction or 403/429 rate jumps over its own "
        "baseline (a layout change or a block).",
    )
    sources.add_argument("--json", action="store_true", help="print one JSON list of sources")
    sources.set_defaults(func=Handler("newsdesk.cmd_crawl", "cmd_sources"), data_dir_use="optional")

    beat = subparsers.add_parser(
        "beat",
        help="run the scheduler that queues crawls (only one is active at a time)",
        description="Queue each enabled source's crawl on its schedule. Safe to start twice: a Redis lease "
        "with fencing keeps exactly one scheduler active. It also sends pages spooled during a Redis outage.",
    )
    beat.set_defaults(func=Handler("newsdesk.cmd_crawl", "cmd_beat"), data_dir_use="create")

    preview = subparsers.add_parser(
        "preview",
        help="fetch a few pages of a source and show what would be extracted, stripped and flagged",
        description="Check a new source before it goes live: fetch a few pages and show the extracted text, what "
        "was stripped, duplicate candidates and the flags that would fire. Nothing is stored or queued.",
    )
    preview.add_argument("source_id", metavar="SOURCE_ID", help="a configured source id")
    preview.add_argument("--limit", type=int, default=5, help="pages to fetch (default 5)")
    preview.add_argument("--json", action="store_true", help="print one JSON list, one object per page")
    preview.set_defaults(func=Handler("newsdesk.cmd_preview", "cmd_preview"), data_dir_use="create")
