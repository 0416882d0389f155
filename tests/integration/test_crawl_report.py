"""``newsdesk crawl`` as a user sees it: one line per failed URL with its reason, a summary by reason, exit status."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.http_site import HttpSite
from tests.support.processes import newsdesk_env, run_cli
from tests.support.redis_server import PrivateRedis, free_port

HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE = b"<html><head><title>Story</title></head><body><article>" + b"<p>Words of a story. </p>" * 40 + b"</article>"


def site_routes() -> dict[str, tuple[int, dict[str, str], bytes]]:
    links = "".join(f'<a href="/{p}">{p}</a>' for p in ("story", "missing", "broken", "private", "document"))
    return {
        "/": (200, HTML, f"<html><body>{links}</body></html>".encode()),
        "/story": (200, HTML, ARTICLE),
        "/missing": (404, HTML, b"gone"),
        "/broken": (500, HTML, b"oops"),
        "/private": (200, HTML, ARTICLE),
        "/document": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 not a page"),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private\n"),
    }


def crawl_env(tmp_path: Path, redis: PrivateRedis) -> dict[str, str]:
    return newsdesk_env(tmp_path / "data", redis.url, NEWSDESK_CRAWL_HOST_MIN_INTERVAL="0",
                        NEWSDESK_CRAWL_AUTOTHROTTLE="false")  # fmt: skip


def test_each_failed_url_gets_one_line_and_the_summary_counts_by_reason(
    tmp_path: Path, own_redis: PrivateRedis
) -> None:
    with HttpSite(site_routes()) as site:
        done = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts"], crawl_env(tmp_path, own_redis))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"adhoc: http 4xx: {site.url('/missing')}" in lines
    assert f"adhoc: http 5xx: {site.url('/broken')}" in lines
    assert f"adhoc: robots: {site.url('/private')}" in lines
    assert f"adhoc: not html: {site.url('/document')}" in lines
    (summary,) = [line for line in lines if line.startswith("adhoc: finished")]
    assert "1 http 4xx" in summary and "1 http 5xx" in summary and "1 robots" in summary
    assert "Traceback" not in done.stdout + done.stderr


def test_the_json_summary_carries_reasons_and_robots_is_not_an_error(tmp_path: Path, own_redis: PrivateRedis) -> None:
    with HttpSite(site_routes()) as site:
        done = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts", "--json"],
                       crawl_env(tmp_path, own_redis))  # fmt: skip
    assert done.returncode == 0, done.stderr
    (summary,) = json.loads(done.stdout)
    assert summary["failed_by_reason"] == {"http 4xx": 1, "http 5xx": 1, "not html": 1, "robots": 1}
    assert summary["errors"] == 2  # the 404 and the 500; robots.txt and the PDF did what they should
    assert summary["robots"] == 1
    assert summary["fetched"] >= 2


def test_nothing_fetched_is_exit_1_with_one_line_per_url(tmp_path: Path, own_redis: PrivateRedis) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    done = run_cli(["crawl", "--url", url, "--allow-private-hosts"], crawl_env(tmp_path, own_redis))
    assert done.returncode == 1
    assert f"adhoc: refused: {url}" in done.stdout.splitlines()
    assert "nothing could be fetched" in done.stderr
    assert "Traceback" not in done.stderr
    verbose = run_cli(["-v", "crawl", "--url", url, "--allow-private-hosts"], crawl_env(tmp_path, own_redis))
    assert any(line.startswith(f"adhoc: refused: {url} (") for line in verbose.stdout.splitlines())


def test_a_recrawl_of_unchanged_pages_says_so(tmp_path: Path, own_redis: PrivateRedis) -> None:
    routes = {"/": (200, HTML, b'<html><body><a href="/story">s</a></body></html>'), "/story": (200, HTML, ARTICLE)}
    env = crawl_env(tmp_path, own_redis)
    with HttpSite(routes) as site:
        first = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts", "--json"], env)
        second = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts", "--json"], env)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    (again,) = json.loads(second.stdout)
    assert again["unchanged"] + again["not_modified"] >= 1
    assert json.loads(first.stdout)[0]["pages"] == 1 and again["pages"] == 0
    assert again["fetched"] == 2  # the start page and the unchanged story


def test_progress_bars_draw_during_a_real_crawl(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env = crawl_env(tmp_path, own_redis)
    with HttpSite(site_routes()) as site:
        done = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts", "--progress", "--no-wait"], env)
        quiet = run_cli(["crawl", "--url", site.url("/"), "--allow-private-hosts", "--quiet"], env)
    assert done.returncode == 0, done.stderr
    assert "adhoc" in done.stderr and "errors 2" in done.stderr
    assert quiet.returncode == 0, quiet.stderr
    assert "errors" not in quiet.stderr
