"""Crawl stat names are spelt once (pipelines.crawl_stats); the summary's counts derive from them."""

from __future__ import annotations

import ast
from pathlib import Path

from pipelines import crawl_stats
from pipelines.crawl_stats import crawl_counts

ROOT = Path(__file__).resolve().parents[2]


def test_counts_derive_from_the_stats() -> None:
    stats = {
        crawl_stats.PAGES: 7, crawl_stats.ITEMS_SENT: 5, crawl_stats.ITEMS_UNSPOOLED: 2, crawl_stats.TASKS_SENT: 1,
        crawl_stats.ITEMS_SPOOLED: 2, crawl_stats.REFUSED_ADDRESS: 1, "log_count/ERROR": 3,
        "downloader/exception_count/TimeoutError": 1, "finish_reason": "finished", crawl_stats.NON_HTML: "junk",
    }  # fmt: skip
    counts = crawl_counts(stats)
    assert (counts.pages, counts.queued, counts.tasks, counts.spooled) == (7, 7, 3, 2)
    assert (counts.refused, counts.errors, counts.non_html, counts.not_modified) == (1, 4, 0, 0)


def test_no_stat_name_is_spelt_outside_the_stats_module() -> None:
    # crawler/progress.py (the console's progress lines) is being reworked on its own branch.
    skipped = {ROOT / "pipelines" / "crawl_stats.py", ROOT / "crawler" / "progress.py"}
    spelt = []
    for path in [*ROOT.glob("crawler/**/*.py"), *ROOT.glob("pipelines/**/*.py"), *ROOT.glob("workers/**/*.py")]:
        if path in skipped:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("newsdesk/"):
                spelt.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
    assert spelt == []
