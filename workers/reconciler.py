"""A worker bootstep that re-sends outbox entries whose messages vanished (see :mod:`workers.outbox`).

It runs on the worker's own timer in the main process.  A Redis lease makes one
worker in the whole deployment do it at a time; another takes over when that
worker stops.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery import Celery, bootsteps

from pipelines import keys
from pipelines.errors import RedisUnavailable
from workers import outbox
from workers.app import RESTORE_SWEEP_SECONDS
from workers.context import WorkerContext
from workers.locks import Lease

log = logging.getLogger("newsdesk.outbox")
RECONCILE_EVERY_SECONDS = 5.0
# After this long, a message still unfinished and in no queue was not restored by kombu either.
GRACE_SECONDS = 15


def resend_after_seconds(context: WorkerContext) -> float:
    return context.settings.worker.visibility_timeout + 2 * RESTORE_SWEEP_SECONDS + GRACE_SECONDS


def reconcile_once(app: Celery, context: WorkerContext, lease: Lease) -> int:
    """One pass, if this process holds (or can take) the reconcile lease."""
    try:
        if not (lease.renew() or lease.acquire()):
            return 0
        return outbox.reconcile(context.redis, app, resend_after_seconds(context))
    except (RedisUnavailable, redis.RedisError) as exc:
        log.warning("outbox reconcile skipped: %s", exc)
        return 0


def install_reconciler(app: Celery, context: WorkerContext) -> None:
    """Add the reconcile step to ``app``'s workers."""

    class OutboxReconciler(bootsteps.StartStopStep):  # type: ignore[misc]
        requires = ("celery.worker.components:Timer",)

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            self.tref: Any = None
            self.lease = Lease(context.redis, keys.reconcile_lock(), RECONCILE_EVERY_SECONDS * 3)

        def start(self, worker: Any) -> None:
            self.tref = worker.timer.call_repeatedly(
                RECONCILE_EVERY_SECONDS, reconcile_once, (app, context, self.lease), priority=10
            )

        def stop(self, worker: Any) -> None:
            if self.tref is not None:
                self.tref.cancel()
            self.lease.release()

    app.steps["worker"].add(OutboxReconciler)
