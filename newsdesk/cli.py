"""``newsdesk``: one command with subcommands; ``newsdesk COMMAND --help`` explains each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from config.errors import ConfigError
from config.settings import Settings, load_settings
from newsdesk import cmd_crawl, cmd_ops, cmd_preview, cmd_queue, cmd_report, cmd_tools, demo, review_commands
from newsdesk.logs import configure_logging
from pipelines.errors import NewsdeskError
from pipelines.storage.migrate import upgrade_with_lock

EPILOG = """\
environment: NEWSDESK_* variables override the config file (e.g. NEWSDESK_REDIS_URL,
NEWSDESK_DATABASE_URL, NEWSDESK_WORKER_CONCURRENCY). Without NEWSDESK_REDIS_URL an embedded
Redis runs under the data directory; without NEWSDESK_DATABASE_URL, SQLite does.

quick start:  newsdesk demo            crawl a bundled demo site end to end
              newsdesk worker          process queued pages
              newsdesk crawl --all     crawl every enabled source now
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Crawl news sites, extract and de-duplicate articles, and flag them for human review.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where local state lives (default: NEWSDESK_DATA_DIR or ./.newsdesk)"
    )
    parser.add_argument("--config", dest="config_path", help="YAML settings file (default: NEWSDESK_CONFIG)")
    parser.add_argument("--log-json", action="store_true", help="log one JSON object per line")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.register(subparsers)
    cmd_queue.register(subparsers)
    cmd_crawl.register(subparsers)
    cmd_preview.register(subparsers)
    cmd_tools.register(subparsers)
    review_commands.register(subparsers)
    cmd_ops.register(subparsers)
    cmd_report.register(subparsers)  # desk: report, rules report
    return parser


def prepare_database(settings: Settings) -> None:
    """SQLite is migrated on first use; PostgreSQL is migrated by an explicit ``newsdesk db upgrade``."""
    if make_url(settings.sqlalchemy_url).get_backend_name() == "sqlite":
        upgrade_with_lock(settings.sqlalchemy_url, settings.data_dir / "migrate.lock")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(
            data_dir=args.data_dir, config_file=Path(args.config_path) if args.config_path else None
        )
        configure_logging(
            "DEBUG" if args.verbose else settings.log_level, "json" if args.log_json else settings.log_format
        )
        # A command that needs no database (or, like doctor, must see it untouched) says so in its parser.
        if getattr(args, "needs_database", True):
            prepare_database(settings)
        code: int = args.func(settings, args)
        return code
    except ConfigError as exc:
        print(f"newsdesk: configuration error: {exc}", file=sys.stderr)
        return 2
    except NewsdeskError as exc:
        print(f"newsdesk: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
