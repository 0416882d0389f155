"""The one producer API: put pages on the processing queue, bodies by reference, one page or a batch per task."""

from __future__ import annotations

from collections.abc import Sequence

import redis
from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError

from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from workers import outbox
from workers.connections import is_cluster
from workers.queues import NOOP_TASK, PROCESS_QUEUE
from workers.records import (
    NoopRequest,
    OutboxEntry,
    PagePayload,
    PageRef,
    TaskPayload,
    compress_body,
    payload_for,
)

# What Flower shows of a batch: its size and its first few URLs, not the whole payload.
KWARGSREPR_URLS = 3


def page_task_id(page: Page) -> str:
    return PageRef.of(page).task_id


def describe(payload: TaskPayload) -> str:
    """What Flower shows for a task: its page's URL and source, or a batch's size and first URLs."""
    refs = payload.refs
    if isinstance(payload, PagePayload):
        return f"{{'url': {refs[0].url!r}, 'source_id': {refs[0].source_id!r}}}"
    urls = [ref.url for ref in refs[:KWARGSREPR_URLS]]
    sources = sorted({ref.source_id for ref in refs})
    return f"{{'pages': {len(refs)}, 'source_id': {sources!r}, 'urls': {urls!r}}}"


class PageDispatcher:
    """Stores page bodies in Redis (compressed, expiring) and sends the processing task."""

    def __init__(
        self, app: Celery, client: redis.Redis, body_ttl_seconds: int, *, bodies: redis.Redis | None = None
    ) -> None:
        self.app = app
        self.client = client  # the state role: outbox entries
        self.bodies = bodies if bodies is not None else client
        self.body_ttl_seconds = body_ttl_seconds

    def enqueue_page(self, page: Page) -> str:
        """Queue ``page`` on its own; raises RedisUnavailable when Redis cannot be reached."""
        return self.enqueue_pages([page])

    def enqueue_pages(self, pages: Sequence[Page]) -> str:
        """Queue ``pages`` as one task and return its id: ``newsdesk.process_page`` for a single page,
        ``newsdesk.process_batch`` for more.  Raises RedisUnavailable when Redis cannot be reached."""
        staged: dict[str, tuple[Page, PageRef]] = {}
        for page in pages:
            ref = PageRef.of(page)  # the body's digest once per page: it names the task and checks the body
            # One body per page task (not per digest): a task may expire its bodies once stored without
            # pulling one from under another URL that happens to carry the same bytes.
            staged.setdefault(ref.task_id, (page, ref))
        if not staged:
            raise ValueError("enqueue_pages needs at least one page")
        payload = payload_for([ref for _, ref in staged.values()])
        try:
            # Bodies first, then the outbox entry (the outbox re-sends the task if its message is lost).  On one
            # server both go in one round trip; with bodies on their own Redis (or a cluster, whose slots one
            # transaction cannot span) the bodies pipeline runs first, so an entry never names a missing body.
            together = self.bodies is self.client and not is_cluster(self.client)
            pipe = self.client.pipeline() if together else self.bodies.pipeline(transaction=False)
            for page, ref in staged.values():
                pipe.set(ref.body_key, compress_body(page.body), ex=self.body_ttl_seconds)
            if not together:
                pipe.execute()
                pipe = self.client.pipeline()
            outbox.record(pipe, payload.task_id, OutboxEntry(payload))
            pipe.execute()
            self.send(payload)
        except (redis.RedisError, KombuOperationalError, OSError) as exc:
            first = payload.refs[0].url
            raise RedisUnavailable(f"cannot queue {first} and {len(payload.refs) - 1} more: {exc}") from exc
        return payload.task_id

    def requeue_one_by_one(self, refs: Sequence[PageRef], batch_id: str) -> list[str]:
        """Split batch ``batch_id``: send each of its pages (bodies already in Redis) as a task of its own.

        The pages' outbox entries replace the batch's in one round trip, before any is sent, so a crash
        part way through leaves every page either queued or recorded for the reconciler.
        """
        singles = {ref.task_id: PagePayload(ref) for ref in refs}
        try:
            pipe = self.client.pipeline()
            for task_id, payload in singles.items():
                outbox.record(pipe, task_id, OutboxEntry(payload))
            outbox.clear(pipe, batch_id)
            pipe.execute()
            for payload in singles.values():
                self.send(payload)
        except (redis.RedisError, KombuOperationalError, OSError) as exc:
            raise RedisUnavailable(f"cannot split batch {batch_id}: {exc}") from exc
        return list(singles)

    def send(self, payload: TaskPayload, task_id: str | None = None) -> None:
        """Publish the task (bodies already in Redis); ``task_id`` defaults to the payload's own."""
        self.app.send_task(
            payload.task_name,
            kwargs=payload.to_json(),
            kwargsrepr=describe(payload),
            task_id=task_id or payload.task_id,
            queue=PROCESS_QUEUE,
            retry=True,
        )

    def enqueue_noop(self, index: int) -> str:
        """A task that does nothing: the queue's own ceiling, for benchmarks."""
        result = self.app.send_task(NOOP_TASK, kwargs=NoopRequest(index).to_json(), queue=PROCESS_QUEUE)
        return str(result.id)
