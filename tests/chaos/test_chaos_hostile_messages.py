"""Hostile broker messages are refused at the edge: dead-lettered (bounded), counted, and the worker goes on.

Before the edge check, one valid JSON message of the wrong shape ended every worker that took it
("Unrecoverable error") and went back on the queue for the next one.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import select

from pipelines.storage.schema import dead_letters
from tests.support.chaos import ChaosRig, FaultResult, Stopwatch, chaos_pages, expected_ids, in_flight, record_result
from tests.support.processes import wait_until
from tests.support.redis_server import PrivateRedis
from workers.queues import PROCESS_BATCH_TASK, PROCESS_PAGE_TASK, PROCESS_QUEUE

pytestmark = pytest.mark.chaos
MAX_MESSAGE_BYTES = 200_000


def envelope(genuine: bytes, body: bytes, *, content_type: str = "application/json", **headers: Any) -> bytes:
    """A message as kombu's Redis transport stores it, with ``body`` (and headers) in place of the genuine ones."""
    message = json.loads(genuine)
    message["body"] = base64.b64encode(body).decode("ascii")
    message["content-type"] = content_type
    message["properties"]["body_encoding"] = "base64"
    message["headers"].update(headers)
    return json.dumps(message).encode()


def hostile(genuine: bytes, marker: Path) -> dict[str, bytes]:
    page_kwargs = {"page": {"v": 1, "url": "http://x.test/"}}
    return {
        "wrong shape JSON (an object, not [args, kwargs, embed])": envelope(genuine, b'{"x": 1}'),
        "wrong shape JSON (a bare list)": envelope(genuine, b"[1, 2]"),
        "page kwargs missing every field": envelope(genuine, json.dumps([[], page_kwargs, {}]).encode()),
        "positional arguments": envelope(genuine, json.dumps([[1, 2], {}, {}]).encode()),
        "a linked callback task": envelope(
            genuine, json.dumps([[], page_kwargs, {"callbacks": [{"task": "celery.backend_cleanup"}]}]).encode()
        ),
        "batch of 10,000 pages": envelope(
            genuine, json.dumps([[], {"pages": [{}] * 10_000}, {}]).encode(), task=PROCESS_BATCH_TASK
        ),
        "not JSON at all": envelope(genuine, b"\xff\xfe\x00garbage{"),
        "YAML with a python tag": envelope(
            genuine, f"!!python/object/apply:os.system ['touch {marker}']".encode(), content_type="application/x-yaml"
        ),
        "oversized (3 MB)": envelope(genuine, json.dumps([[], {"page": {"pad": "x" * 3_000_000}}, {}]).encode()),
        "unknown task name": envelope(genuine, json.dumps([[], {}, {}]).encode(), task="celery.backend_cleanup"),
        "headers with no id": envelope(genuine, json.dumps([[], {"page": {}}, {}]).encode(), id=None),
    }


def refused_counts(metrics_dir: Path) -> dict[str, float]:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics_dir))  # type: ignore[no-untyped-call]
    counts: dict[str, float] = {}
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == "newsdesk_refused_messages_total":
                counts[sample.labels["reason"]] = counts.get(sample.labels["reason"], 0) + sample.value
    return counts


def test_hostile_messages_are_refused_and_the_worker_goes_on(tmp_path: Path, own_redis: PrivateRedis) -> None:
    rig = ChaosRig(tmp_path, own_redis.url, NEWSDESK_WORKER_MAX_MESSAGE_BYTES=str(MAX_MESSAGE_BYTES))
    try:
        marker = tmp_path / "yaml-ran"
        rig.runtime.app.send_task(PROCESS_PAGE_TASK, kwargs={}, queue=PROCESS_QUEUE)
        genuine = rig.redis.rpop(PROCESS_QUEUE)
        assert isinstance(genuine, bytes)
        messages = hostile(genuine, marker)
        # Hostile messages first, so every worker meets them before any real page.
        for raw in messages.values():
            rig.redis.lpush(PROCESS_QUEUE, raw)
        healthy = chaos_pages(3)
        rig.enqueue(healthy)

        worker = rig.start_worker()
        clock = Stopwatch()
        wait_until(lambda: rig.rows.stored() == len(healthy) and in_flight(rig.redis) == 0, 90, message="queue drained")
        drained = clock.elapsed()
        assert worker.process is not None and worker.process.poll() is None, "the worker is still running"
        log = rig.log()
        assert "Unrecoverable error" not in log
        assert not marker.exists(), "the YAML was never loaded"
        with rig.engine.connect() as connection:
            letters = connection.execute(select(dead_letters.c.payload, dead_letters.c.error)).all()
        # One dead letter per distinct message body (a flood of one message is one row).
        refused = [letter for letter in letters if "refused at the edge" in letter.error]
        assert len(refused) == len(messages), [letter.error for letter in letters]
        for payload, _ in refused:
            assert payload["refused"] is True and len(payload["sha256"]) == 64
            assert len(json.dumps(payload)) < 6 * 1024, "a dead letter keeps a digest and a few KB, not the message"
        assert max(payload["bytes"] for payload, _ in refused) > 3_000_000
        audit = rig.rows.audit(expected_ids(healthy))
        assert audit.stored == len(healthy) and audit.lost == 0
        assert worker.terminate() == 0
        counts = refused_counts(rig.settings.metrics_dir)
        assert sum(counts.values()) == len(messages)
        assert counts.get("too_large") == 1 and counts.get("content_type") == 1 and counts.get("not_json") == 1
    finally:
        rig.close()
    record_result(
        "hostile_messages",
        FaultResult(
            fault=f"{len(messages)} malformed, wrong-shape, oversized and YAML messages on the processing queue",
            items=len(messages) + len(healthy),
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=0,
            recover_seconds=drained,
            limit_seconds=90,
            drain_seconds=drained,
            note="each refused at the edge before any task code, dead-lettered bounded, counted; worker kept running",
        ),
    )
