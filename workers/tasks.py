"""Thin Celery tasks over pipelines: decode the message, call the pure core, store, acknowledge.

Delivery is at-least-once, so each task is idempotent: processing is keyed by
the article id and storage upserts.  A delivery counter per task id catches a
message that kills its worker every time and dead-letters it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import redis
from celery import Celery, Task
from sqlalchemy.exc import SQLAlchemyError

from pipelines import keys
from pipelines.errors import InvalidPayload, PayloadMissing, PermanentError, RedisUnavailable, TransientError
from pipelines.models import ProcessedArticle
from pipelines.process import process_page
from pipelines.storage import repository
from workers import outbox
from workers.connections import is_cluster
from workers.context import WorkerContext
from workers.dispatch import PageDispatcher
from workers.edge import guarded_consumer
from workers.locks import Lease
from workers.queues import CRAWL_SOURCE_TASK, NOOP_TASK, PROCESS_BATCH_TASK, PROCESS_PAGE_TASK
from workers.reconciler import install_reconciler
from workers.records import (
    BatchPayload,
    CrawlResult,
    PagePayload,
    PageRef,
    PageResult,
    RefusedMessage,
    TaskKey,
    TaskResult,
    decompress_body,
)

log = logging.getLogger("newsdesk.worker")
ATTEMPTS_TTL_SECONDS = 7 * 86400
CRAWL_LEASE_SECONDS = 600


def count_delivery(context: WorkerContext, task_key: TaskKey) -> int:
    """How many times this exact task (id and retry number) has started."""
    key = keys.task_attempts(task_key.format())
    try:
        pipe = context.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ATTEMPTS_TTL_SECONDS)
        count, _ = pipe.execute()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot count deliveries: {exc}") from exc
    return int(count)


def finish_stored(context: WorkerContext, task_key: TaskKey, body_keys: Sequence[str]) -> None:
    """The task's pages are stored; in one round trip: the task leaves the outbox, its delivery counter resets (the
    same page queued again later is no poison), and its bodies may expire, though not before a redelivery could need
    them."""
    try:
        pipe = context.redis.pipeline(transaction=False)
        outbox.clear(pipe, task_key.task_id)
        pipe.delete(keys.task_attempts(task_key.format()))
        # One round trip on one server; the bodies role's own pipeline when bodies live elsewhere.
        bodies = pipe if context.bodies is context.redis else context.bodies.pipeline(transaction=False)
        for body_key in body_keys:
            bodies.expire(body_key, 2 * context.settings.worker.visibility_timeout)
        pipe.execute()
        if bodies is not pipe:
            bodies.execute()
    except redis.RedisError as exc:
        # Harmless: the counter and the bodies expire on their own, and a re-sent finished page changes nothing.
        log.warning("cannot tidy up after %s: %s", task_key, exc)


def dead_letter(
    context: WorkerContext, task_key: TaskKey, task_name: str, payload: dict[str, Any], error: str, n: int
) -> None:
    repository.record_dead_letter(context.engine, task_key.format(), task_name, payload, error, n)
    outbox.done(context.redis, task_key.task_id)
    log.error("dead-lettered %s %s after %d deliveries: %s", task_name, task_key, n, error)


def kept_of(raw: object) -> dict[str, Any]:
    """What a dead letter keeps of a message that did not decode: bounded, never the whole message."""
    return RefusedMessage.of(repr(raw).encode()).to_json()


def fetch_bodies(context: WorkerContext, refs: Sequence[PageRef]) -> list[bytes | None]:
    """The compressed bodies of ``refs`` in one round trip (None where one has expired)."""
    try:
        if is_cluster(context.bodies):
            # A batch's bodies hash to many slots; the cluster client fans the GETs out per node.
            pipe = context.bodies.pipeline(transaction=False)
            for ref in refs:
                pipe.get(ref.body_key)
            blobs = pipe.execute()
        else:
            blobs = context.bodies.mget([ref.body_key for ref in refs])
    except redis.RedisError as exc:
        raise RedisUnavailable(f"cannot read page bodies: {exc}") from exc
    return [blob if isinstance(blob, bytes) else None for blob in blobs]


@dataclass(frozen=True)
class _Processed:
    """A page through the stages, waiting to be stored with the rest of its task."""

    processed: ProcessedArticle
    blob: bytes  # the body as the queue carried it (a zlib stream), stored as the kept page
    cpu_ms: float  # CPU of the stages in this process


def _result_of(done: _Processed, in_review: bool, store_cpu_ms: float) -> PageResult:
    processed, page = done.processed, done.processed.page
    log.info(
        "processed %s article=%s action=%s duplicate_of=%s",
        page.url,
        processed.article_id,
        processed.outcome.action,
        processed.verdict.duplicate_of,
        # The page's own fields: inside a batch the task's context names no single page.
        extra={"article_id": processed.article_id, "url": page.url, "source_id": page.source_id},
    )
    return PageResult(
        article_id=processed.article_id,
        url=page.url,
        action=processed.outcome.action,
        duplicate_of=processed.verdict.duplicate_of,
        duplicate_kind=processed.verdict.kind,
        flags=tuple((flag.code, flag.action) for flag in processed.outcome.flags if not flag.shadow),
        in_review=in_review,
        timings_ms=tuple(processed.timings_ms.items()),
        # CPU of the stages (decode to store) in this process: what is left of a worker's CPU is the queue's cost.
        stages_cpu_ms=done.cpu_ms + store_cpu_ms,
    )


def process_refs(
    context: WorkerContext, refs: Sequence[PageRef], blobs: Sequence[bytes | None]
) -> tuple[list[PageResult], list[tuple[PageRef, PermanentError]]]:
    """Process the pages whose compressed bodies were fetched, in order, then store them in one transaction.

    Returns the stored pages' results and the pages that failed for good (the caller dead-letters them).  A page
    may be a copy of one earlier in the same task, not yet stored: its source is looked up among the task's own
    pages first, as if each page had been stored before the next was processed.
    """
    pending: list[_Processed] = []
    failed: list[tuple[PageRef, PermanentError]] = []
    sources: dict[str, str] = {}  # article id -> source id, of the pages processed so far
    stored_source = context.deps.source_of
    deps = replace(context.deps, source_of=lambda doc_id: sources.get(doc_id) or stored_source(doc_id))
    for ref, blob in zip(refs, blobs, strict=True):
        try:
            if blob is None:
                raise PayloadMissing(f"the body of {ref.url} has expired from Redis ({ref.body_key})")
            page = ref.page(decompress_body(blob, context.settings.crawl.max_response_bytes))
            cpu_started = time.process_time()
            processed = process_page(page, deps)
        except PermanentError as exc:
            failed.append((ref, exc))
            continue
        sources[processed.article_id] = page.source_id
        pending.append(_Processed(processed, blob, (time.process_time() - cpu_started) * 1000.0))
    if not pending:
        return [], failed
    cpu_started = time.process_time()
    in_review = repository.save_processed_batch(
        context.engine, [done.processed for done in pending], context.copy_flags, [done.blob for done in pending]
    )
    store_cpu_ms = (time.process_time() - cpu_started) * 1000.0 / len(pending)
    return [_result_of(done, flag, store_cpu_ms) for done, flag in zip(pending, in_review, strict=True)], failed


def page_kept(kwargs: object) -> dict[str, Any]:
    """What a page task's dead letter keeps: the page reference (retryable), or a bounded excerpt of bad kwargs."""
    try:
        return PagePayload.from_json(kwargs).page.to_json()
    except InvalidPayload:
        return kept_of(kwargs)


