"""``newsdesk preview``: fetch a few pages of a source and show what processing would make of them."""

from __future__ import annotations

import argparse
import dataclasses
import json

from config.settings import Settings
from config.sources import find_source
from crawler.preview import PreviewItem, preview_source
from newsdesk.cmd_crawl import configured_sources
from workers.runtime import build_runtime


def _preview_json(item: PreviewItem) -> dict[str, object]:
    if item.processed is None:
        return {"url": item.page.url, "error": item.error}
    processed = item.processed
    return {
        "url": item.page.url,
        "article_id": processed.article_id,
        "title": processed.article.title,
        "text": processed.article.text,
        "empty_reason": processed.article.empty_reason,
        "stripped": [dataclasses.asdict(block) for block in processed.article.stripped],
        "duplicate": dataclasses.asdict(processed.verdict),
        "action": processed.outcome.action,
        "flags": [dataclasses.asdict(flag) for flag in processed.outcome.flags],
    }


def _print_preview(item: PreviewItem) -> None:
    print(f"== {item.page.url}")
    if item.processed is None:
        print(f"   could not process: {item.error}\n")
        return
    article, outcome, verdict = item.processed.article, item.processed.outcome, item.processed.verdict
    print(f"   title: {article.title}")
    if article.empty_reason:
        print(f"   no article text: {article.empty_reason}")
    snippet = article.text[:500].replace("\n", "\n   | ")
    print(f"   | {snippet}{' ...' if len(article.text) > 500 else ''}")
    for block in article.stripped:
        print(f"   stripped [{block.category}] {' '.join(block.text.split())[:90]}")
    if verdict.duplicate_of:
        print(f"   duplicate ({verdict.kind}, {verdict.similarity:.2f}) of article {verdict.duplicate_of}")
    print(f"   action: {outcome.action} (score {outcome.score:.2f})")
    for flag in outcome.flags:
        evidence = "; ".join(repr(e.excerpt[:60]) for e in flag.evidence[:3])
        shadow = " (shadow)" if flag.shadow else ""
        print(f"   flag {flag.code}{shadow}: {flag.action}/{flag.severity} {flag.score:.2f} {evidence}")
    print()


def cmd_preview(settings: Settings, args: argparse.Namespace) -> int:
    source = find_source(configured_sources(settings), args.source_id)
    items = preview_source(build_runtime(settings), source, args.limit)
    if args.json:
        print(json.dumps([_preview_json(item) for item in items], default=str))
        return 0
    for item in items:
        _print_preview(item)
    print(f"{len(items)} page(s) previewed; nothing was stored or queued")
    return 0
