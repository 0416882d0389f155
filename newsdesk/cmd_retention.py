"""``newsdesk retention [--dry-run] [--json]``: the retention job of :mod:`pipelines.storage.retention`."""

from __future__ import annotations

import argparse
import json

from config.settings import Settings
from pipelines.storage.engine import make_engine
from pipelines.storage.retention import RetentionReport, run_retention

MIB = 1024 * 1024


def describe(report: RetentionReport) -> str:
    """The report as lines for a terminal."""
    verb = "would remove" if report.dry_run else "removed"
    limits = report.cutoffs
    lines = []
    for kind, cutoff, amount in (
        ("article texts", limits.text, f"{report.texts} ({report.text_chars / MIB:.1f} M characters)"),
        ("page bodies", limits.bodies, f"{report.bodies} ({report.body_bytes / MIB:.1f} MiB compressed)"),
        ("flag rows", limits.flags, f"{report.flags}"),
    ):
        if cutoff is None:
            lines.append(f"{kind:<14} kept forever (0 days)")
        else:
            lines.append(f"{kind:<14} older than {cutoff:%Y-%m-%d %H:%M} UTC: {verb} {amount}")
    if not report.dry_run:
        lines.append(f"{report.batches} batch(es); " + ("audited" if report.changed else "nothing to do"))
    return "\n".join(lines)


def cmd_retention(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        report = run_retention(engine, settings.retention, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(json.dumps(report.to_json(), indent=2, sort_keys=True) if args.json else describe(report))
    return 0
