"""A page that kills its worker process every time is dead-lettered after N deliveries; the rest flows on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos.poison_worker import POISON_MARK, SLOW_MARK, STUCK_MARK
from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    expected_ids,
    in_flight,
    poison_page,
    record_result,
    reruns,
)
from tests.support.processes import run_cli, wait_until
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.chaos

MAX_ATTEMPTS = 3
HEALTHY = 30


def test_poison_page_is_dead_lettered_and_retryable(tmp_path: Path, own_redis: PrivateRedis) -> None:
    rig = ChaosRig(tmp_path, own_redis.url, NEWSDESK_WORKER_MAX_ATTEMPTS=str(MAX_ATTEMPTS))
    try:
        poison, healthy = poison_page(POISON_MARK, 4242), chaos_pages(HEALTHY)
        rig.enqueue([poison, *healthy])
        worker = rig.start_worker(module="tests.chaos.poison_worker")
        clock = Stopwatch()
        wait_until(
            lambda: (
                rig.rows.audit(expected_ids(healthy)).dead_letters == 1
                and rig.rows.stored() == HEALTHY
                and in_flight(rig.redis) == 0
            ),
            120,
            interval=0.5,
            message="poison dead-lettered and the queue drained",
        )
        recover = clock.elapsed()
        assert worker.process is not None and worker.process.poll() is None, "the worker survives its children"
        log = rig.log()
        assert log.count("WorkerLostError") >= MAX_ATTEMPTS, "each delivery killed a pool child"
        assert f"after {MAX_ATTEMPTS + 1} deliveries" in log

        listed = run_cli(["dead-letters"], rig.env)
        assert listed.returncode == 0, listed.stderr
        assert poison.url in listed.stdout and f"{MAX_ATTEMPTS + 1} tries" in listed.stdout

        # The worker is still healthy: a page sent now is processed.
        later = chaos_pages(1, start=HEALTHY)
        rig.enqueue(later)
        wait_until(lambda: rig.rows.stored() == HEALTHY + 1, 60, message="a later page processed")
        assert worker.terminate() == 0

        # Once the defect is fixed (here: a worker without the fault), an operator requeues the page.
        retried = run_cli(["dead-letters", "--retry"], rig.env)
        assert retried.returncode == 0, retried.stderr
        assert "requeued" in retried.stdout
        rig.start_worker()
        everything = [poison, *healthy, *later]
        wait_until(lambda: rig.rows.audit(expected_ids(everything)).lost == 0, 60, message="the retried page stored")
        assert "no dead letters" in run_cli(["dead-letters"], rig.env).stdout
        audit = rig.rows.audit(expected_ids(everything))
        record_result(
            "poison_page",
            FaultResult(
                fault=f"a page that kills its pool child on every delivery (max_attempts {MAX_ATTEMPTS})",
                items=len(everything),
                lost=audit.lost,
                duplicated=audit.duplicated,
                reruns=reruns(rig.log()),
                recover_seconds=recover,
                limit_seconds=120,
                drain_seconds=clock.elapsed(),
                note=f"dead-lettered after {MAX_ATTEMPTS + 1} deliveries; stored after `dead-letters --retry`",
            ),
        )
        assert audit.duplicated == 0
    finally:
        rig.close()


def test_pages_that_outlive_the_time_limits_are_dead_lettered(tmp_path: Path, own_redis: PrivateRedis) -> None:
    """A page stopped by the soft or the hard time limit is kept as a dead letter, not dropped with a log line."""
    rig = ChaosRig(tmp_path, own_redis.url)
    try:
        slow, hung = poison_page(SLOW_MARK, 5151), poison_page(STUCK_MARK, 6161)
        healthy = chaos_pages(10)
        rig.enqueue([slow, hung, *healthy])
        rig.start_worker(module="tests.chaos.poison_worker")
        clock = Stopwatch()
        hard = rig.settings.worker.time_limit
        wait_until(
            lambda: rig.rows.audit(expected_ids(healthy)).dead_letters == 2 and in_flight(rig.redis) == 0,
            hard + 60,
            interval=0.5,
            message="both pages dead-lettered",
        )
        recover = clock.elapsed()
        listed = run_cli(["dead-letters"], rig.env)
        lines = {line.split()[3]: line for line in listed.stdout.splitlines() if "tries" in line}
        assert "SoftTimeLimitExceeded" in lines[slow.url]
        assert "TimeLimitExceeded" in lines[hung.url] and "Soft" not in lines[hung.url]
        audit = rig.rows.audit(expected_ids(healthy))
        record_result(
            "time_limits",
            FaultResult(
                fault="a page past the soft time limit and one past the hard limit",
                items=2 + len(healthy),
                lost=audit.lost,
                duplicated=audit.duplicated,
                reruns=reruns(rig.log()),
                recover_seconds=recover,
                limit_seconds=hard + 60,
                drain_seconds=recover,
                note="both kept as dead letters (soft limit: in the pool process; hard limit: by the main process)",
            ),
        )
        assert audit.lost == 0 and audit.duplicated == 0
    finally:
        rig.close()
