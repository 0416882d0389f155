"""Send pages spooled during a Redis outage from any long-running process (worker, beat).

A crawl drains the spool while it runs; without this, pages spooled by a crawl
that ended during the outage waited for the next, unrelated crawl.  A drainer
thread looks every :data:`DRAIN_INTERVAL_SECONDS`; an exclusive, non-blocking
file lock keeps two processes from sending the same page at once (a page sent
twice would only be processed twice: storage is idempotent).
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Callable

from crawler.spool import Spool
from pipelines.models import Page

log = logging.getLogger("newsdesk.spool")
DRAIN_INTERVAL_SECONDS = 20.0
LOCK_NAME = ".drain.lock"


def drain_once(spool: Spool, send: Callable[[Page], object]) -> int:
    """Send what the spool holds unless another process is sending it now; how many were sent."""
    if not spool.directory.is_dir() or len(spool) == 0:
        return 0
    with (spool.directory / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another process drains it
        try:
            sent = spool.drain(send)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    if sent:
        log.info("sent %d spooled page(s) to the queue; %d still waiting", sent, len(spool))
    return sent


class SpoolDrainer:
    """A daemon thread that drains ``spool`` every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, spool: Spool, send: Callable[[Page], object], interval: float = DRAIN_INTERVAL_SECONDS):
        self.spool = spool
        self.send = send
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="spool-drainer", daemon=True)

    def start(self) -> SpoolDrainer:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                drain_once(self.spool, self.send)
            except Exception:  # a drainer that dies would leave pages waiting silently
                log.exception("spool drain failed; trying again in %.0f s", self.interval)
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        self._stopped.set()
