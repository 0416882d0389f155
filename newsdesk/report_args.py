"""Arguments of ``newsdesk report`` and ``newsdesk rules report`` (implemented in :mod:`newsdesk.cmd_report`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsdesk.registry import Handler, Subparsers


def _days(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 366:
        raise argparse.ArgumentTypeError("expected a whole number of days from 1 to 366")
    return value


def _target(raw: str) -> float:
    value = float(raw)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("expected a share between 0 and 1")
    return value


def register(subparsers: Subparsers) -> None:
    out = subparsers.add_parser("report", help="write the review overview (charts and figures) as one HTML file")
    out.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    out.add_argument("--days", type=_days, default=14, help="days of history in the charts (default 14)")
    out.set_defaults(func=Handler("newsdesk.cmd_report", "cmd_report"))
    rules = subparsers.add_parser("rules", help="rules that learn from reviewers")
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    summary = actions.add_parser("report", help="reviewer-judged precision per rule, with promotion/demotion proposals")
    summary.add_argument(
        "--target", type=_target, default=None, help="precision target (default 0.8, review.learning.DEFAULT_TARGET)"
    )
    summary.add_argument("--json", action="store_true", help="one JSON document")
    summary.set_defaults(func=Handler("newsdesk.cmd_report", "cmd_rules_report"))
