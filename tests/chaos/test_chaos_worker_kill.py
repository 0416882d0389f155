"""kill -9 and SIGTERM of real worker processes while 1,000 pages are in flight: nothing is lost or stored twice."""

from __future__ import annotations

import os
import signal

import pytest

from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    expected_ids,
    in_flight,
    pool_children,
    record_result,
    reruns,
    unacked_tags,
)
from tests.support.processes import wait_until

pytestmark = pytest.mark.chaos

PAGES = 1000
PROGRESS_TIMEOUT = 240


def drained(rig: ChaosRig, expected: int) -> bool:
    return rig.rows.stored() >= expected and in_flight(rig.redis) == 0


def test_kill_whole_worker_twice_loses_nothing(rig: ChaosRig) -> None:
    pages = chaos_pages(PAGES)
    rig.enqueue(pages)
    worker = rig.start_worker()
    vt, sweep = rig.settings.worker.visibility_timeout, rig.sweep_seconds()
    restored_after: list[float] = []
    orphans: set[bytes] = set()
    clock = Stopwatch()
    for fraction in (0.3, 0.6):
        wait_until(lambda f=fraction: rig.rows.stored() >= f * PAGES, PROGRESS_TIMEOUT, message=f"{fraction:.0%} stored")
        worker.kill_all()
        orphans = unacked_tags(rig.redis)
        clock.reset()
        worker = rig.start_worker()
        if fraction == 0.3:
            continue
    limit = vt + 2 * sweep + 30
    # The dead worker's unacknowledged messages come back once the visibility timeout has passed and a sweep ran.
    wait_until(lambda: not (orphans & unacked_tags(rig.redis)), limit, interval=0.5, message="orphans restored")
    restored_after.append(clock.elapsed())
    wait_until(lambda: drained(rig, PAGES), limit, interval=0.5, message="all pages processed")
    recover = clock.elapsed()
    audit = rig.rows.audit(expected_ids(pages))
    record_result(
        "worker_killed_twice",
        FaultResult(
            fault="kill -9 whole worker at 30% and 60%",
            items=PAGES,
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=reruns(rig.log()),
            recover_seconds=recover,
            limit_seconds=limit,
            note=f"{len(orphans)} unacked at the 2nd kill, back on the queue after {restored_after[0]} s "
            f"(visibility {vt} s, sweep every {sweep:g} s)",
        ),
    )
    assert audit.lost == 0
    assert audit.duplicated == 0
    assert audit.dead_letters == 0
    assert recover <= limit
