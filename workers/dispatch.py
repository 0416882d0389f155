"""The one producer API: put pages on the processing queue, bodies by reference, one page or a batch per task."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError

from pipelines import keys
from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from pipelines.urls import article_id, canonicalize
from workers import outbox
from workers.codec import PageRef, body_digest, compress_body, page_fields
from workers.queues import NOOP_TASK, PROCESS_BATCH_TASK, PROCESS_PAGE_TASK, PROCESS_QUEUE

# What Flower shows of a batch: its size and its first few URLs, not the whole payload.
KWARGSREPR_URLS = 3


def page_task_id_for(final_url: str, body_sha256: str) -> str:
    """Deterministic: the same page (URL and body) always gets the same task id."""
    return f"page-{article_id(canonicalize(final_url))[:16]}-{body_sha256[:16]}"


def page_task_id(page: Page) -> str:
    return page_task_id_for(page.final_url, body_digest(page.body))


def batch_task_id(page_task_ids: Sequence[str]) -> str:
    """Deterministic too: the same pages in the same order make the same batch."""
    return "batch-" + hashlib.sha256("\n".join(page_task_ids).encode()).hexdigest()[:32]


def _describe(refs: Sequence[dict[str, Any]]) -> str:
    urls = [str(ref.get("url")) for ref in refs[:KWARGSREPR_URLS]]
    sources = sorted({str(ref.get("source_id")) for ref in refs})
    return f"{{'pages': {len(refs)}, 'source_id': {sources!r}, 'urls': {urls!r}}}"


class PageDispatcher:
    """Stores page bodies in Redis (compressed, expiring) and sends the processing task."""

    def __init__(self, app: Celery, client: redis.Redis, body_ttl_seconds: int) -> None:
        self.app = app
        self.client = client
        self.body_ttl_seconds = body_ttl_seconds

    def enqueue_page(self, page: Page) -> str:
        """Queue ``page`` on its own; raises RedisUnavailable when Redis cannot be reached."""
        return self.enqueue_pages([page])

    def enqueue_pages(self, pages: Sequence[Page]) -> str:
        """Queue ``pages`` as one task and return its id: ``newsdesk.process_page`` for a single page,
        ``newsdesk.process_batch`` for more.  Raises RedisUnavailable when Redis cannot be reached."""
        staged: dict[str, tuple[Page, dict[str, Any]]] = {}
        for page in pages:
            digest = body_digest(page.body)  # once per page: it names the task and checks the body
            task_id = page_task_id_for(page.final_url, digest)
            # One body per page task (not per digest): a task may expire its bodies once stored without
            # pulling one from under another URL that happens to carry the same bytes.
            staged.setdefault(task_id, (page, PageRef(page_fields(page), keys.page_body(task_id), digest).payload()))
        if not staged:
            raise ValueError("enqueue_pages needs at least one page")
        refs = [payload for _, payload in staged.values()]
        kwargs: dict[str, Any]
        if len(staged) == 1:
            task_name, task_id, kwargs = PROCESS_PAGE_TASK, next(iter(staged)), {"page": refs[0]}
        else:
            task_name, task_id, kwargs = PROCESS_BATCH_TASK, batch_task_id(list(staged)), {"pages": refs}
        try:
            # Bodies and the outbox entry in one round trip; the outbox re-sends the task if its message is lost.
            pipe = self.client.pipeline()
            for page, payload in staged.values():
                pipe.set(payload["body_key"], compress_body(page.body), ex=self.body_ttl_seconds)
            outbox.record(pipe, task_id, kwargs, task_name=task_name)
            pipe.execute()
            self._send(task_name, task_id, kwargs, refs)
        except (redis.RedisError, KombuOperationalError, OSError) as exc:
            raise RedisUnavailable(f"cannot queue {refs[0].get('url')} and {len(refs) - 1} more: {exc}") from exc
        return task_id

    def requeue_one_by_one(self, refs: Sequence[PageRef], batch_id: str) -> list[str]:
        """Split batch ``batch_id``: send each of its pages (bodies already in Redis) as a task of its own.

        The pages' outbox entries replace the batch's in one round trip, before any is sent, so a crash
        part way through leaves every page either queued or recorded for the reconciler.
        """
        singles = {page_task_id_for(str(ref.fields["final_url"]), ref.body_sha256): ref.payload() for ref in refs}
        try:
            pipe = self.client.pipeline()
            for task_id, payload in singles.items():
                outbox.record(pipe, task_id, {"page": payload})
            outbox.clear(pipe, batch_id)
            pipe.execute()
            for task_id, payload in singles.items():
                self._send(PROCESS_PAGE_TASK, task_id, {"page": payload}, [payload])
        except (redis.RedisError, KombuOperationalError, OSError) as exc:
            raise RedisUnavailable(f"cannot split batch {batch_id}: {exc}") from exc
        return list(singles)

    def _send(self, task_name: str, task_id: str, kwargs: dict[str, Any], refs: Sequence[dict[str, Any]]) -> None:
        if task_name == PROCESS_PAGE_TASK:
            shown = f"{{'url': {refs[0].get('url')!r}, 'source_id': {refs[0].get('source_id')!r}}}"
        else:
            shown = _describe(refs)
        self.app.send_task(task_name, kwargs=kwargs, kwargsrepr=shown, task_id=task_id, queue=PROCESS_QUEUE, retry=True)

    def enqueue_noop(self, index: int) -> str:
        """A task that does nothing: the queue's own ceiling, for benchmarks."""
        result = self.app.send_task(NOOP_TASK, kwargs={"index": index}, queue=PROCESS_QUEUE)
        return str(result.id)
