"""The per-file WARC task on the crawl queue: one leased reader per file, in slices, any worker continues.

``newsdesk ingest --warc-list FILE`` sends one ``newsdesk.ingest_warc_file``
task per WARC file (:func:`send_warc_job`).  A worker that takes one claims the
file's lease in SQL and reads for at most half the task's soft time limit, so a
task never meets its time limit or outlives the broker's visibility timeout;
then it writes the checkpoint, gives the lease up and sends the next slice.
If the worker dies, its message comes back after the visibility timeout and
whichever worker takes it resumes from the checkpoint; a copy of the task
that finds the lease live elsewhere retries once the lease would have lapsed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Celery, Task

from config.settings import Settings
from pipelines.errors import InvalidPayload, TransientError
from pipelines.storage import repository
from pipelines.warc.job import WarcJob
from workers.context import WorkerContext
from workers.dispatch import PageDispatcher
from workers.queues import CRAWL_QUEUE, WARC_FILE_TASK
from workers.records import TaskKey, WarcFileRequest
from workers.warc_ingest import IngestPorts, SliceResult, read_slice, reader_name

log = logging.getLogger("newsdesk.warc")
# A slice reads for this share of the soft time limit, leaving the rest for the last batch and the checkpoint.
SLICE_SHARE = 0.5


def send_warc_job(app: Celery, job: WarcJob, countdown: float | None = None) -> str:
    """Queue one slice of ``job`` on the crawl queue; returns the task id."""
    result = app.send_task(
        WARC_FILE_TASK,
        kwargs=WarcFileRequest(job).to_json(),
        kwargsrepr=f"{{'location': {job.location!r}, 'source_id': {job.source_id!r}}}",
        queue=CRAWL_QUEUE,
        countdown=countdown,
        retry=True,
    )
    return str(result.id)


def slice_seconds(settings: Settings) -> float:
    return settings.worker.soft_time_limit * SLICE_SHARE


def lease_seconds(settings: Settings) -> float:
    """A reader's lease outlasts a slice (it is renewed at every checkpoint) and lapses before a dead reader's
    message is redelivered (the visibility timeout), so the next reader finds it free."""
    return min(slice_seconds(settings) + 5.0, settings.worker.visibility_timeout / 2)


def ingest_ports(context: WorkerContext, dispatcher: PageDispatcher) -> IngestPorts:
    settings = context.settings
    return IngestPorts(
        engine=context.engine,
        redis=context.redis,
        dispatcher=dispatcher,
        batch_size=settings.crawl.warc_batch_size,
        max_bytes=settings.crawl.max_response_bytes,
        lease_seconds=lease_seconds(settings),
    )


def handle_warc_file(context: WorkerContext, dispatcher: PageDispatcher, payload: Any) -> tuple[WarcJob, SliceResult]:
    """Read one slice of the file named by ``payload``; the caller decides what comes next."""
    job = WarcJob.from_json(payload)
    deadline = time.monotonic() + slice_seconds(context.settings)
    result = read_slice(ingest_ports(context, dispatcher), job, reader_name(), deadline)
    cp = result.checkpoint
    log.info(
        "warc %s: %s; %d records read, %d pages queued (%d this slice, %d recovered)",
        job.location,
        result.outcome,
        cp.records_done if cp else 0,
        cp.records_queued if cp else 0,
        result.sent,
        result.recovered,
    )
    if result.outcome == "damaged" and cp is not None:
        log.warning("warc %s: %s", job.location, cp.error)
    return job, result


def register_warc_tasks(app: Celery, context: WorkerContext) -> None:
    """Attach the WARC task to ``app``; the context is per process."""

    @app.task(  # type: ignore[untyped-decorator]
        name=WARC_FILE_TASK,
        bind=True,
        autoretry_for=(TransientError,),
        retry_backoff=5,
        retry_backoff_max=context.settings.worker.retry_backoff_max,
        retry_jitter=True,
        max_retries=20,
    )
    def ingest_warc_file_task(self: Task, job: dict[str, Any]) -> dict[str, Any]:
        fresh = context.fresh()
        dispatcher = PageDispatcher(app, fresh.redis, fresh.settings.worker.body_ttl_seconds, bodies=fresh.bodies)
        try:
            warc_job, result = handle_warc_file(fresh, dispatcher, job)
        except InvalidPayload as exc:
            task_key = TaskKey(self.request.id, self.request.retries).format()
            repository.record_dead_letter(fresh.engine, task_key, WARC_FILE_TASK, {"job": job}, str(exc), 1)
            raise
        if result.outcome == "more":
            send_warc_job(app, warc_job)
        elif result.outcome == "held":
            # Another reader holds the file; if it died, its lease lapses and this copy takes over then.
            raise self.retry(countdown=result.retry_in, max_retries=None)
        cp = result.checkpoint
        return {
            "location": warc_job.location,
            "outcome": result.outcome,
            "records_done": cp.records_done if cp else 0,
            "records_queued": cp.records_queued if cp else 0,
            "damage_offset": cp.damage_offset if cp else None,
        }
