"""A pickled message put straight onto the processing queue is refused at the edge: it never runs."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

import pytest

from tests.support.chaos import ChaosRig, FaultResult, Stopwatch, chaos_pages, expected_ids, in_flight, record_result
from tests.support.processes import wait_until
from workers.queues import PROCESS_PAGE_TASK, PROCESS_QUEUE


class CreatesFile:
    """Unpickling this calls ``open(path, "w")``: proof of code execution if the file appears."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.path), "w"))


def malicious_body(marker: Path) -> bytes:
    # Celery's protocol-2 body is (args, kwargs, embed); the kwargs here would run on unpickling.
    return pickle.dumps(((), {"page": CreatesFile(marker)}, {}))


def pickled_envelope(genuine: bytes, body: bytes) -> bytes:
    """A message as kombu's Redis transport stores it, with a pickle body in place of the JSON one."""
    envelope = json.loads(genuine)
    envelope["body"] = base64.b64encode(body).decode("ascii")
    envelope["content-type"] = "application/x-python-serialize"
    envelope["content-encoding"] = "binary"
    envelope["properties"]["body_encoding"] = "base64"
    return json.dumps(envelope).encode()


@pytest.mark.chaos
def test_pickled_message_is_refused_and_has_no_effect(rig: ChaosRig, tmp_path: Path) -> None:
    control, marker = tmp_path / "control-marker", tmp_path / "marker"
    _, live, _ = pickle.loads(malicious_body(control))  # the payload is live: loading it creates a file
    live["page"].close()
    assert control.exists()

    # Take the envelope of a genuine task message off the queue and swap its body for the pickle.
    rig.runtime.app.send_task(PROCESS_PAGE_TASK, kwargs={"page": {}}, queue=PROCESS_QUEUE)
    genuine = rig.redis.rpop(PROCESS_QUEUE)
    assert isinstance(genuine, bytes) and rig.redis.llen(PROCESS_QUEUE) == 0
    rig.redis.lpush(PROCESS_QUEUE, pickled_envelope(genuine, malicious_body(marker)))
    after = chaos_pages(3)
    rig.enqueue(after)

    rig.start_worker()
    clock = Stopwatch()
    wait_until(lambda: rig.rows.stored() == len(after) and in_flight(rig.redis) == 0, 90, message="queue drained")
    refused = clock.elapsed()
    log = rig.log()
    assert "refused at the edge (content_type)" in log and "application/x-python-serialize" in log
    assert not marker.exists(), "the pickle must never be loaded"
    audit = rig.rows.audit(expected_ids(after))
    # Kept as one bounded dead letter (its digest and first bytes), never unpickled.
    assert audit.stored == len(after) and audit.lost == 0 and audit.dead_letters == 1
    record_result(
        "pickled_message",
        FaultResult(
            fault="a pickled message pushed onto the processing queue",
            items=1 + len(after),
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=0,
            recover_seconds=refused,
            limit_seconds=90,
            drain_seconds=refused,
            note="refused at the edge (content type); kept as a bounded dead letter; never ran; later pages processed",
        ),
    )
