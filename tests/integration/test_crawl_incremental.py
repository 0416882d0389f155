"""ConditionalRequestMiddleware: a second crawl of an unchanged site sends conditional requests."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import redis

from crawler.fetchstate import FetchState, FetchStateStore
from tests.support.http_site import HttpSite, RecordedRequest, Reply
from tests.support.redis_server import free_port
from tests.support.run_crawl import crawl

HTML = {"Content-Type": "text/html; charset=utf-8"}


class VersionedSite:
    """Pages with ETags that answer 304 to a matching If-None-Match, like a well-behaved news site."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def page(self, request: RecordedRequest) -> Reply:
        with self.lock:
            body = self.bodies[request.path]
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if request.header("If-None-Match") == etag:
            return Reply(304, {"ETag": etag})
        return Reply(200, {**HTML, "ETag": etag}, body)


def settings(redis_url: str, namespace: str) -> dict[str, Any]:
    return {
        "NEWSDESK_REDIS_URL": redis_url,
        "NEWSDESK_CRAWL_KEY_NAMESPACE": namespace,
        "NEWSDESK_CRAWL_HOST_MIN_INTERVAL": 0,
    }


def test_fetch_state_round_trip_with_expiry(redis_client: redis.Redis, namespace: str) -> None:
    store = FetchStateStore(redis_client, ttl_seconds=120, namespace=namespace)
    url = "https://news.example/a?b=c"
    assert store.load(url) is None
    state = FetchState(etag='W/"x"', last_modified=None, sha256="ab" * 32)
    store.save(url, state)
    assert store.load(url) == state
    key = store.key(url)
    assert key.startswith(f"newsdesk:{namespace}:fetched:")
    assert 0 < int(redis_client.ttl(key)) <= 120
    store.save(url, FetchState(etag=None, last_modified="Wed, 21 Oct 2026 07:28:00 GMT", sha256="cd" * 32))
    assert store.load(url) == FetchState(None, "Wed, 21 Oct 2026 07:28:00 GMT", "cd" * 32)  # no stale ETag left


def crawl_config(site: HttpSite, paths: list[str], redis_url: str, namespace: str, follow: bool) -> dict[str, Any]:
    return {
        "start_urls": [site.url(path) for path in paths],
        "follow": follow,
        "spider_attrs": {"allow_private_hosts": True},
        "settings": settings(redis_url, namespace),
    }


def test_second_crawl_of_an_unchanged_site_yields_nothing_new(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    versions = VersionedSite()
    versions.bodies = {"/a": b"story a", "/b": b"story b", "/c": b"story c"}
    with HttpSite({path: versions.page for path in versions.bodies}) as site:
        config = crawl_config(site, ["/a", "/b", "/c"], shared_redis_url, namespace, follow=False)
        first = crawl(tmp_path, config, name="first")
        site.clear()
        second = crawl(tmp_path, config, name="second")
        second_requests = site.requests
    assert len(first["items"]) == 3
    assert sorted(r.header("If-None-Match") or "" for r in second_requests) == sorted(
        versions.page(r).headers["ETag"] for r in second_requests
    )  # every request carried the ETag the server had given
    assert second["items"] == []
    # a 304 reaches errbacks as NotModified (an IgnoreRequest) so spiders can tell it from failures
    assert sorted((e["url"], e["type"]) for e in second["errors"]) == [
        (site.url(p), "NotModified") for p in ("/a", "/b", "/c")
    ]
    assert second["stats"]["newsdesk/not_modified"] == 3
    assert second["stats"]["downloader/response_status_count/304"] == 3


def test_second_crawl_fetches_only_what_changed(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    versions = VersionedSite()
    versions.bodies = {"/": b'<a href="/a">a</a><a href="/b">b</a><a href="/plain">p</a>', "/a": b"a", "/b": b"b"}
    with HttpSite({path: versions.page for path in ("/", "/a", "/b", "/c")}) as site:
        site.routes["/plain"] = Reply(200, HTML, b"a page without validators")
        config = crawl_config(site, ["/"], shared_redis_url, namespace, follow=True)
        first = crawl(tmp_path, config, name="first")
        first_requests = site.requests
        site.clear()
        # Between the crawls the home page links a new story and one story is updated.
        versions.bodies["/"] += b'<a href="/c">c</a>'
        versions.bodies["/b"] = b"b, updated"
        versions.bodies["/c"] = b"c"
        second = crawl(tmp_path, config, name="second")
        second_requests = site.requests

    assert all(r.header("If-None-Match") is None for r in first_requests)
    assert sorted(item["url"] for item in first["items"]) == sorted(site.url(p) for p in ("/", "/a", "/b", "/plain"))
    assert not any(item["unchanged"] for item in first["items"])

    sent = {r.path: r.header("If-None-Match") for r in second_requests}
    assert all(sent[path] is not None for path in ("/", "/a", "/b"))  # the server saw conditional requests
    assert sent["/plain"] is None and sent["/c"] is None  # nothing to be conditional on
    # "/a" answered 304; "/plain" came back identical and is flagged for the pipeline to skip.
    assert {item["url"]: item["unchanged"] for item in second["items"]} == {
        site.url("/"): False,
        site.url("/b"): False,
        site.url("/c"): False,
        site.url("/plain"): True,
    }
    assert second["stats"]["newsdesk/not_modified"] == 1
    assert second["stats"]["newsdesk/unchanged"] == 1


def test_discovery_requests_are_conditional_too(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    feed = b"<rss><channel><item><link>https://news.example/a</link></item></channel></rss>"
    with HttpSite({"/feed.xml": Reply(200, {"Content-Type": "text/html"}, feed)}) as site:
        config = {
            "start_urls": [site.url("/feed.xml")],
            "meta": {"newsdesk_discovery": True},
            "spider_attrs": {"allow_private_hosts": True},
            "settings": settings(shared_redis_url, namespace),
        }
        crawl(tmp_path, config, name="first")
        second = crawl(tmp_path, config, name="second")
    assert [item["unchanged"] for item in second["items"]] == [True]
    assert second["stats"]["newsdesk/unchanged_discovery"] == 1
    assert "newsdesk/unchanged" not in second["stats"]


def test_redis_outage_degrades_to_unconditional_fetches(tmp_path: Path, namespace: str) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    with HttpSite({"/": Reply(200, {**HTML, "ETag": '"v1"'}, b"home")}) as site:
        config = {
            "start_urls": [site.url("/")],
            "spider_attrs": {"allow_private_hosts": True},
            "settings": settings(dead_redis, namespace),
        }
        first = crawl(tmp_path, config, name="first")
        second = crawl(tmp_path, config, name="second")
        requests = site.requests
    assert [len(result["items"]) for result in (first, second)] == [1, 1]
    assert all(r.header("If-None-Match") is None for r in requests)
    assert "[crawler.incremental] WARNING: Redis unreachable" in second["log"]
