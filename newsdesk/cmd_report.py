"""``newsdesk report --out FILE`` (the overview as one static HTML file) and ``newsdesk rules report``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from config.settings import Settings
from pipelines.storage.engine import make_engine
from review.app import HERE, make_templates
from review.clock import utcnow
from review.learning import DEFAULT_TARGET, RuleReport, report
from review.numbers import stats
from review.overview import charts


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    now = utcnow()
    try:
        with engine.connect() as conn:
            figures = stats(conn, now)
            drawn = charts(conn, now, days=args.days)
    finally:
        engine.dispose()
    css = (HERE / "static" / "review.css").read_text(encoding="utf-8")
    html = make_templates().get_template("report.html").render(numbers=figures, charts=drawn, generated=now, css=css)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    print(f"report written to {out} ({len(drawn)} charts, {figures.queue_depth} waiting)")
    return 0


def _row(rule: RuleReport) -> str:
    precision = "-" if rule.precision is None else f"{rule.precision:.2f}"
    interval = "-" if rule.interval is None else f"{rule.interval[0]:.2f}-{rule.interval[1]:.2f}"
    mode = "shadow" if rule.shadow else "active"
    proposal = rule.proposal.upper() if rule.proposal else ""
    head = f"{rule.id[:32]:<32} {rule.code[:30]:<30} {mode:<6} {rule.judged:>6}"
    return f"{head} {precision:>9} {interval:>11}  {proposal:<7} {rule.why}"


def cmd_rules_report(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        reports = report(engine, settings, target=args.target)
    finally:
        engine.dispose()
    if args.json:
        doc: dict[str, Any] = {"target": args.target, "rules": [r.to_json() for r in reports]}
        print(json.dumps(doc, indent=2, sort_keys=True))
        return 0
    print(f"{'rule':<32} {'code':<30} {'mode':<6} {'judged':>6} {'precision':>9} {'95% CI':>11}  proposal")
    for rule in reports:
        print(_row(rule))
    proposed = sum(1 for r in reports if r.proposal)
    print(f"\n{len(reports)} rules, {proposed} proposals (target {args.target:.2f}); an admin applies one at /rules")
    return 0


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


def register(subparsers: Any) -> None:
    out = subparsers.add_parser("report", help="write the review overview (charts and figures) as one HTML file")
    out.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    out.add_argument("--days", type=_days, default=14, help="days of history in the charts (default 14)")
    out.set_defaults(func=cmd_report)
    rules = subparsers.add_parser("rules", help="rules that learn from reviewers")
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    summary = actions.add_parser("report", help="reviewer-judged precision per rule, with promotion/demotion proposals")
    summary.add_argument(
        "--target", type=_target, default=DEFAULT_TARGET, help=f"precision target (default {DEFAULT_TARGET})"
    )
    summary.add_argument("--json", action="store_true", help="one JSON document")
    summary.set_defaults(func=cmd_rules_report)
