"""Crawls of a local HTTP site through the real path: Scrapy -> Redis queue -> worker -> SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import redis
import yaml
from sqlalchemy import func, select

from newsdesk.demo_pages import build_routes, demo_sources
from newsdesk.demo_server import RouteServer
from pipelines.storage.engine import make_engine
from pipelines.storage.schema import articles
from tests.support.processes import WorkerProcess, newsdesk_env, run_cli, wait_until
from tests.support.queue_messages import queued_page_urls
from tests.support.redis_server import PrivateRedis
from workers.queue_depth import total_queued
from workers.queues import PROCESS_QUEUE

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"


def site_routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    routes = build_routes(base)
    # A feed entry that is a PDF served without a telling extension: must not be parsed as HTML.
    feed = routes["/planet/feed.xml"]
    body = feed[2].replace(b"</channel>", f"<item><link>{base}/planet/annual-report</link></item></channel>".encode())
    routes["/planet/feed.xml"] = (200, feed[1], body)
    routes["/planet/annual-report"] = (200, "application/pdf", PDF)
    return routes


def write_sources(path: Path, base: str, host_min_interval: float | None = None) -> Path:
    doc = demo_sources(base)
    if host_min_interval is not None:
        for source in doc["sources"]:
            source["politeness"]["host_min_interval"] = host_min_interval
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_crawl_feed_sitemap_and_site_into_sqlite(tmp_path: Path, own_redis: PrivateRedis) -> None:
    data_dir = tmp_path / "data"
    with RouteServer() as server:
        server.routes.update(site_routes(server.base_url))
        sources = write_sources(tmp_path / "sources.yaml", server.base_url)
        env = newsdesk_env(data_dir, own_redis.url, NEWSDESK_SOURCES_FILE=str(sources))
        crawl = run_cli(["crawl", "--all", "--json"], env)
        assert crawl.returncode == 0, crawl.stderr
        summaries = {s["source_id"]: s for s in json.loads(crawl.stdout)}
    assert summaries["planet"]["pages"] == 5
    assert summaries["planet"]["non_html"] == 1
    assert summaries["autoblog"]["pages"] == 3
    assert summaries["metro"]["pages"] == 3
    assert "/metro/private/memo" not in server.requests  # robots.txt disallows it
    assert "/robots.txt" in server.requests
    client = redis.Redis.from_url(own_redis.url)
    queued = queued_page_urls(client)
    assert sum(queued.values()) == len(queued) == 11
    # Pages are handed off in batches: never more messages than pages.
    assert 1 <= client.llen(PROCESS_QUEUE) <= 11

    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    engine = make_engine(f"sqlite:///{data_dir.resolve() / 'newsdesk.db'}")
    try:

        def stored() -> int:
            with engine.connect() as connection:
                return int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)

        wait_until(lambda: stored() == 11 and total_queued(client) == 0, 90, message="11 articles stored")
        with engine.connect() as connection:
            duplicates = connection.execute(select(articles.c.id).where(articles.c.duplicate_of.is_not(None))).all()
        assert len(duplicates) >= 1
    finally:
        worker.stop()
        engine.dispose()


def test_redis_outage_during_crawl_spools_and_delivers(tmp_path: Path) -> None:
    """Redis dies mid-crawl and comes back: every page is queued exactly once, none lost."""
    redis_server = PrivateRedis(tmp_path / "redis").start()
    data_dir = tmp_path / "data"
    try:
        with RouteServer(delay_seconds=0.2) as server:
            server.routes.update(site_routes(server.base_url))
            # A shared per-host interval of 0.7 s stretches the 12 requests over about 8 s.
            sources = write_sources(tmp_path / "sources.yaml", server.base_url, host_min_interval=0.7)
            env = newsdesk_env(data_dir, redis_server.url, NEWSDESK_SOURCES_FILE=str(sources))
            crawl = subprocess.Popen(
                [sys.executable, "-m", "newsdesk", "crawl", "planet", "autoblog", "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            client = redis.Redis.from_url(redis_server.url)
            wait_until(lambda: client.llen(PROCESS_QUEUE) >= 1, 60, message="the first page queued")
            redis_server.kill()
            time.sleep(3)  # pages fetched now cannot be queued
            assert crawl.poll() is None, "the crawl must keep going while Redis is down"
            redis_server.start()
            out, err = crawl.communicate(timeout=120)
        assert crawl.returncode == 0, err
        summaries = json.loads(out)
        assert sum(s["spooled"] for s in summaries) >= 1, err
        assert sum(s["pages"] for s in summaries) == 8
        spool = data_dir / "spool"
        assert not list(spool.glob("*.json")), "spool must be empty once Redis is back"
        client = redis.Redis.from_url(redis_server.url)
        queued = [json.loads(raw)["headers"]["id"] for raw in client.lrange(PROCESS_QUEUE, 0, -1)]
        # Every page is queued. A publish cut off mid-way by the kill can be sent again from the spool (the
        # broker took it, the client never heard back): the same task id twice, harmless to idempotent tasks.
        assert len(set(queued)) == 8, (sorted(queued), err[-3000:])
    finally:
        redis_server.stop()
