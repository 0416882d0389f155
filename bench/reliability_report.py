"""Turn the chaos tests' results file into the reliability table of RELIABILITY.md.

    .venv/bin/pytest -m chaos tests/chaos          # writes bench/out/reliability.json
    .venv/bin/python -m bench.reliability_report   # prints the table
    .venv/bin/python -m bench.reliability_report --update RELIABILITY.md

The table sits between two marker comments in RELIABILITY.md; ``--update``
replaces only that part.  ``--results`` (or NEWSDESK_TEST_RELIABILITY_OUT, as in
the tests) names another results file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_RESULTS = Path(__file__).resolve().parent / "out" / "reliability.json"
START, END = "<!-- reliability-table:start -->", "<!-- reliability-table:end -->"
# Rows in the order a reader meets the faults; unknown ids follow alphabetically.
ORDER = (
    "worker_killed_twice",
    "pool_child_killed",
    "worker_sigterm",
    "poison_page",
    "poison_page_in_batch",
    "time_limits",
    "time_limit_in_batch",
    "redis_killed_aof",
    "redis_killed_no_persistence",
    "redis_down_during_crawl",
    "pickled_message",
    "sentinel_failover_processing",
    "sentinel_failover_queueing",
    "netns_worker_host_cut",
)
HEADER = (
    "| Fault | Items | Lost | Duplicated | Re-runs | Time to recover (s) | Bound (s) | All done (s) | Test |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
)


def load_results(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    results = data.get("results", {})
    if not isinstance(results, dict):
        raise SystemExit(f"{path}: expected {{'results': {{...}}}}")
    return results


def ordered(results: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    rank = {name: n for n, name in enumerate(ORDER)}
    return sorted(results.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0]))


def render(results: dict[str, dict[str, Any]]) -> str:
    lines = list(HEADER)
    notes = []
    for n, (_name, row) in enumerate(ordered(results), 1):
        test = row.get("test", "").split("::")[-1]
        lines.append(
            f"| {row['fault']} [{n}] | {row['items']} | {row['lost']} | {row['duplicated']} | {row['reruns']} "
            f"| {row['recover_seconds']:.1f} | {row['limit_seconds']:.0f} | {row['drain_seconds']:.1f} "
            f"| `{test}` |"
        )
        notes.append(
            f"{n}. {row.get('note', '')} (recorded {row.get('recorded_at', '?')}, "
            f"load {row.get('load_1min', '?')} on {row.get('cpus', '?')} CPUs)"
        )
    return "\n".join([*lines, "", *notes])


def update(document: Path, table: str) -> None:
    text = document.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{document}: the markers {START} and {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    document.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=None, help="the JSON file the chaos tests wrote")
    parser.add_argument("--update", type=Path, help="rewrite the table between the markers of this Markdown file")
    args = parser.parse_args(argv)
    path = args.results or Path(os.environ.get("NEWSDESK_TEST_RELIABILITY_OUT") or DEFAULT_RESULTS)
    if not path.exists():
        print(f"{path}: no results yet; run the chaos tests first (pytest -m chaos tests/chaos)", file=sys.stderr)
        return 1
    table = render(load_results(path))
    if args.update:
        update(args.update, table)
        print(f"updated {args.update}")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
