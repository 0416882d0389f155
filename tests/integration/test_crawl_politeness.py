"""HostRateLimitMiddleware against real Redis and real crawls of a local site.

Arrival times are taken by the local server, so they measure what a site
owner would see: no two requests to the host closer than the interval.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.slots import RedisSlots
from tests.support.http_site import HttpSite, RecordedRequest
from tests.support.redis_server import free_port
from tests.support.run_crawl import crawl, finish_crawl, start_crawl

HTML = {"Content-Type": "text/html; charset=utf-8"}


def gaps_of(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [later - earlier for earlier, later in itertools.pairwise(ordered)]


def gaps(requests: list[RecordedRequest]) -> list[float]:
    return gaps_of([r.arrived for r in requests])


def section(site: HttpSite, prefix: str, pages: int) -> None:
    """``/<prefix>/`` links to ``pages`` leaf pages under it."""
    links = "".join(f'<a href="/{prefix}/{i}">{i}</a>' for i in range(pages))
    site.routes[f"/{prefix}/"] = (200, HTML, links.encode())
    for i in range(pages):
        site.routes[f"/{prefix}/{i}"] = (200, HTML, f"page {prefix} {i}".encode())


def config(site: HttpSite, prefix: str, redis_url: str, namespace: str, **settings: Any) -> dict[str, Any]:
    return {
        "start_urls": [site.url(f"/{prefix}/")],
        "follow": True,
        "spider_attrs": {"allow_private_hosts": True},
        "settings": {
            "NEWSDESK_REDIS_URL": redis_url,
            "NEWSDESK_CRAWL_KEY_NAMESPACE": namespace,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,  # without the limiter, a burst
            **settings,
        },
    }


# --- the Lua scripts on a real Redis ------------------------------------------------------------


def test_take_lets_one_request_go_per_interval(redis_client: redis.Redis, namespace: str) -> None:
    slots = RedisSlots(redis_client, namespace=namespace)
    assert slots.take("news.example", 0.3) == 0.0
    wait = slots.take("news.example", 0.3)
    assert 0.25 < wait <= 0.3
    assert slots.take("other.example", 0.3) == 0.0
    time.sleep(wait)
    assert slots.take("news.example", 0.3) == 0.0
    ttl = int(redis_client.pttl(slots.key("news.example")))
    assert 60_000 < ttl <= 60_300  # the key cleans itself up


def test_concurrent_takers_are_spaced_by_the_interval(redis_client: redis.Redis, namespace: str) -> None:
    slots = RedisSlots(redis_client, namespace=namespace)
    departures: list[tuple[float, float]] = []  # (before, after) the winning call
    lock = threading.Lock()

    def go() -> None:
        while True:
            before = time.monotonic()
            wait = slots.take("news.example", 0.1)
            if wait == 0:
                break
            time.sleep(wait)
        with lock:
            departures.append((before, time.monotonic()))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(departures) == 8
    departures.sort()
    # Redis decided somewhere inside each call; the widest reading of two consecutive
    # decisions must still be an interval apart (less Redis's millisecond rounding).
    for (before, _), (_, after) in itertools.pairwise(departures):
        assert after - before >= 0.1 - 0.002


def test_push_moves_the_next_slot_later_only(redis_client: redis.Redis, namespace: str) -> None:
    slots = RedisSlots(redis_client, namespace=namespace)
    assert slots.push("news.example", 2.0) == pytest.approx(2.0, abs=0.01)
    assert slots.push("news.example", 0.5) == pytest.approx(2.0, abs=0.05)
    assert slots.take("news.example", 0.1) == pytest.approx(2.0, abs=0.05)


# --- real crawls --------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_crawlers_on_one_host_share_the_interval(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    interval = 0.3
    with HttpSite() as site:
        section(site, "one", 6)
        section(site, "two", 6)
        runs = [
            start_crawl(
                tmp_path,
                config(site, p, shared_redis_url, namespace, NEWSDESK_CRAWL_HOST_MIN_INTERVAL=interval),
                name=p,
            )
            for p in ("one", "two")
        ]
        results = [finish_crawl(child, out) for child, out in runs]
        requests = site.requests
    assert len(requests) == 14
    assert all(len(result["items"]) == 7 for result in results)
    both = {r.path.split("/")[1] for r in requests}
    assert both == {"one", "two"}
    spacing = gaps(requests)
    print("gaps between requests (s):", [round(g, 3) for g in spacing])
    assert min(spacing) >= interval, f"gaps {[round(g, 3) for g in spacing]}"
    assert all(int(result["stats"].get("newsdesk/rate_limited", 0)) > 0 for result in results)


def test_retry_after_delays_the_retry_and_the_rest_of_the_host(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    served = {"count": 0}
    lock = threading.Lock()

    def busy_once(request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        with lock:
            served["count"] += 1
            first = served["count"] == 1
        if first:
            return 429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"slow down"
        return 200, HTML, f"page {request.path}".encode()

    with HttpSite({f"/{i}": busy_once for i in range(4)}) as site:
        result = crawl(
            tmp_path,
            {
                "start_urls": [site.url(f"/{i}") for i in range(4)],
                "spider_attrs": {"allow_private_hosts": True},
                "settings": {
                    "NEWSDESK_REDIS_URL": shared_redis_url,
                    "NEWSDESK_CRAWL_KEY_NAMESPACE": namespace,
                    "NEWSDESK_CRAWL_HOST_MIN_INTERVAL": 0.2,
                    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
                },
            },
        )
        requests = sorted(site.requests, key=lambda r: r.arrived)
    first, rest = requests[0], requests[1:]
    assert len(rest) == 4  # three other pages and the retry of the refused one
    assert [r.path for r in rest].count(first.path) == 1
    # The request slotted 0.2 s after the 429 was already asleep; it too waited out the pause.
    assert min(r.arrived for r in rest) - first.arrived >= 1.0
    assert sorted(item["url"] for item in result["items"]) == [site.url(f"/{i}") for i in range(4)]
    assert result["stats"]["newsdesk/retry_after"] == 1
    assert result["stats"]["retry/count"] == 1


def test_robots_crawl_delay_raises_the_interval(
    tmp_path: Path, shared_redis_url: str, namespace: str, redis_client: redis.Redis
) -> None:
    with HttpSite({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 0.5\n")}) as site:
        section(site, "s", 4)
        result = crawl(
            tmp_path,
            config(site, "s", shared_redis_url, namespace, NEWSDESK_CRAWL_HOST_MIN_INTERVAL=0.05, ROBOTSTXT_OBEY=True),
        )
        pages = [r for r in site.requests if r.path != "/robots.txt"]
    assert len(result["items"]) == 5
    assert min(gaps(pages)) >= 0.5
    assert "asks for a crawl delay of 0.5s" in result["log"]


def test_redis_outage_falls_back_to_a_per_process_limit(tmp_path: Path, namespace: str) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with HttpSite() as site:
        section(site, "s", 5)
        result = crawl(tmp_path, config(site, "s", dead_redis, namespace, NEWSDESK_CRAWL_HOST_MIN_INTERVAL=0.2))
        requests = site.requests
    assert len(result["items"]) == 6  # the crawl went on
    assert min(gaps(requests)) >= 0.2  # and stayed polite within the process
    warnings = [line for line in result["log"].splitlines() if "[crawler.ratelimit] WARNING: Redis unreachable" in line]
    assert len(warnings) == 1  # one warning per outage, not one per request
    assert warnings[0].endswith("rate limits fall back to this process only")
