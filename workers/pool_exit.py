"""Bound how long a pool child waits, at exit, for the parent to count its results.

billiard 4.3's pool child, before it exits, polls a shared counter until the parent has credited every
result it sent, for up to 300 x 0.1 s.  The parent credits a result only when it has recorded the task's
ACK for that child first; when a warm shutdown stops the parent's result loop between the two, the count
never catches up and the child sleeps the whole 30 s.  The warm shutdown then outlasts the visibility
timeout (tests/chaos/test_chaos_worker_kill.py saw 31.6 s; py-spy showed the parent in ``Pool.join`` and
the child in ``Worker._ensure_messages_consumed``).  The task itself was already acknowledged, so a short
wait loses nothing; nothing in Celery's configuration reaches this constant, hence the assignment.
"""

from __future__ import annotations

import math

from billiard import pool

CHILD_EXIT_WAIT_SECONDS = 2.0


def bound_child_exit_wait(seconds: float = CHILD_EXIT_WAIT_SECONDS) -> int:
    """Make pool children forked from now on wait at most ``seconds`` at exit; returns the retry limit set."""
    interval = float(pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_INTERVAL)
    limit = max(1, math.ceil(seconds / interval))
    pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_LIMIT = limit
    return limit
