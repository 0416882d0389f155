"""Commands over the pure core and the database: extract, flag, db upgrade, config show."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from config.settings import Settings, settings_as_dict
from crawler.fetch import fetch
from pipelines.extract import extract_article
from pipelines.flagging import load_rules, run_jsonl
from pipelines.storage.migrate import upgrade


def _read_target(target: str, settings: Settings) -> tuple[bytes, str | None]:
    if target.startswith(("http://", "https://")):
        fetched = fetch(target, settings.crawl)  # the one guarded fetch path (checked address, capped stream)
        return fetched.body, fetched.url
    return Path(target).read_bytes(), None


def cmd_extract(settings: Settings, args: argparse.Namespace) -> int:
    for target in args.targets:
        body, url = _read_target(target, settings)
        article = extract_article(body, url)
        if args.json:
            print(json.dumps({"target": target, **dataclasses.asdict(article)}, ensure_ascii=False))
            continue
        print(f"== {target}\ntitle: {article.title}\npublished: {article.published}  author: {article.author}")
        print(f"language: {article.language}  canonical: {article.canonical_url}")
        if article.empty_reason:
            print(f"no article text: {article.empty_reason}")
        print(f"\n{article.text}\n")
        print(f"-- stripped ({len(article.stripped)} blocks)")
        for block in article.stripped:
            snippet = " ".join(block.text.split())[:100]
            print(f"  [{block.category}] {snippet}")
    return 0


def cmd_flag(settings: Settings, args: argparse.Namespace) -> int:
    rules_path = Path(args.rules) if args.rules else (Path(settings.rules_file) if settings.rules_file else None)
    rules = load_rules(rules_path)
    run_jsonl(sys.stdin, sys.stdout, rules)
    return 0


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.sqlalchemy_url)
    print(f"database at {settings.sqlalchemy_url.split('@')[-1]} is up to date")
    return 0


def cmd_config_show(settings: Settings, args: argparse.Namespace) -> int:
    print(json.dumps(settings_as_dict(settings), indent=2, default=str))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    extract = subparsers.add_parser(
        "extract",
        help="extract the article from HTML files or URLs and show what was stripped",
        description="Run extraction and boilerplate stripping on files or URLs; nothing is stored.",
    )
    extract.add_argument("targets", nargs="+", metavar="FILE|URL")
    extract.add_argument("--json", action="store_true", help="one JSON object per target")
    extract.set_defaults(func=cmd_extract, needs_database=False)

    flag = subparsers.add_parser(
        "flag",
        help="flag JSONL articles from stdin: {id, title, text, url?, source_language?}",
        description="Read JSONL on stdin and write one JSON line of flags per input line.",
    )
    flag.add_argument("--rules", help="rules file (default: the configured or bundled config/rules.yaml)")
    flag.set_defaults(func=cmd_flag, needs_database=False)

    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply the Alembic migrations").set_defaults(
        func=cmd_db_upgrade, needs_database=False
    )

    config = subparsers.add_parser("config", help="show the effective settings")
    config_sub = config.add_subparsers(dest="config_command", required=True)
    config_sub.add_parser("show", help="print the settings as JSON (secrets hidden)").set_defaults(
        func=cmd_config_show, needs_database=False
    )
