"""Arguments of the tool commands: extract, flag, db upgrade, config show (implemented elsewhere)."""

from __future__ import annotations

from newsdesk.registry import Handler, Subparsers


def register(subparsers: Subparsers) -> None:
    extract = subparsers.add_parser(
        "extract",
        help="extract the article from HTML files or URLs and show what was stripped",
        description="Run extraction and boilerplate stripping on files or URLs; nothing is stored.",
    )
    extract.add_argument("targets", nargs="+", metavar="FILE|URL", help="HTML files, or http(s) URLs to fetch")
    extract.add_argument("--json", action="store_true", help="one JSON object per target")
    extract.set_defaults(func=Handler("newsdesk.cmd_tools", "cmd_extract"), data_dir_use="none")

    flag = subparsers.add_parser(
        "flag",
        help="flag JSONL articles from stdin: {id, title, text, url?, source_language?}",
        description="Read JSONL on stdin and write one JSON line of flags per input line.",
    )
    flag.add_argument("--rules", help="rules file (default: the configured or bundled config/rules.yaml)")
    flag.set_defaults(func=Handler("newsdesk.cmd_tools", "cmd_flag"), data_dir_use="none")

    db = subparsers.add_parser(
        "db",
        help="database maintenance (db upgrade)",
        description="Database maintenance. SQLite is migrated on first use; PostgreSQL needs `db upgrade`.",
    )
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="SUBCOMMAND")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="apply the Alembic migrations to the configured database",
        description="Bring the configured database (database_url, else SQLite in the data directory) up to date.",
    )
    upgrade.set_defaults(func=Handler("newsdesk.cmd_tools", "cmd_db_upgrade"), data_dir_use="none")

    config = subparsers.add_parser(
        "config",
        help="show the settings in effect (config show)",
        description="Show the settings as newsdesk reads them (defaults, config file, NEWSDESK_* variables).",
    )
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    show = config_sub.add_parser(
        "show",
        help="print the settings in effect as JSON, passwords and keys hidden",
        description="Print the settings in effect as JSON: the Redis URL, database URL and sources file actually "
        "used (not empty defaults), with passwords in URLs, the secret key and Flower's password hidden.",
    )
    show.set_defaults(func=Handler("newsdesk.cmd_tools", "cmd_config_show"), data_dir_use="none")
