"""Task context on log records: the fields that let one article be followed through the logs."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from newsdesk.logs import JsonFormatter
from pipelines.models import Page
from workers import task_logging
from workers.records import PagePayload, PageRef
from workers.task_logging import TaskContextFilter, context_from_task


def page_kwargs(url: str, **changes: object) -> dict[str, Any]:
    page = Page(url, url, 200, b"<p>x</p>", "news", datetime(2026, 1, 1, tzinfo=UTC), **changes)  # type: ignore[arg-type]
    return PagePayload(PageRef.of(page)).to_json()


def test_page_fields_come_from_the_task_payload() -> None:
    assert context_from_task("t1", page_kwargs("http://news.test/a/1", crawl_run_id="run9")) == {
        "task_id": "t1",
        "url": "http://news.test/a/1",
        "source_id": "news",
        "crawl_run_id": "run9",
    }
    assert context_from_task("t2", {"source_id": "news", "config_file": None}) == {"task_id": "t2", "source_id": "news"}


def test_filter_adds_the_running_task_to_json_lines() -> None:
    record = logging.LogRecord("newsdesk.worker", logging.INFO, __file__, 1, "processed", None, None)
    task_logging._on_prerun(task_id="t1", kwargs=page_kwargs("http://news.test/a/1"))
    try:
        assert TaskContextFilter().filter(record)
    finally:
        task_logging._on_postrun()
    line = json.loads(JsonFormatter().format(record))
    assert line["task_id"] == "t1" and line["url"] == "http://news.test/a/1" and line["source_id"] == "news"
    after = logging.LogRecord("newsdesk.worker", logging.INFO, __file__, 1, "idle", None, None)
    TaskContextFilter().filter(after)
    assert "task_id" not in json.loads(JsonFormatter().format(after))


def test_a_records_own_fields_win() -> None:
    task_logging._on_prerun(task_id="t1", kwargs=page_kwargs("http://a.test/"))
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        record.url = "http://b.test/"
        TaskContextFilter().filter(record)
    finally:
        task_logging._on_postrun()
    assert getattr(record, "url", None) == "http://b.test/" and getattr(record, "task_id", None) == "t1"