def handle_process_page(context: WorkerContext, task_key: TaskKey, kwargs: object) -> TaskResult:
    """The body of the single-page task, callable without Celery."""
    deliveries = count_delivery(context, task_key)
    if deliveries > context.settings.worker.max_attempts:
        error = "delivered too often; it may crash its worker"
        dead_letter(context, task_key, PROCESS_PAGE_TASK, page_kept(kwargs), error, deliveries)
        return TaskResult(dead_lettered=1)
    try:
        ref = PagePayload.from_json(kwargs).page
        results, failed = process_refs(context, [ref], fetch_bodies(context, [ref]))
        if failed:
            raise failed[0][1]
        finish_stored(context, task_key, [ref.body_key])
    except PermanentError as exc:
        error = f"{type(exc).__name__}: {exc}"
        dead_letter(context, task_key, PROCESS_PAGE_TASK, page_kept(kwargs), error, deliveries)
        raise
    return TaskResult(pages=tuple(results))


def decode_batch(context: WorkerContext, task_key: TaskKey, kwargs: object) -> tuple[BatchPayload, int]:
    """The batch's good pages; a malformed page is dead-lettered alone (counted)."""
    batch, rejected = BatchPayload.partition(kwargs)
    for bad in rejected:
        key = TaskKey(f"{task_key.task_id}#{bad.index}")
        dead_letter(context, key, PROCESS_PAGE_TASK, bad.excerpt, f"InvalidPayload: {bad.error}", 1)
    return batch, len(rejected)


