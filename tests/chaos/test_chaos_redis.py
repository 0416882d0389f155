"""kill -9 of Redis (append-only file, fsync every second) mid-run, and a 10-second Redis outage mid-crawl."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from newsdesk.demo_server import RouteServer
from tests.support.chaos import (
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    expected_ids,
    in_flight,
    orphans_returned,
    record_result,
    reruns,
    unacked_tags,
)
from tests.support.pages import sitemap_site
from tests.support.processes import run_cli, wait_until
from tests.support.queue_messages import queued_page_urls, queued_tasks
from tests.support.redis_server import PrivateRedis
from workers import outbox
from workers.queues import PROCESS_QUEUE

pytestmark = pytest.mark.chaos

PAGES = 1000
# AOF with appendfsync everysec may lose the last second of writes; wait past it before the kill.
FSYNC_WINDOW = 1.5
RECONNECT_LIMIT = 60
OUTAGE_SECONDS = 10
CRAWL_PAGES = 40


def test_redis_killed_with_aof_loses_nothing(rig: ChaosRig, own_redis: PrivateRedis) -> None:
    pages = chaos_pages(PAGES)
    rig.enqueue(pages)
    time.sleep(FSYNC_WINDOW)
    rig.start_worker()
    rig.wait(rig.stored_at_least(0.3 * PAGES), 240, message="30% stored")
    own_redis.kill()
    time.sleep(2)
    own_redis.start()  # same port and directory: the append-only file is replayed
    clock = Stopwatch()
    at_restart, orphans = rig.rows.stored(), unacked_tags(rig.redis)
    # The worker reconnects on its own: rows keep arriving without any restart.
    rig.wait(lambda: rig.rows.stored() > at_restart + 20, RECONNECT_LIMIT, message="worker reconnected")
    reconnect = clock.elapsed()
    # Deliveries cut off by the outage are unacknowledged in the replayed file; the sweep returns them.
    rig.wait(orphans_returned(rig.redis, orphans), 120, interval=0.5, message="orphans back")
    orphans_back = clock.elapsed()
    # The producer side reconnects too: pages queued now are processed.
    late = chaos_pages(10, start=PAGES)
    rig.enqueue(late)
    everything = [*pages, *late]
    sweep = rig.sweep_seconds()
    limit = rig.settings.worker.visibility_timeout + 2 * sweep + RECONNECT_LIMIT
    rig.wait(lambda: rig.rows.audit(expected_ids(everything)).lost == 0 and in_flight(rig.redis) == 0, 240,
             interval=0.5, message="all pages processed")  # fmt: skip
    drain = clock.elapsed()
    audit = rig.rows.audit(expected_ids(everything))
    record_result(
        "redis_killed_aof",
        FaultResult(
            fault="kill -9 of Redis (AOF, fsync every second) at 30% stored, restarted after 2 s",
            items=len(everything),
            lost=audit.lost,
            duplicated=audit.duplicated,
            reruns=reruns(rig.log()),
            recover_seconds=reconnect,
            limit_seconds=RECONNECT_LIMIT,
            drain_seconds=drain,
            note=f"worker resumed {reconnect} s after Redis came back; {len(orphans)} deliveries cut off by the "
            f"kill were back after {orphans_back} s (visibility {rig.settings.worker.visibility_timeout} s, "
            f"sweep {sweep:g} s)",
        ),
    )
    assert audit.lost == 0
    assert audit.duplicated == 0
    assert reconnect <= RECONNECT_LIMIT
    assert orphans_back <= limit
    assert drain <= limit + 2 * PAGES / 10, "bounded by recovery plus processing at a modest 10 pages/s"


def test_control_redis_without_persistence_loses_the_queue(tmp_path: Path) -> None:
    """The control for the test above: the same kill without the append-only file loses what was queued."""
    bare = PrivateRedis(tmp_path / "bare-redis", appendonly=False).start()
    try:
        client_rig = ChaosRig(tmp_path, bare.url)
        try:
            client_rig.enqueue(chaos_pages(PAGES))
            time.sleep(FSYNC_WINDOW)
            queued = int(client_rig.redis.llen(PROCESS_QUEUE))
            bare.kill()
            bare.start()
            clock = Stopwatch()
            left = int(client_rig.redis.llen(PROCESS_QUEUE))
        finally:
            client_rig.close()
    finally:
        bare.stop()
    record_result(
        "redis_killed_no_persistence",
        FaultResult(
            fault="control: kill -9 of Redis without persistence, 1,000 queued, no worker",
            items=queued,
            lost=queued - left,
            duplicated=0,
            reruns=0,
            recover_seconds=clock.elapsed(),
            limit_seconds=0,
            drain_seconds=0,
            note="why `newsdesk doctor` demands persistence: the queue lives only in Redis memory",
        ),
    )
    assert queued == PAGES
    assert left < queued, "without persistence a kill loses the queue (if not, this control proves nothing)"


def write_sources(path: Path, base: str, interval: float = 0.5) -> Path:
    # 0.5 s between requests to the one host stretches 40 pages over about 20 s, around the 10 s outage.
    source = {
        "id": "chaos", "name": "Chaos", "kind": "sitemap", "start_urls": [f"{base}/sitemap.xml"],
        "schedule": {"every": 900}, "politeness": {"host_min_interval": interval},
        "allowed_domains": ["127.0.0.1"], "language": "en", "allow_private_hosts": True,
    }  # fmt: skip
    path.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    return path


def queued_task_ids(rig: ChaosRig) -> Counter[str]:
    return Counter(task.task_id for task in queued_tasks(rig.redis))


def test_redis_down_ten_seconds_during_crawl(rig: ChaosRig, own_redis: PrivateRedis) -> None:
    spool = rig.data_dir / "spool"
    with RouteServer() as server:
        server.routes.update(sitemap_site(server.base_url, CRAWL_PAGES))
        sources = write_sources(rig.tmp_path / "sources.yaml", server.base_url)
        env = {**rig.env, "NEWSDESK_SOURCES_FILE": str(sources)}
        crawl = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "crawl", "chaos", "--json"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_until(lambda: len(queued_page_urls(rig.redis)) >= 3, 60, message="the first pages queued")
            own_redis.kill()
            down = Stopwatch()
            fetched_before = len(server.requests)
            time.sleep(OUTAGE_SECONDS)
            fetched_during = len(server.requests) - fetched_before
            spooled_during = len(list(spool.glob("*.json")))
            alive = crawl.poll() is None
            own_redis.start()
            back = Stopwatch()
            wait_until(lambda: not list(spool.glob("*.json")), 60, interval=0.2, message="spool drained")
            drained = back.elapsed()
            out, err = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
    assert crawl.returncode == 0, err[-3000:]
    assert alive, "the crawl keeps going while Redis is down"
    summary = json.loads(out)[0]
    pages = queued_page_urls(rig.redis)
    lost = CRAWL_PAGES - len(pages)
    duplicated = sum(n - 1 for n in pages.values())
    record_result(
        "redis_down_during_crawl",
        FaultResult(
            fault=f"Redis down {OUTAGE_SECONDS} s during a crawl of {CRAWL_PAGES} pages",
            items=CRAWL_PAGES,
            lost=lost,
            duplicated=duplicated,
            reruns=0,
            recover_seconds=drained,
            limit_seconds=60,
            drain_seconds=round(down.elapsed(), 2),
            note=f"{fetched_during} pages fetched and {spooled_during} spooled while Redis was down; "
            f"spool delivered {drained} s after Redis came back",
        ),
    )
    assert summary["pages"] == CRAWL_PAGES
    assert summary["spooled"] >= 1 and spooled_during >= 1
    assert fetched_during >= 3, "the crawler stays responsive: it keeps fetching during the outage"
    # A publish cut off by the outage can be queued again from the spool (same task id): counted in the
    # table as a duplicate message, harmless because every task is idempotent.  None may be lost.
    assert lost == 0


def test_a_page_whose_queue_message_was_lost_is_queued_again(rig: ChaosRig) -> None:
    """Redis kept the crawl's writes but not one publish (the last second of AOF, or a message lost in transit).

    Writes happen in this order: page body and outbox entry, then the publish, then the fetch state.  An
    append-only file that lost the publish lost the fetch state after it too, so the next crawl fetches the
    page again; and the outbox entry, written before the publish, lets the reconciler re-send it at once.
    """
    with RouteServer() as server:
        server.routes.update(sitemap_site(server.base_url, CRAWL_PAGES))
        sources = write_sources(rig.tmp_path / "sources.yaml", server.base_url, interval=0.05)
        env = {**rig.env, "NEWSDESK_SOURCES_FILE": str(sources)}
        first = run_cli(["crawl", "chaos", "--json"], env)
        assert first.returncode == 0, first.stderr
        assert len(queued_page_urls(rig.redis)) == CRAWL_PAGES
        lost = rig.redis.rpop(PROCESS_QUEUE)  # the one publish the replayed file did not have
        assert isinstance(lost, bytes)
        lost_id = json.loads(lost)["headers"]["id"]
    resent = outbox.reconcile(rig.redis, rig.runtime.app, older_than_seconds=0)
    assert resent == 1
    assert lost_id in queued_task_ids(rig), "the lost page must be queued again"
