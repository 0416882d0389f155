"""The one producer API: put pages on the processing queue, bodies by reference."""

from __future__ import annotations

import redis
from celery import Celery
from kombu.exceptions import OperationalError as KombuOperationalError

from pipelines import keys
from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from pipelines.urls import article_id, canonicalize
from workers import outbox
from workers.codec import body_digest, compress_body, encode_ref
from workers.queues import NOOP_TASK, PROCESS_PAGE_TASK, PROCESS_QUEUE


def page_task_id(page: Page) -> str:
    """Deterministic: the same page (URL and body) always gets the same task id."""
    return f"page-{article_id(canonicalize(page.final_url))[:16]}-{body_digest(page.body)[:16]}"


class PageDispatcher:
    """Stores a page body in Redis (compressed, expiring) and sends the processing task."""

    def __init__(self, app: Celery, client: redis.Redis, body_ttl_seconds: int) -> None:
        self.app = app
        self.client = client
        self.body_ttl_seconds = body_ttl_seconds

    def enqueue_page(self, page: Page) -> str:
        """Queue ``page`` for processing; raises RedisUnavailable when Redis cannot be reached."""
        task_id = page_task_id(page)
        # One body per task (not per digest): the task may expire its body once stored without
        # pulling it from under another URL that happens to carry the same bytes.
        body_key = keys.page_body(task_id)
        kwargs = {"page": encode_ref(page, body_key)}
        try:
            # Body and outbox entry in one round trip; the outbox re-sends the task if its message is lost.
            pipe = self.client.pipeline()
            pipe.set(body_key, compress_body(page.body), ex=self.body_ttl_seconds)
            outbox.record(pipe, task_id, kwargs)
            pipe.execute()
            self.app.send_task(
                PROCESS_PAGE_TASK,
                kwargs=kwargs,
                # What Flower shows: the article's URL and source, not the whole payload.
                kwargsrepr=f"{{'url': {page.url!r}, 'source_id': {page.source_id!r}}}",
                task_id=task_id,
                queue=PROCESS_QUEUE,
                retry=True,
            )
        except (redis.RedisError, KombuOperationalError, OSError) as exc:
            raise RedisUnavailable(f"cannot queue {page.url}: {exc}") from exc
        return task_id

    def enqueue_noop(self, index: int) -> str:
        """A task that does nothing: the queue's own ceiling, for benchmarks."""
        result = self.app.send_task(NOOP_TASK, kwargs={"index": index}, queue=PROCESS_QUEUE)
        return str(result.id)