def split_batch(context: WorkerContext, dispatcher: PageDispatcher, task_key: TaskKey, kwargs: object) -> TaskResult:
    """Send each page of a batch as a task of its own."""
    batch, dead = decode_batch(context, task_key, kwargs)
    if batch.pages:
        sent = dispatcher.requeue_one_by_one(batch.pages, task_key.task_id)
    else:
        sent = []
        outbox.done(context.redis, task_key.task_id)
    log.warning("split batch %s into %d single-page tasks", task_key.task_id, len(sent))
    return TaskResult(dead_lettered=dead, split=len(sent))


def handle_process_batch(
    context: WorkerContext, dispatcher: PageDispatcher, task_key: TaskKey, kwargs: object
) -> TaskResult:
    """The body of the batch task, callable without Celery.

    Pages are processed in order, then stored together in one transaction.  A page with a permanent error is
    dead-lettered on its own and the rest go on; a transient error fails the batch, which is retried whole (pages
    stored by an earlier delivery are upserted again, unchanged).  A batch delivered a second time may hold a page
    that kills its worker, so it is split into single-page tasks, whose delivery counters find that page and
    dead-letter only it.
    """
    deliveries = count_delivery(context, task_key)
    try:
        if deliveries > 1:
            return split_batch(context, dispatcher, task_key, kwargs)
        batch, dead = decode_batch(context, task_key, kwargs)
    except InvalidPayload as exc:
        dead_letter(context, task_key, PROCESS_BATCH_TASK, kept_of(kwargs), f"InvalidPayload: {exc}", deliveries)
        raise
    blobs = fetch_bodies(context, batch.pages) if batch.pages else []
    results, failed = process_refs(context, batch.pages, blobs)
    for ref, failure in failed:
        error = f"{type(failure).__name__}: {failure}"
        dead_letter(context, TaskKey(ref.task_id), PROCESS_PAGE_TASK, ref.to_json(), error, deliveries)
        dead += 1
    finish_stored(context, task_key, [ref.body_key for ref in batch.pages])
    return TaskResult(pages=tuple(results), dead_lettered=dead)


def crawl_command(context: WorkerContext, source_id: str, lease: Lease) -> list[str]:
    """The child process that crawls ``source_id``: this worker's own data directory and config file."""
    args = [sys.executable, "-m", "crawler.run", "--data-dir", str(context.settings.data_dir), "--source", source_id]
    if context.config_file is not None:
        args += ["--config", str(context.config_file)]
    return [*args, "--lease-key", lease.key, "--lease-token", lease.token]


def handle_crawl_source(context: WorkerContext, source_id: str, named_config: str | None) -> CrawlResult:
    """Crawl one source in a child process (a Twisted reactor cannot restart), under a per-source lease.

    A queue message never chooses a file the worker reads: the crawl uses the worker's own configuration, and a
    message naming another config file (older beats sent theirs) is logged and otherwise ignored.
    """
    # Compared as text: a message's path is never looked up on this machine's disk.
    if named_config and named_config != str(context.config_file):
        log.warning("crawl task for %s names config file %r; crawling with this worker's own", source_id, named_config)
    lease = Lease(context.redis, keys.source_lock(source_id), CRAWL_LEASE_SECONDS)
    if not lease.acquire():
        log.info("source %s is being crawled elsewhere; skipping", source_id)
        return CrawlResult(source_id, skipped="already running")
    try:
        command = crawl_command(context, source_id, lease)
        completed = subprocess.run(command, check=False, timeout=context.settings.worker.time_limit * 10)
    finally:
        lease.release()
    if completed.returncode != 0:
        raise TransientError(f"crawl of {source_id} exited with {completed.returncode}")
    return CrawlResult(source_id, exit_code=completed.returncode)


