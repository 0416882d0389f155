"""``python -m tests.chaos.poison_worker worker ...``: ``newsdesk worker`` whose pool children die on poison pages.

The fault lives only in this test wrapper, so product code carries no test hook:
before the CLI starts the worker, the task module's ``process_page`` is replaced
by one that SIGKILLs its own process for a URL containing :data:`POISON_MARK`.
The prefork pool forks after this, so every child inherits it.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import workers.tasks
from newsdesk.cli import main
from pipelines.models import Page, ProcessedArticle
from pipelines.process import ProcessingDeps, process_page

POISON_MARK = "/poison/"


def dying_process_page(page: Page, deps: ProcessingDeps, **options: Any) -> ProcessedArticle:
    if POISON_MARK in page.url:
        os.kill(os.getpid(), signal.SIGKILL)
    return process_page(page, deps, **options)


if __name__ == "__main__":
    setattr(workers.tasks, "process_page", dying_process_page)  # noqa: B010 - replace the name the task calls
    sys.exit(main(sys.argv[1:]))
