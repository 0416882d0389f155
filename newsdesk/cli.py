"""``newsdesk``: one command with subcommands; ``newsdesk COMMAND --help`` explains each.

Start-up imports only the parser of the command that runs (:mod:`newsdesk.registry`).
Every failure ends in one line on stderr: exit status 2 for a usage or
configuration error, 1 for a runtime failure, 130 for Ctrl+C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.errors import ConfigError, NewsdeskError
from config.settings import load_settings
from newsdesk import registry
from newsdesk.datadir import DataDirUse, check_data_dir, with_data_dir_sources
from newsdesk.errors import UsageError
from newsdesk.logs import configure_logging

EPILOG = """\
environment: NEWSDESK_* variables override the config file (e.g. NEWSDESK_REDIS_URL,
NEWSDESK_DATABASE_URL, NEWSDESK_WORKER_CONCURRENCY). Without NEWSDESK_REDIS_URL an embedded
Redis runs under the data directory; without NEWSDESK_DATABASE_URL, SQLite does.

quick start:  newsdesk demo            crawl the bundled demo sites end to end
              newsdesk worker          process queued pages
              newsdesk crawl --all     crawl every enabled source now
"""
# Global options that take a value: the command name is the first other word on the line.
_VALUED_OPTIONS = ("--data-dir", "--config")


def package_version() -> str:
    """The installed version (importlib.metadata, which reads package metadata, is loaded only for this)."""
    missing: type[Exception] = registry.deferred("importlib.metadata", "PackageNotFoundError")
    try:
        found: str = registry.deferred("importlib.metadata", "version")("newsdesk")
    except missing:  # pragma: no cover - running from a checkout that was never installed
        return "unknown"
    return found


class VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (the lookup reads package metadata)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:  # fmt: skip
        print(f"newsdesk {package_version()}")
        parser.exit()


def selected_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, found without importing any command."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token if token in registry.COMMAND_NAMES else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser (``argv`` None), or one with only the command ``argv`` names filled in."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Crawl news sites, extract and de-duplicate articles, and flag them for human review.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--data-dir", type=Path, help="where local state lives (default: NEWSDESK_DATA_DIR or ./.newsdesk)"
    )
    parser.add_argument("--config", dest="config_path", help="YAML settings file (default: NEWSDESK_CONFIG)")
    parser.add_argument("--log-json", action="store_true", help="log one JSON object per line")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging and full error details")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if argv is None:
        full = registry.COMMAND_NAMES
    else:
        chosen = selected_command(argv)
        full = frozenset({chosen} if chosen else ())
    registry.add_commands(subparsers, full)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        settings = load_settings(
            data_dir=args.data_dir, config_file=Path(args.config_path) if args.config_path else None
        )
        settings = with_data_dir_sources(settings)
        configure_logging(
            "DEBUG" if args.verbose else settings.log_level, "json" if args.log_json else settings.log_format
        )
        # A command says in its parser how it uses the data directory (default: it may create it and, on
        # SQLite, migrate the database on first use); ``needs_database=False`` is the older spelling of "none".
        use: DataDirUse = getattr(args, "data_dir_use", "create" if getattr(args, "needs_database", True) else "none")
        check_data_dir(settings, use)
        if use == "create":
            registry.Handler("newsdesk.datadir_db", "prepare_database")(settings, args)
        code: int = args.func(settings, args)
        return code
    except ConfigError as exc:
        print(f"newsdesk: configuration error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 2
    except NewsdeskError as exc:
        print(f"newsdesk: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newsdesk: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
