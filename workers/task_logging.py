"""Task context on every log record, so one article can be followed from crawl to processing to review.

While a task runs, a context variable holds its id and the page it works on
(url, source, crawl run); :class:`TaskContextFilter` copies them onto each
record, where ``newsdesk.logs.JsonFormatter`` prints them.  When a page has
been processed, its record carries the stored ``article_id`` that the review
desk uses (see :func:`workers.tasks.process_refs`), and inside a batch its own URL.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from celery import signals

from pipelines.errors import InvalidPayload
from workers.records import PagePayload

_current: ContextVar[dict[str, str] | None] = ContextVar("newsdesk_task_context", default=None)


def context_from_task(task_id: str, kwargs: dict[str, Any]) -> dict[str, str]:
    """The fields worth logging for a task, from its id and its (JSON) keyword arguments."""
    fields = {"task_id": task_id}
    try:
        ref = PagePayload.from_json(kwargs).page
    except InvalidPayload:
        source = kwargs.get("source_id")  # a crawl task's argument
        return {**fields, "source_id": source} if isinstance(source, str) and source else fields
    named = {"url": ref.url, "source_id": ref.source_id, "crawl_run_id": ref.crawl_run_id}
    return {**fields, **{name: value for name, value in named.items() if value}}


class TaskContextFilter(logging.Filter):
    """Adds the running task's fields to records that do not carry their own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_current.get() or {}).items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


def _on_prerun(task_id: str | None = None, kwargs: dict[str, Any] | None = None, **_: Any) -> None:
    _current.set(context_from_task(task_id or "", kwargs or {}))


def _on_postrun(**_: Any) -> None:
    _current.set(None)


def install_task_logging() -> None:
    """Attach the filter to the root handlers and follow task start and end (call after logging is set up)."""
    task_filter = TaskContextFilter()
    for handler in logging.getLogger().handlers:
        handler.addFilter(task_filter)
    signals.task_prerun.connect(_on_prerun, weak=False)
    signals.task_postrun.connect(_on_postrun, weak=False)
