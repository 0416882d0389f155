"""A bad page inside a batch costs only itself: the batch is split into single-page tasks and the rest is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos.poison_worker import POISON_MARK, SLOW_MARK
from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    expected_ids,
    nothing_pending,
    poison_page,
    record_result,
    reruns,
)
from tests.support.processes import run_cli, wait_until
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.chaos

MAX_ATTEMPTS = 2
HEALTHY = 15


def settled(rig: ChaosRig, healthy_ids: set[str], dead: int) -> bool:
    return (
        rig.rows.audit(healthy_ids).dead_letters == dead
        and rig.rows.stored() == len(healthy_ids)
        and nothing_pending(rig.redis)
    )


def test_a_page_that_kills_its_worker_inside_a_batch(tmp_path: Path, own_redis: PrivateRedis) -> None:
    rig = ChaosRig(tmp_path, own_redis.url, NEWSDESK_WORKER_MAX_ATTEMPTS=str(MAX_ATTEMPTS))
    try:
        healthy = chaos_pages(HEALTHY)
        poison = poison_page(POISON_MARK, 7373)
        batch = [*healthy[:6], poison, *healthy[6:]]
        batch_id = rig.runtime.dispatcher.enqueue_pages(batch)
        assert batch_id.startswith("batch-") and rig.redis.llen("newsdesk.process") == 1
        worker = rig.start_worker(module="tests.chaos.poison_worker")
        clock = Stopwatch()
        wait_until(lambda: settled(rig, expected_ids(healthy), 1), 120, interval=0.5, message="batch split, poison out")
        recover = clock.elapsed()
        assert worker.process is not None and worker.process.poll() is None
        log = rig.log()
        assert f"split batch {batch_id} into {len(batch)} single-page tasks" in log
        listed = run_cli(["dead-letters"], rig.env)
        assert poison.url in listed.stdout and f"{MAX_ATTEMPTS + 1} tries" in listed.stdout
        assert sum(1 for line in listed.stdout.splitlines() if "tries" in line) == 1, listed.stdout
        audit = rig.rows.audit(expected_ids(healthy))
        record_result(
            "poison_page_in_batch",
            FaultResult(
                fault=f"a page that kills its pool child, 7th of a batch of {len(batch)}",
                items=len(batch),
                lost=audit.lost,
                duplicated=audit.duplicated,
                reruns=reruns(log),
                recover_seconds=recover,
                limit_seconds=120,
                drain_seconds=recover,
                note="the redelivered batch is split into single-page tasks; only the poison page is dead-lettered",
            ),
        )
        assert audit.lost == 0 and audit.duplicated == 0
    finally:
        rig.close()


def test_a_page_past_the_time_limit_inside_a_batch(tmp_path: Path, own_redis: PrivateRedis) -> None:
    rig = ChaosRig(tmp_path, own_redis.url)
    try:
        healthy = chaos_pages(8)
        slow = poison_page(SLOW_MARK, 8484)
        batch_id = rig.runtime.dispatcher.enqueue_pages([*healthy[:3], slow, *healthy[3:]])
        rig.start_worker(module="tests.chaos.poison_worker")
        clock = Stopwatch()
        limit = 2 * rig.settings.worker.time_limit + 60
        wait_until(lambda: settled(rig, expected_ids(healthy), 1), limit, interval=0.5, message="slow page out")
        recover = clock.elapsed()
        assert f"split batch {batch_id}" in rig.log()
        listed = run_cli(["dead-letters"], rig.env)
        lines = [line for line in listed.stdout.splitlines() if "tries" in line]
        assert len(lines) == 1 and slow.url in lines[0] and "SoftTimeLimitExceeded" in lines[0], listed.stdout
        audit = rig.rows.audit(expected_ids(healthy))
        record_result(
            "time_limit_in_batch",
            FaultResult(
                fault="a page past the soft time limit, 4th of a batch of 9",
                items=9,
                lost=audit.lost,
                duplicated=audit.duplicated,
                reruns=reruns(rig.log()),
                recover_seconds=recover,
                limit_seconds=limit,
                drain_seconds=recover,
                note="the failed batch is split; the slow page meets the limit alone and is dead-lettered",
            ),
        )
        assert audit.lost == 0 and audit.duplicated == 0
    finally:
        rig.close()
