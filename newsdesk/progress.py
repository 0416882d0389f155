"""Progress bars on stderr (rich): one per crawled source, one for ingest, one for the processing that follows.

rich rather than tqdm: several sources crawl at once, and rich draws all their
bars in one live region that redraws in place, with columns of our own
(fetched, queued, errors); tqdm's stacked bars need manual positions and tear
when anything else writes to the terminal.  When stderr is not a terminal, or
with ``--quiet``/``--json``, nothing is drawn (:class:`NoProgress`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from crawler.progress import CrawlProgress

# How long the processing bar waits without a stored row before it says no worker seems to be running.
STALL_SECONDS = 15.0
POLL_SECONDS = 0.5


def wants_bars(quiet: bool, as_json: bool, forced: bool = False) -> bool:
    """Bars only for a person at a terminal, unless forced (``--progress``)."""
    if quiet or as_json:
        return False
    return forced or sys.stderr.isatty()


class Bars:
    """A live region of progress bars on stderr."""

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=self.console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.progress.stop()

    def bar(self, key: str, description: str, total: float | None, detail: str = "") -> TaskID:
        if key not in self._tasks:
            self._tasks[key] = self.progress.add_task(description, total=total, detail=detail)
        return self._tasks[key]

    def crawl(self, update: CrawlProgress) -> None:
        """The sink :func:`crawler.run.run_crawls` calls: one bar per source."""
        task = self.bar(update.source, update.source, None)
        detail = f"fetched {update.fetched}  queued {update.queued}  errors {update.errors}"
        self.progress.update(task, total=max(update.scheduled, 1), completed=update.done, detail=detail)

    def set(self, key: str, completed: int, total: int | None = None, detail: str = "") -> None:
        self.progress.update(self._tasks[key], completed=completed, total=total, detail=detail)


def follow_processing(
    bars: Bars,
    expected: int,
    stored: Callable[[], int],
    queued: Callable[[], int],
    *,
    stall_seconds: float = STALL_SECONDS,
    give_up: Callable[[], bool] = lambda: False,
) -> tuple[int, bool]:
    """Draw the "processing" bar until ``expected`` new rows are stored and the queue is empty.

    Returns the rows stored since the start and whether processing finished (False when nothing
    moved for ``stall_seconds``, e.g. no worker runs, or ``give_up`` said so).
    """
    start = stored()
    bars.bar("processing", "processing", expected, "")
    last_change, last = time.monotonic(), -1
    while True:
        done = stored() - start
        waiting = queued()
        bars.set("processing", min(done, expected), expected, f"stored {done}  queued {waiting}")
        if done >= expected and waiting == 0:
            return done, True
        if done != last:
            last, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > stall_seconds or give_up():
            return done, False
        time.sleep(POLL_SECONDS)
