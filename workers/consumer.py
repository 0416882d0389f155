"""The worker's broker consumer, reconnecting on a short, bounded interval.

Celery's consumer reconnects with kombu's defaults (2 s, then 4, 6, ... up to 30 s between rounds over the
failover list), and nothing in Celery's configuration changes them.  During a Sentinel failover the new
primary is ready a few seconds after the kill, but a consumer that had failed five rounds was then asleep for
12 s more, and one that had failed eight rounds for 30 s: processing resumed long after the broker did.
Capping the interval at a couple of seconds costs one cheap connection attempt per sentinel per interval.
"""

from __future__ import annotations

import functools
from typing import Any

from celery.worker.consumer import Consumer
from kombu.connection import Connection

RECONNECT_FIRST_SECONDS = 0.5
RECONNECT_STEP_SECONDS = 0.5
RECONNECT_MAX_SECONDS = 2.0

CONSUMER_PATH = "workers.consumer:FailoverConsumer"


def bound_reconnect_interval(conn: Connection) -> Connection:
    """``conn`` whose ``ensure_connection`` waits at most ``RECONNECT_MAX_SECONDS`` between attempts."""
    conn.ensure_connection = functools.partial(  # type: ignore[method-assign]
        conn.ensure_connection,
        interval_start=RECONNECT_FIRST_SECONDS,
        interval_step=RECONNECT_STEP_SECONDS,
        interval_max=RECONNECT_MAX_SECONDS,
    )
    return conn


class FailoverConsumer(Consumer):  # type: ignore[misc]
    """Celery's consumer with the reconnect interval bounded (see the module's note)."""

    def ensure_connected(self, conn: Connection) -> Any:
        return super().ensure_connected(bound_reconnect_interval(conn))
