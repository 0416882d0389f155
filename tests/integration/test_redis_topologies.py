"""Shared state on a real three-primary Redis Cluster and through a real Sentinel failover.

The same operations the single-Redis tests cover (host rate slots, the dispatcher's bodies and outbox, the
worker's body reads and tidy-up, leases) run on a cluster without CROSSSLOT errors; a Sentinel-managed client
reaches the promoted replica after the primary is killed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from redis.cluster import RedisCluster

from config.settings import parse_settings
from crawler.slots import RedisSlots
from pipelines import keys
from pipelines.models import Page
from tests.support.redis_server import PrivateRedis
from tests.support.redis_topologies import RedisClusterGroup, SentinelGroup
from workers.app import create_celery_app
from workers.connections import Timeouts, connect, is_cluster, parse_endpoint
from workers.context import WorkerContext
from workers.dispatch import PageDispatcher
from workers.locks import Lease
from workers.records import OutboxEntry, TaskKey, decompress_body
from workers.tasks import fetch_bodies, finish_stored

pytestmark = pytest.mark.chaos
TIMEOUTS = Timeouts(connect=2, read=5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterGroup]:
    group = RedisClusterGroup(tmp_path_factory.mktemp("cluster")).start()
    yield group
    group.stop()


@pytest.fixture()
def cluster_client(cluster: RedisClusterGroup) -> Iterator[redis.Redis]:
    client = connect(parse_endpoint("state", cluster.url, setting="redis.state_url"), TIMEOUTS)
    yield client
    client.close()


def _page(n: int) -> Page:
    return Page(
        url=f"http://news.test/story-{n}",
        final_url=f"http://news.test/story-{n}",
        status=200,
        content_type="text/html; charset=utf-8",
        body=f"<html><body><p>story {n}</p></body></html>".encode(),
        fetched_at=datetime(2026, 12, 1, tzinfo=UTC),
        source_id="planet",
    )


def test_cluster_client_spreads_keys_over_primaries(cluster_client: redis.Redis) -> None:
    assert is_cluster(cluster_client)
    assert isinstance(cluster_client, RedisCluster)
    nodes = {cluster_client.get_node_from_key(f"newsdesk:rate:host-{n}.test").port for n in range(30)}
    assert len(nodes) == 3  # host keys land on every primary, so the rate state grows with the cluster


def test_rate_slots_on_a_cluster(cluster_client: redis.Redis) -> None:
    slots = RedisSlots(cluster_client, namespace="cluster-test")
    assert slots.take("a.example", 0.5) == 0.0
    assert slots.take("a.example", 0.5) > 0.3
    assert slots.take("b.example", 0.5) == 0.0
    assert slots.push("a.example", 2.0) >= 1.5


def test_dispatcher_and_worker_on_a_cluster(cluster_client: redis.Redis, tmp_path: Path) -> None:
    broker = PrivateRedis(tmp_path / "broker", appendonly=False).start()
    try:
        app = create_celery_app(parse_settings(None, {}), broker.url)
        dispatcher = PageDispatcher(app, cluster_client, 600, bodies=cluster_client)
        pages = [_page(n) for n in range(8)]
        task_id = dispatcher.enqueue_pages(pages)
        assert cluster_client.zscore(keys.outbox_index(), task_id) is not None
        raw = cluster_client.hget(keys.outbox_payloads(), task_id)
        assert isinstance(raw, bytes)
        refs = OutboxEntry.from_json(json.loads(raw)).payload.refs

        settings = parse_settings(None, {"NEWSDESK_REDIS_STATE_URL": "redis-cluster://127.0.0.1:1"})
        context = WorkerContext(settings, broker.url)
        context.__dict__["redis"] = cluster_client
        context.__dict__["bodies"] = cluster_client
        blobs = fetch_bodies(context, refs)
        assert [decompress_body(blob, 1 << 20) for blob in blobs if blob is not None] == [page.body for page in pages]

        finish_stored(context, TaskKey(task_id), [ref.body_key for ref in refs])
        assert cluster_client.zscore(keys.outbox_index(), task_id) is None
        assert all(0 < cluster_client.ttl(ref.body_key) <= 600 for ref in refs)
    finally:
        broker.stop()


def test_lease_on_a_cluster(cluster_client: redis.Redis) -> None:
    first = Lease(cluster_client, keys.source_lock("cluster-source"), 30)
    second = Lease(cluster_client, keys.source_lock("cluster-source"), 30)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_sentinel_client_reaches_the_promoted_replica(tmp_path: Path) -> None:
    group = SentinelGroup(tmp_path).start()
    try:
        endpoint = parse_endpoint("state", group.url, setting="redis.state_url", sentinel_master=group.master_name)
        client = connect(endpoint, Timeouts(connect=0.5, read=1))
        client.set("newsdesk:failover:before", "1")
        client.wait(1, 2000)  # replicated before the kill: what was acknowledged by the replica survives
        killed = group.kill_primary()
        started = time.monotonic()
        while True:
            try:
                client.set("newsdesk:failover:after", "1")
                break
            except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
                assert time.monotonic() - started < 15, "no primary within 15 s of the kill"
                time.sleep(0.2)
        assert group.primary_port_now() != killed
        assert client.get("newsdesk:failover:before") == b"1"
    finally:
        group.stop()
