"""Keep a worker alive: run it in a child process and start it again when it dies of an error.

Celery ends a worker on an "Unrecoverable error" (seen during a Sentinel failover: kombu's Sentinel channel
loses its connection object while acknowledging, ``AttributeError: 'NoneType' object has no attribute
'hostname'``).  A container's restart policy or systemd does the same job; ``newsdesk worker --supervise`` is
that supervisor for a machine without one.  Signals sent to the supervisor (SIGTERM, SIGINT) are passed to the
worker and end supervision: a warm shutdown stays a shutdown.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

log = logging.getLogger("newsdesk.supervisor")

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


@dataclass
class RestartPolicy:
    """Back off between restarts (doubling to ``max_delay``); a run that lasted ``stable_after`` resets it."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    stable_after: float = 60.0
    delay: float = field(init=False, default=0.0)

    def next_delay(self, ran_for: float) -> float:
        self.delay = self.first_delay if ran_for >= self.stable_after or not self.delay else self.delay * 2
        self.delay = min(self.delay, self.max_delay)
        return self.delay


def exit_status(wait_status: int) -> tuple[int, int | None]:
    """(exit code, killing signal or None) of a ``waitpid`` status."""
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        return 128 + number, number
    return os.WEXITSTATUS(wait_status), None


def supervise(
    run: Callable[[], int],
    *,
    policy: RestartPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run ``run`` in a forked child until it exits cleanly or the supervisor is told to stop."""
    policy = policy or RestartPolicy()
    stopping: list[int] = []
    child = 0

    def forward(number: int, _frame: FrameType | None) -> None:
        stopping.append(number)
        if child:
            os.kill(child, number)

    previous = {number: signal.signal(number, forward) for number in FORWARDED}
    try:
        while True:
            started = time.monotonic()
            child = os.fork()
            if child == 0:  # the worker: default signal handling, then Celery's own
                for number, handler in previous.items():
                    signal.signal(number, handler)
                code = 1
                try:
                    code = run()
                finally:
                    os._exit(code)
            _, status = os.waitpid(child, 0)
            code, killed_by = exit_status(status)
            child = 0
            if stopping or code == 0:
                return code
            delay = policy.next_delay(time.monotonic() - started)
            reason = f"signal {killed_by}" if killed_by else f"exit code {code}"
            log.error("worker died (%s); starting it again in %.0f s", reason, delay)
            sleep(delay)
            if stopping:
                return code
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
