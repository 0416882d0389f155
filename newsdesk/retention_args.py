"""Arguments of ``newsdesk retention`` (implemented in :mod:`newsdesk.cmd_retention`)."""

from __future__ import annotations

from newsdesk.registry import Handler, Subparsers


def register(subparsers: Subparsers) -> None:
    retention = subparsers.add_parser(
        "retention",
        help="drop article text, page bodies and flags older than the retention.* ages (audited, in batches)",
        description="Apply the retention settings (retention.text_days, bodies_days, flags_days; 0 keeps "
        "forever) to the configured database, in batches of retention.batch_size. Idempotent: run it daily "
        "from cron or a systemd timer, on one machine or several.",
    )
    retention.add_argument("--dry-run", action="store_true", help="count what would go; change nothing")
    retention.add_argument("--json", action="store_true", help="print the report as one JSON document")
    retention.set_defaults(func=Handler("newsdesk.cmd_retention", "cmd_retention"))
