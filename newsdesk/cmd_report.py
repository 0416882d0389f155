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
    target = DEFAULT_TARGET if args.target is None else args.target
    engine = make_engine(settings.sqlalchemy_url)
    try:
        reports = report(engine, settings, target=target)
    finally:
        engine.dispose()
    if args.json:
        doc: dict[str, Any] = {"target": target, "rules": [r.to_json() for r in reports]}
        print(json.dumps(doc, indent=2, sort_keys=True))
        return 0
    print(f"{'rule':<32} {'code':<30} {'mode':<6} {'judged':>6} {'precision':>9} {'95% CI':>11}  proposal")
    for rule in reports:
        print(_row(rule))
    proposed = sum(1 for r in reports if r.proposal)
    print(f"\n{len(reports)} rules, {proposed} proposals (target {target:.2f}); an admin applies one at /rules")
    return 0
