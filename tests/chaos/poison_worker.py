"""``python -m tests.chaos.poison_worker worker ...``: ``newsdesk worker`` with faulty pages.

The faults live only in this test wrapper, so product code carries no test hook:
before the CLI starts the worker, the task module's ``process_page`` is replaced
by one that, by URL, SIGKILLs its own process (:data:`POISON_MARK`), sleeps
into the soft time limit (:data:`SLOW_MARK`), or ignores the soft limit so
that the hard limit kills it (:data:`STUCK_MARK`).  The prefork pool forks
after this, so every child inherits it.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

import workers.tasks
from newsdesk.cli import main
from pipelines.models import Page, ProcessedArticle
from pipelines.process import ProcessingDeps, process_page

POISON_MARK = "/poison/"
SLOW_MARK = "/slow/"
STUCK_MARK = "/stuck/"
FOREVER = 3600


def stuck() -> None:
    """Like a C call that never returns to Python: the soft limit's exception is swallowed."""
    while True:
        try:
            time.sleep(FOREVER)
        except SoftTimeLimitExceeded:
            continue


def dying_process_page(page: Page, deps: ProcessingDeps, **options: Any) -> ProcessedArticle:
    if POISON_MARK in page.url:
        os.kill(os.getpid(), signal.SIGKILL)
    if SLOW_MARK in page.url:
        time.sleep(FOREVER)
    if STUCK_MARK in page.url:
        stuck()
    return process_page(page, deps, **options)


if __name__ == "__main__":
    setattr(workers.tasks, "process_page", dying_process_page)  # noqa: B010 - replace the name the task calls
    sys.exit(main(sys.argv[1:]))
