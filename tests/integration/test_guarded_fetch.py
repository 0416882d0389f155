"""Hole 6: `newsdesk extract URL` fetches through one guarded path (one lookup, pinned address, capped stream)."""

from __future__ import annotations

import gzip
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from config.settings import CrawlSettings
from crawler.fetch import fetch
from pipelines.errors import RefusedAddress
from tests.support.http_site import HttpSite
from tests.support.processes import newsdesk_env, run_cli

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE = b"<html><head><title>T</title></head><body><article><p>Hello there, reader.</p></article></body></html>"
LOCAL = replace(CrawlSettings(), allow_private_hosts=True)  # the test site is on 127.0.0.1


class CountingResolver:
    """A DNS server under test control: what each lookup of a name answers, and how often it was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, host: str) -> list[str]:
        self.asked += 1
        return [self.answers[min(self.asked, len(self.answers)) - 1]]


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected_to() -> None:
    with HttpSite({"/": (200, HTML, PAGE)}) as site:
        # A rebinding server: first 127.0.0.1 (where the test site is), then an address nothing listens on.
        resolver = CountingResolver("127.0.0.1", "127.0.0.9")
        fetched = fetch(f"http://rebind.test:{site.port}/", LOCAL, resolve=resolver)
        (seen,) = site.requests
    assert fetched.body == PAGE and fetched.status == 200
    assert resolver.asked == 1, "one lookup: the connection goes to the address that was checked"
    assert seen.header("Host") == f"rebind.test:{site.port}"


def test_a_name_answering_a_private_address_is_refused_before_any_connection() -> None:
    with HttpSite({"/": (200, HTML, PAGE)}) as site:
        with pytest.raises(RefusedAddress, match="loopback"):
            fetch(f"http://rebind.test:{site.port}/", CrawlSettings(), resolve=CountingResolver("127.0.0.1"))
        assert site.requests == []


def test_every_redirect_hop_is_checked() -> None:
    routes = {"/file": (302, {"Location": "file:///etc/passwd"}, b""), "/loop": (302, {"Location": "/loop"}, b"")}
    with HttpSite(routes) as site:
        with pytest.raises(RefusedAddress, match="scheme 'file'"):
            fetch(site.url("/file"), LOCAL)
        with pytest.raises(RefusedAddress, match="more than 5 redirects"):
            fetch(site.url("/loop"), LOCAL)
        assert len(site.requests) == 1 + 6


def test_a_gzip_bomb_stops_at_the_cap_while_reading() -> None:
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MiB of zeros in ~200 KB
    with HttpSite({"/": (200, {**HTML, "Content-Encoding": "gzip"}, bomb)}) as site:
        tracemalloc.start()
        try:
            with pytest.raises(RefusedAddress, match="decompresses to more than"):
                fetch(site.url("/"), LOCAL)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"peak {peak} bytes: the body was inflated past the 10 MiB cap"


def test_an_oversized_body_is_refused_and_a_small_gzip_page_is_decoded() -> None:
    small = replace(LOCAL, max_response_bytes=50_000)
    with HttpSite(
        {"/big": (200, HTML, b"x" * 60_000), "/gz": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress(PAGE))}
    ) as site:
        with pytest.raises(RefusedAddress, match="over the 50000-byte cap"):
            fetch(site.url("/big"), small)
        assert fetch(site.url("/gz"), small).body == PAGE


def test_extract_command_uses_the_guarded_fetch(tmp_path: Path) -> None:
    with HttpSite({"/": (200, HTML, PAGE)}) as site:
        env = newsdesk_env(tmp_path, "")
        refused = run_cli(["extract", site.url("/")], env)
        allowed = run_cli(["extract", site.url("/")], {**env, "NEWSDESK_CRAWL_ALLOW_PRIVATE_HOSTS": "true"})
    assert refused.returncode != 0 and "loopback" in refused.stderr
    assert allowed.returncode == 0 and "title: T" in allowed.stdout