def keep_given_up_page(
    context: WorkerContext, task_id: str, retries: int, kwargs: dict[str, Any], exc: BaseException
) -> None:
    """Celery gave up on a page (a time limit, retries exhausted, a bug): keep it as a dead letter.

    Without this such a page is acknowledged as failed and only logged.  Permanent
    errors are skipped: :func:`handle_process_page` recorded them already.
    """
    if isinstance(exc, PermanentError):
        return
    task_key = TaskKey(task_id, retries)
    try:
        counted = context.redis.get(keys.task_attempts(task_key.format()))
        deliveries = int(counted) if isinstance(counted, bytes) else 1
        error = f"{type(exc).__name__}: {exc}"
        dead_letter(context, task_key, PROCESS_PAGE_TASK, page_kept(kwargs), error, deliveries)
    except (redis.RedisError, SQLAlchemyError) as store_exc:
        log.error("cannot dead-letter %s after %s: %s", task_key, type(exc).__name__, store_exc)


def split_given_up_batch(
    context: WorkerContext,
    dispatcher: PageDispatcher,
    task_id: str,
    retries: int,
    kwargs: dict[str, Any],
    exc: BaseException,
) -> None:
    """Celery gave up on a batch (a time limit, retries exhausted, a bug): its pages go on one by one.

    A single page then meets the time limit or the retry limit on its own and is dead-lettered alone.
    """
    if isinstance(exc, PermanentError):
        return
    task_key = TaskKey(task_id, retries)
    try:
        split_batch(context, dispatcher, task_key, kwargs)
    except (PermanentError, RedisUnavailable, redis.RedisError, SQLAlchemyError) as split_exc:
        # The batch's outbox entry stays: the reconciler re-sends it, and its second delivery splits it.
        log.error("cannot split %s after %s: %s", task_key, type(exc).__name__, split_exc)


def register_tasks(app: Celery, context: WorkerContext) -> None:
    """Attach newsdesk's tasks to ``app``; the context is per process."""
    retry_max = context.settings.worker.retry_backoff_max

    # Both processing tasks retry transient errors alike: exponential backoff with jitter.
    processing_retries: dict[str, Any] = {
        "bind": True,
        "autoretry_for": (TransientError,),
        "retry_backoff": 1,
        "retry_backoff_max": retry_max,
        "retry_jitter": True,
        "max_retries": 20,
    }

    def dispatcher() -> PageDispatcher:
        fresh = context.fresh()
        return PageDispatcher(app, fresh.redis, fresh.settings.worker.body_ttl_seconds)

    def on_page_failure(
        task: Task, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], einfo: Any
    ) -> None:
        # Runs in the pool process, or in the main process after a hard time limit killed the pool process.
        keep_given_up_page(context.fresh(), task_id, int(task.request.retries or 0), kwargs or {}, exc)

    @app.task(name=PROCESS_PAGE_TASK, on_failure=on_page_failure, **processing_retries)  # type: ignore[untyped-decorator]
    def process_page_task(self: Task, **kwargs: Any) -> dict[str, Any]:
        task_key = TaskKey(str(self.request.id), int(self.request.retries or 0))
        return handle_process_page(context.fresh(), task_key, kwargs).to_json()

    def on_batch_failure(
        task: Task, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], einfo: Any
    ) -> None:
        split_given_up_batch(context.fresh(), dispatcher(), task_id, int(task.request.retries or 0), kwargs or {}, exc)

    @app.task(name=PROCESS_BATCH_TASK, on_failure=on_batch_failure, **processing_retries)  # type: ignore[untyped-decorator]
    def process_batch_task(self: Task, **kwargs: Any) -> dict[str, Any]:
        task_key = TaskKey(str(self.request.id), int(self.request.retries or 0))
        return handle_process_batch(context.fresh(), dispatcher(), task_key, kwargs).to_json()

    @app.task(  # type: ignore[untyped-decorator]
        name=CRAWL_SOURCE_TASK,
        bind=True,
        autoretry_for=(TransientError,),
        retry_backoff=30,
        retry_backoff_max=retry_max,
        retry_jitter=True,
        max_retries=3,
        soft_time_limit=context.settings.worker.time_limit * 10,
        time_limit=context.settings.worker.time_limit * 10 + 30,
    )
    def crawl_source_task(self: Task, source_id: str, config_file: str | None = None) -> dict[str, Any]:
        return handle_crawl_source(context.fresh(), source_id, config_file).to_json()

    install_reconciler(app, context)
    # Every message is checked before Celery unpacks it: a malformed one is refused, never the end of a worker.
    app.conf.worker_consumer = guarded_consumer(context)

    @app.task(name=NOOP_TASK)  # type: ignore[untyped-decorator]
    def noop_task(index: int) -> int:
        return index
