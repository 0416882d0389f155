"""Arguments of ``newsdesk demo`` (implemented in :mod:`newsdesk.demo`)."""

from __future__ import annotations

import argparse

from newsdesk.registry import Handler, Subparsers

DESCRIPTION = """\
The whole path on embedded defaults, offline, in about a minute.

Serves the bundled demo sites on 127.0.0.1, starts the demo data directory's
embedded Redis and a real worker process, crawls the three demo sources
through Scrapy -> Celery -> pipelines -> SQLite, waits for the queue to drain
and prints what happened, then the two commands that open the review desk on
the demo's data with a reviewer it created.

State is kept in <data-dir>/demo. A second run adds to it (users and decisions
stay); --fresh starts that directory over.
"""


def register(subparsers: Subparsers) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="run the whole pipeline on bundled demo sites (offline, embedded Redis and SQLite)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.add_argument(
        "--fresh", action="store_true", help="delete the demo's data directory first (its users and decisions too)"
    )
    demo.add_argument("--serve", action="store_true", help="then serve the review desk on the demo's data")
    demo.add_argument("--quiet", action="store_true", help="no progress bars")
    demo.set_defaults(func=Handler("newsdesk.demo", "cmd_demo"), data_dir_use="create")
