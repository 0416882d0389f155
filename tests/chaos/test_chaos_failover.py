"""Sentinel failover: kill -9 of the Redis primary (broker and state) while 1,000 pages are processed, and
while they are queued.  A replica and three Sentinels on loopback promote a new primary; nothing is lost,
nothing stored twice, no worker stays dead."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    record_result,
    reruns,
)
from tests.support.processes import wait_until
from tests.support.redis_topologies import SentinelGroup

pytestmark = pytest.mark.chaos

PAGES = 1000
RECOVERY_LIMIT = 15  # in-flight work back within 15 s of the kill (the figure)
DRAIN_LIMIT = 240


@pytest.fixture()
def sentinels(tmp_path: Path) -> Iterator[SentinelGroup]:
    group = SentinelGroup(tmp_path / "redis").start()
    yield group
    group.stop()


@pytest.fixture()
def ha_rig(tmp_path: Path, sentinels: SentinelGroup) -> Iterator[ChaosRig]:
    rig = ChaosRig(tmp_path, sentinels.url, NEWSDESK_REDIS_SENTINEL_MASTER=sentinels.master_name)
    yield rig
    rig.close()


def queue_with_retry(rig: ChaosRig, pages: list[Page], refused: list[int], queued: list[int]) -> None:
    """The producer's contract during a failover: a publish that raises is retried (the crawler spools instead)."""
    for page in pages:
        while True:
            try:
                rig.runtime.dispatcher.enqueue_page(page)
                queued.append(1)
                break
            except RedisUnavailable:
                refused.append(1)
                time.sleep(0.2)


def test_primary_killed_while_processing(ha_rig: ChaosRig, sentinels: SentinelGroup) -> None:
    pages = chaos_pages(PAGES)
    ha_rig.enqueue(pages)
    worker = ha_rig.start_worker(supervise=True)
    wait_until(ha_rig.stored_at_least(0.3 * PAGES), DRAIN_LIMIT, message="30% stored")
    killed = sentinels.kill_primary()
    clock = Stopwatch()
    at_kill = ha_rig.rows.stored()
    ha_rig.wait(lambda: ha_rig.rows.stored() > at_kill + 20, 90, "processing resumed")
    resumed = clock.elapsed()
    audit = ha_rig.settle(pages, DRAIN_LIMIT, "every page stored after the failover")
    drain = clock.elapsed()
    alive = worker.running()
    record_result(
        "sentinel_failover_processing",
        FaultResult(
            fault="kill -9 of the Redis primary (broker + state) at 30% stored; Sentinel promotes the replica",
            items=PAGES,
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=reruns(ha_rig.log()),
            recover_seconds=resumed,
            limit_seconds=RECOVERY_LIMIT,
            drain_seconds=drain,
            note=f"primary {killed} -> {sentinels.primary_port_now()}; worker alive: {alive}",
        ),
    )
    assert sentinels.primary_port_now() != killed
    assert audit.lost == 0 and audit.duplicated == 0
    assert resumed <= RECOVERY_LIMIT, f"processing resumed {resumed:.1f} s after the kill"
    assert alive, "the worker died in the failover"


def test_primary_killed_while_queueing(ha_rig: ChaosRig, sentinels: SentinelGroup) -> None:
    pages = chaos_pages(PAGES, host="queued.test")
    worker = ha_rig.start_worker(supervise=True)
    refused: list[int] = []
    queued: list[int] = []
    producer = threading.Thread(target=queue_with_retry, args=(ha_rig, pages, refused, queued), daemon=True)
    producer.start()
    wait_until(lambda: len(queued) >= 0.3 * PAGES, DRAIN_LIMIT, interval=0.01, message="30% queued")
    killed = sentinels.kill_primary()
    queued_at_kill = len(queued)
    clock = Stopwatch()
    producer.join(DRAIN_LIMIT)
    queued_again = clock.elapsed()
    audit = ha_rig.settle(pages, DRAIN_LIMIT, "every page stored after the failover")
    drain = clock.elapsed()
    alive = worker.running()
    record_result(
        "sentinel_failover_queueing",
        FaultResult(
            fault="kill -9 of the Redis primary while 1,000 pages are queued; the producer retries refused publishes",
            items=PAGES,
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=reruns(ha_rig.log()),
            recover_seconds=queued_again,
            limit_seconds=RECOVERY_LIMIT,
            drain_seconds=drain,
            note=f"killed at {queued_at_kill} queued; {len(refused)} publishes refused during the failover and "
            f"retried; worker alive: {alive}",
        ),
    )
    assert not producer.is_alive()
    assert queued_at_kill < PAGES, "the kill came after the last page was queued"
    assert sentinels.primary_port_now() != killed
    assert audit.lost == 0 and audit.duplicated == 0
    assert alive, "the worker died in the failover"
