"""Commands over the pure core and the database: extract, flag, db upgrade, config show."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from config.settings import Settings, settings_as_dict
from config.sources import default_sources_path
from crawler.fetch import fetch
from newsdesk.doctor import masked_url
from newsdesk.errors import UsageError
from pipelines.extract import extract_article
from pipelines.flagging import load_rules, run_jsonl
from pipelines.flagging.loader import bundled_rules
from pipelines.storage.migrate import upgrade
from workers import embedded_redis


def _read_target(target: str, settings: Settings) -> tuple[bytes, str | None]:
    if target.startswith(("http://", "https://")):
        fetched = fetch(target, settings.crawl)  # the one guarded fetch path (checked address, capped stream)
        return fetched.body, fetched.url
    path = Path(target)
    if not path.is_file():
        raise UsageError(f"{target}: {'a directory, not a file' if path.is_dir() else 'no such file'}")
    return path.read_bytes(), None


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
    print(f"database at {masked_url(settings.sqlalchemy_url)} is up to date")
    return 0


def effective_settings(settings: Settings) -> dict[str, Any]:
    """The settings as ``config show`` prints them: what is in effect, passwords in URLs masked."""
    data = settings_as_dict(settings)
    data["data_dir"] = str(settings.data_dir.resolve())
    data["redis_url"] = masked_url(settings.redis_url) if settings.redis_url else (
        f"{embedded_redis.url_for(settings.data_dir)} (embedded)")  # fmt: skip
    data["database_url"] = masked_url(settings.sqlalchemy_url)
    data["sources_file"] = settings.sources_file or f"{default_sources_path()} (bundled)"
    data["rules_file"] = settings.rules_file or f"{bundled_rules()} (bundled)"
    return data


def cmd_config_show(settings: Settings, args: argparse.Namespace) -> int:
    print(json.dumps(effective_settings(settings), indent=2, default=str))
    return 0
