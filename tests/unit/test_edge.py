"""workers.edge.check_message: which broker messages reach Celery at all (pure; the worker test is in chaos)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from workers.edge import check_message
from workers.queues import CRAWL_SOURCE_TASK, PROCESS_PAGE_TASK
from workers.records import CrawlRequest

LIMIT = 100_000


def check(body: object, *, content_type: str = "application/json", encoding: str = "utf-8", **headers: Any) -> Any:
    base = {"task": PROCESS_PAGE_TASK, "id": "t1", "retries": 0, **headers}
    return check_message(base, content_type, encoding, body, max_bytes=LIMIT)


def test_a_well_formed_crawl_message_passes() -> None:
    body = json.dumps([[], CrawlRequest("news").to_json(), {"callbacks": None, "chain": None}])
    assert check(body, task=CRAWL_SOURCE_TASK) is None


@pytest.mark.parametrize(
    ("body", "headers", "reason"),
    [
        ("x" * (LIMIT + 1), {}, "too_large"),
        ("[[], {}, {}]", {"kwargsrepr": "x" * LIMIT}, "too_large"),
        (b"\x80\x04K\x01.", {"content_type": "application/x-python-serialize"}, "content_type"),
        ("!!python/object/apply:os.system ['id']", {"content_type": "application/x-yaml"}, "content_type"),
        ("[[], {}, {}]", {"encoding": "binary"}, "content_type"),
        ("{not json", {}, "not_json"),
        ('{"x": 1}', {}, "wrong_shape"),
        ("[[], {}]", {}, "wrong_shape"),
        ("[[1], {}, {}]", {}, "wrong_shape"),
        ('[[], {}, {"chord": {"task": "x"}}]', {}, "wrong_shape"),
        ("[[], {}, {}]", {"id": None}, "wrong_shape"),
        ("[[], {}, {}]", {"retries": -1}, "wrong_shape"),
        ("[[], {}, {}]", {"task": "celery.backend_cleanup"}, "bad_kwargs"),
        ('[[], {"page": {"v": 1}}, {}]', {}, "bad_kwargs"),
        ('[[], {"source_id": ["a"]}, {}]', {"task": CRAWL_SOURCE_TASK}, "bad_kwargs"),
        (None, {}, "wrong_shape"),
    ],
)
def test_hostile_messages_are_refused_with_a_reason(body: object, headers: dict[str, Any], reason: str) -> None:
    content_type = headers.pop("content_type", "application/json")
    encoding = headers.pop("encoding", "utf-8")
    refusal = check(body, content_type=content_type, encoding=encoding, **headers)
    assert refusal is not None and refusal.reason == reason, refusal
