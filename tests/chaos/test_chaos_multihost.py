"""Several hosts on one machine: Redis on the hub, worker and crawler hosts in their own network namespaces.

Two runs, each skipped with the reason where the machine cannot build namespaces:

* one of two worker hosts has its link cut for 30 s mid-run and brought back: nothing is lost or stored
  twice, the other host carries on during the cut, and the cut host's leased (unacknowledged) work comes back;
* the crawler host is cut from Redis for 30 s mid-crawl while the site stays in reach (it is served inside
  the crawler's namespace): the crawl keeps fetching, pages it cannot queue go to its own spool, and they are
  queued once the link is back; every page is queued and stored exactly once.

The database is a SQLite file every host reaches through the shared filesystem (the link cut is the Redis
link); the crawler host's data directory (its spool) is its own, as its own disk would be.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pipelines.urls import article_id, canonicalize
from tests.support.chaos import (
    REPO_ROOT,
    ChaosRig,
    FaultResult,
    Stopwatch,
    chaos_pages,
    in_flight,
    record_result,
    reruns,
)
from tests.support.netns import HostNetwork, NetHost, NetnsUnavailable
from tests.support.processes import WorkerProcess, wait_until
from tests.support.queue_messages import queued_page_urls
from tests.support.redis_server import PrivateRedis

pytestmark = pytest.mark.chaos

PAGES = 600
CUT_SECONDS = 30
# 60 pages at one request per 0.75 s to the one host: a crawl of about 45 s around the 30 s cut.
CRAWL_PAGES = 60
CRAWL_INTERVAL = 0.75


@pytest.fixture()
def network() -> Iterator[HostNetwork]:
    net = HostNetwork()
    try:
        net.start()
        net.add_host("w1")
        net.add_host("w2")
        net.add_host("crawler")
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


class NamespacedSite:
    """tests.support.site_process run inside ``host``: a site the crawler reaches whatever its Redis link does."""

    def __init__(self, host: NetHost, directory: Path, pages: int) -> None:
        self.port_file = directory / "site.port"
        argv = [sys.executable, "-m", "tests.support.site_process", "--pages", str(pages),
                "--port-file", str(self.port_file)]  # fmt: skip
        self.process = subprocess.Popen(host.command(argv), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)  # fmt: skip
        wait_until(self.port_file.exists, 30, message="the site listening inside the crawler host")
        self.base_url = f"http://127.0.0.1:{self.port_file.read_text(encoding='utf-8').strip()}"

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def crawl_sources(path: Path, base_url: str) -> Path:
    source = {
        "id": "cut", "name": "Cut", "kind": "sitemap", "start_urls": [f"{base_url}/sitemap.xml"],
        "schedule": {"every": 900}, "politeness": {"host_min_interval": CRAWL_INTERVAL},
        "allowed_domains": ["127.0.0.1"], "language": "en", "allow_private_hosts": True,
    }  # fmt: skip
    path.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    return path


def test_crawler_host_cut_off_from_redis_for_30_seconds(
    tmp_path: Path, network: HostNetwork, hub_redis: PrivateRedis
) -> None:
    rig = ChaosRig(tmp_path, hub_redis.url)
    crawler_host = network.hosts["crawler"]
    site = NamespacedSite(crawler_host, tmp_path, CRAWL_PAGES)
    crawler_data = tmp_path / "crawler-data"
    spool = crawler_data / "spool"
    env = {
        **rig.env,
        "NEWSDESK_DATA_DIR": str(crawler_data),
        "NEWSDESK_DATABASE_URL": rig.settings.sqlalchemy_url,
        "NEWSDESK_SOURCES_FILE": str(crawl_sources(tmp_path / "sources.yaml", site.base_url)),
    }
    crawl = subprocess.Popen(
        crawler_host.command([sys.executable, "-m", "newsdesk", "crawl", "cut", "--json"]),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until(lambda: len(queued_page_urls(rig.redis)) >= 3, 90, message="the first pages queued")
        network.cut("crawler")
        clock = Stopwatch()
        queued_at_cut = len(queued_page_urls(rig.redis))
        time.sleep(CUT_SECONDS)
        queued_during_cut = len(queued_page_urls(rig.redis)) - queued_at_cut
        spooled_during_cut = len(list(spool.glob("*.json")))
        alive = crawl.poll() is None
        network.restore("crawler")
        back = Stopwatch()
        wait_until(lambda: not list(spool.glob("*.json")), 90, interval=0.2, message="the crawler's spool drained")
        drained = back.elapsed()
        out, err = crawl.communicate(timeout=180)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.communicate()
        site.stop()
    try:
        assert crawl.returncode == 0, err[-3000:]
        summary = json.loads(out)[0]
        messages = queued_page_urls(rig.redis)
        urls = {f"{site.base_url}/a/{n}" for n in range(CRAWL_PAGES)}
        queued_lost = len(urls - set(messages))
        queued_twice = sum(n - 1 for n in messages.values() if n > 1)
        # Only now a worker on the hub: every page it stores came through the queue, spooled ones included.
        rig.start_worker()
        wanted = {article_id(canonicalize(url)) for url in urls}
        rig.wait(lambda: rig.rows.audit(wanted).lost == 0 and in_flight(rig.redis) == 0, 240,
                 "every crawled page stored", interval=0.5)  # fmt: skip
        audit = rig.rows.audit(wanted)
        record_result(
            "netns_crawler_host_cut",
            FaultResult(
                fault=f"the crawler host (network namespaces) cut from Redis for {CUT_SECONDS} s mid-crawl "
                f"of {CRAWL_PAGES} pages; the site stays in reach",
                items=CRAWL_PAGES,
                lost=audit.lost + queued_lost,
                duplicated=audit.duplicated + queued_twice,
                reruns=reruns(rig.log()),
                recover_seconds=drained,
                limit_seconds=90,
                drain_seconds=clock.elapsed(),
                note=f"{spooled_during_cut} pages spooled on the crawler host during the cut, "
                f"{queued_during_cut} queued; spool delivered {drained} s after the link came back; "
                f"crawl alive through the cut: {alive}",
            ),
        )
        assert alive, "the crawl keeps going while its Redis is out of reach"
        assert spooled_during_cut >= 1 and summary["spooled"] >= 1
        assert queued_during_cut == 0, "a host without a link cannot have queued anything"
        assert queued_lost == 0 and audit.lost == 0
        assert queued_twice == 0 and audit.duplicated == 0
        assert summary["pages"] == CRAWL_PAGES
    finally:
        rig.close()
