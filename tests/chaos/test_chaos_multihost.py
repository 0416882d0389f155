"""Several hosts on one machine: Redis on the hub, two worker hosts in their own network namespaces.

One worker host's link is cut for 30 s mid-run and brought back: nothing is lost or stored twice, the other
host carries on during the cut, and the cut host's leased (unacknowledged) work comes back.  Skipped with the
reason where the machine cannot build namespaces.  The database is a SQLite file both hosts reach through
the shared filesystem (the link cut is the Redis link).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    record_result,
    reruns,
)
from tests.support.netns import HostNetwork, NetnsUnavailable
from tests.support.processes import WorkerProcess, wait_until
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.chaos

PAGES = 600
CUT_SECONDS = 30


@pytest.fixture()
def network() -> Iterator[HostNetwork]:
    net = HostNetwork()
    try:
        net.start()
        net.add_host("w1")
        net.add_host("w2")
    except NetnsUnavailable as exc:
        net.stop()
        pytest.skip(f"network namespaces unavailable here: {exc}")
    yield net
    net.stop()


@pytest.fixture()
def hub_redis(tmp_path: Path, network: HostNetwork) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "hub-redis", bind=network.hub_address).start()
    yield server
    server.stop()


def test_worker_host_cut_off_for_30_seconds(tmp_path: Path, network: HostNetwork, hub_redis: PrivateRedis) -> None:
    rig = ChaosRig(tmp_path, hub_redis.url)
    try:
        pages = chaos_pages(PAGES, host="hosts.test")
        rig.enqueue(pages)
        workers = {}
        for role in ("w1", "w2"):
            worker = WorkerProcess(rig.env, tmp_path / f"{role}.log", concurrency=2, extra_args=["--name", role])
            worker.args = network.hosts[role].command(worker.args)
            workers[role] = worker.start()
            rig.workers.append(worker)
        wait_until(rig.stored_at_least(0.2 * PAGES), 240, message="20% stored")
        network.cut("w1")
        clock = Stopwatch()
        at_cut = rig.rows.stored()
        time.sleep(CUT_SECONDS)
        during_cut = rig.rows.stored() - at_cut
        network.restore("w1")
        audit = rig.settle(pages, 300, "every page stored after the link came back")
        drain = clock.elapsed()
        logs = "".join((tmp_path / f"{role}.log").read_text(errors="replace") for role in workers)
        alive = all(worker.running() for worker in workers.values())
        record_result(
            "netns_worker_host_cut",
            FaultResult(
                fault=f"one of two worker hosts (network namespaces) cut from Redis for {CUT_SECONDS} s mid-run",
                items=PAGES,
                lost=audit.lost,
                duplicated=audit.duplicated,
                reruns=reruns(logs),
                recover_seconds=float(CUT_SECONDS),
                limit_seconds=float(CUT_SECONDS + rig.settings.worker.visibility_timeout),
                drain_seconds=drain,
                note=f"the other host stored {during_cut} pages during the cut; both workers alive: {alive}",
            ),
        )
        assert audit.lost == 0 and audit.duplicated == 0
        assert during_cut > 0, "the other worker host stopped while one was cut off"
        assert alive
    finally:
        rig.close()
