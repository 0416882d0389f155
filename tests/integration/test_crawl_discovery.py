"""Discovery and limits through the real crawl path: sitemaps (index, gzip), deny patterns, caps, timeouts."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import redis
import yaml
from sqlalchemy import select

from config.settings import parse_settings
from pipelines.storage.schema import articles
from tests.support.http_site import HttpSite, RecordedRequest, Reply
from tests.support.pages import article_html, story
from tests.support.processes import newsdesk_env, run_cli
from tests.support.queue_messages import queued_page_urls, queued_tasks
from tests.support.redis_server import PrivateRedis
from workers.context import WorkerContext
from workers.records import TaskKey
from workers.tasks import handle_process_page

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def queued_urls(redis_url: str) -> list[str]:
    """The page URLs waiting on the processing queue (in single-page and batch messages)."""
    return sorted(queued_page_urls(redis.Redis.from_url(redis_url)).elements())


def crawl(tmp_path: Path, redis_url: str, source: dict[str, Any], **env: str) -> dict[str, Any]:
    source = {"name": source["id"], "schedule": {"every": 600}, "allow_private_hosts": True, **source}
    source.setdefault("politeness", {})["host_min_interval"] = 0.0
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    environment = newsdesk_env(tmp_path / "data", redis_url, NEWSDESK_SOURCES_FILE=str(path), **env)
    completed = run_cli(["crawl", source["id"], "--json"], environment, timeout=180)
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary: dict[str, Any] = json.loads(completed.stdout)[0]
    return summary


def article(n: int) -> tuple[int, dict[str, str], bytes]:
    title, paragraphs = story(n)
    return 200, HTML, article_html(title, paragraphs).encode()


def test_sitemap_index_with_a_gzip_news_sitemap(tmp_path: Path, own_redis: PrivateRedis) -> None:
    with HttpSite() as site:
        news = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(
                f"<url><loc>{site.url(f'/news/{n}')}</loc><news:news><news:title>t{n}</news:title></news:news></url>"
                for n in range(3)
            )
            + "</urlset>"
        )
        plain = (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site.url('/news/3')}</loc></url></urlset>"
        )
        index = (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.url('/news-sitemap.xml.gz')}</loc></sitemap>"
            f"<sitemap><loc>{site.url('/plain-sitemap.xml')}</loc></sitemap></sitemapindex>"
        )
        site.routes.update(
            {
                "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
                "/sitemap.xml": (200, XML, index.encode()),
                "/news-sitemap.xml.gz": (200, {"Content-Type": "application/x-gzip"}, gzip.compress(news.encode())),
                "/plain-sitemap.xml": (200, XML, plain.encode()),
                **{f"/news/{n}": article(n) for n in range(4)},
            }
        )
        summary = crawl(
            tmp_path, own_redis.url, {"id": "maps", "kind": "sitemap", "start_urls": [site.url("/sitemap.xml")]}
        )
    assert summary["pages"] == 4
    assert queued_urls(own_redis.url) == sorted(site.url(f"/news/{n}") for n in range(4))


def test_site_crawl_follows_allow_and_deny_patterns_within_depth(tmp_path: Path, own_redis: PrivateRedis) -> None:
    with HttpSite() as site:
        home = "".join(f'<a href="/article/{n}">a{n}</a>' for n in range(3))
        home += '<a href="/video/1">video</a><a href="/article/login">login</a><a href="/section">more</a>'
        site.routes.update(
            {
                "/robots.txt": (200, {"Content-Type": "text/plain"}, b""),
                "/": (200, HTML, f"<html><body>{home}</body></html>".encode()),
                "/section": (200, HTML, b'<html><body><a href="/article/9">deep</a></body></html>'),
                "/video/1": article(50),
                "/article/login": article(51),
                **{f"/article/{n}": article(n) for n in (0, 1, 2, 9)},
            }
        )
        summary = crawl(
            tmp_path,
            own_redis.url,
            {
                "id": "site",
                "kind": "site",
                "start_urls": [site.url("/")],
                "allow": ["/article/", "/section"],
                "deny": ["/login"],
                "politeness": {"max_depth": 1},
            },
        )
        paths = [r.path for r in site.requests]
    assert "/video/1" not in paths and "/article/login" not in paths
    assert "/article/9" not in paths  # depth 2: beyond max_depth
    assert {site.url(f"/article/{n}") for n in range(3)} <= set(queued_urls(own_redis.url))
    assert summary["pages"] >= 3


def test_oversized_bodies_and_gzip_bombs_are_cut_and_slow_pages_time_out(
    tmp_path: Path, own_redis: PrivateRedis
) -> None:
    def slow(request: RecordedRequest) -> Reply:
        time.sleep(6)
        return Reply(200, HTML, article(7)[2])

    huge = b"<html><body>" + b"<p>" + b"x" * (50 * 1024 * 1024) + b"</p></body></html>"
    bomb = gzip.compress(b"<html><body>" + b"a" * (200 * 1024 * 1024) + b"</body></html>", 9)
    with HttpSite() as site:
        feed = "".join(f"<item><link>{site.url(p)}</link></item>" for p in ("/huge", "/bomb", "/slow", "/fine"))
        site.routes.update(
            {
                "/robots.txt": (200, {"Content-Type": "text/plain"}, b""),
                "/feed.xml": (200, XML, f"<rss><channel>{feed}</channel></rss>".encode()),
                "/huge": (200, HTML, huge),
                "/bomb": (200, {**HTML, "Content-Encoding": "gzip"}, bomb),
                "/slow": slow,
                "/fine": article(8),
            }
        )
        started = time.monotonic()
        summary = crawl(
            tmp_path,
            own_redis.url,
            {"id": "caps", "kind": "feed", "start_urls": [site.url("/feed.xml")]},
            NEWSDESK_CRAWL_DOWNLOAD_TIMEOUT="2",
        )
        elapsed = time.monotonic() - started
    assert queued_urls(own_redis.url) == [site.url("/fine")]
    assert summary["pages"] == 1
    assert elapsed < 60


def test_cp1252_page_without_charset_is_decoded_by_the_worker_path(tmp_path: Path, own_redis: PrivateRedis) -> None:
    text = "Café owners in Zürich said the “new rules” cost them 5 000 € – a heavy blow."
    paragraphs = (text, *story(3)[1])
    body = article_html("Zürich cafés", paragraphs).replace("<meta charset='utf-8'>", "").encode("cp1252")
    with HttpSite() as site:
        site.routes.update(
            {
                "/robots.txt": (200, {"Content-Type": "text/plain"}, b""),
                "/feed.xml": (
                    200,
                    XML,
                    f"<rss><channel><item><link>{site.url('/cafe')}</link></item></channel></rss>".encode(),
                ),
                "/cafe": (200, {"Content-Type": "text/html"}, body),
            }
        )
        crawl(tmp_path, own_redis.url, {"id": "cafe", "kind": "feed", "start_urls": [site.url("/feed.xml")]})
    env = newsdesk_env(tmp_path / "data", own_redis.url)
    # Process the queued page with the real task body, then read what was stored.
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=tmp_path / "data")
    context = WorkerContext(settings, own_redis.url)
    client = redis.Redis.from_url(own_redis.url)
    kwargs = queued_tasks(client)[0].kwargs
    assert env["NEWSDESK_REDIS_URL"] == own_redis.url
    run_cli(["db", "upgrade"], env)
    result = handle_process_page(context, TaskKey("cafe-task"), kwargs)
    with context.engine.connect() as connection:
        stored = connection.execute(select(articles.c.text).where(articles.c.id == result.pages[0].article_id)).scalar()
    assert stored is not None and text in stored
