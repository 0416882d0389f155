"""AddressGuardMiddleware in real Scrapy crawls against a local site (each crawl in a child process).

The local site is reachable as ``localhost:PORT`` (let through by the test-only
allow-list ``NEWSDESK_CRAWL_GUARD_ALLOWED_HOSTS``) and as ``127.0.0.1:PORT`` (not
allowed), so one server can play both the public start page and the
forbidden target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.http_site import HttpSite
from tests.support.run_crawl import NEWSDESK_MIDDLEWARES, crawl

HTML = {"Content-Type": "text/html; charset=utf-8"}


def allow_localhost(site: HttpSite, **settings: Any) -> dict[str, Any]:
    return {"NEWSDESK_CRAWL_GUARD_ALLOWED_HOSTS": [f"localhost:{site.port}"], **settings}


def seen(site: HttpSite) -> list[tuple[str, str]]:
    return [(r.header("Host") or "", r.path) for r in site.requests]


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
    ],
)
def test_redirect_to_a_forbidden_address_is_refused_before_download(tmp_path: Path, target: str) -> None:
    with HttpSite({"/secret": (200, HTML, b"internal")}) as site:
        target_url = target.format(port=site.port)
        site.routes["/"] = (302, {"Location": target_url}, b"")
        result = crawl(tmp_path, {"start_urls": [site.url("/", host="localhost")], "settings": allow_localhost(site)})
        assert seen(site) == [(f"localhost:{site.port}", "/")]  # the target never received a request
    assert [(e["url"], e["type"]) for e in result["errors"]] == [(target_url, "GuardRefused")]
    assert "refused" in result["errors"][0]["message"]
    assert result["items"] == []
    stats = result["stats"]
    assert stats["newsdesk/refused_address"] == 1
    # Only the start page reached the downloader: the redirect target was refused before download.
    assert stats["downloader/request_count"] == 1
    assert "Address guard: refused" in result["log"]


def test_robots_txt_of_a_refused_host_is_never_fetched(tmp_path: Path) -> None:
    with HttpSite({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")}) as site:
        site.routes["/"] = (302, {"Location": site.url("/secret")}, b"")
        result = crawl(
            tmp_path,
            {"start_urls": [site.url("/", host="localhost")], "settings": allow_localhost(site, ROBOTSTXT_OBEY=True)},
        )
        hosts = {host for host, _ in seen(site)}
    assert hosts == {f"localhost:{site.port}"}  # robots.txt fetched for localhost only
    assert result["stats"]["newsdesk/refused_address"] == 1


def test_meta_refresh_to_loopback_is_refused_without_opt_in(tmp_path: Path) -> None:
    with HttpSite({"/secret": (200, HTML, b"internal")}) as site:
        refresh = f'<html><head><meta http-equiv="refresh" content="0;url={site.url("/secret")}"></head></html>'
        site.routes["/"] = (200, HTML, refresh.encode())
        result = crawl(tmp_path, {"start_urls": [site.url("/", host="localhost")], "settings": allow_localhost(site)})
        assert seen(site) == [(f"localhost:{site.port}", "/")]
    assert [(e["url"], e["type"]) for e in result["errors"]] == [(site.url("/secret"), "GuardRefused")]
    assert "loopback" in result["errors"][0]["message"]
    assert result["stats"]["newsdesk/refused_address"] == 1


def test_links_to_private_addresses_are_refused(tmp_path: Path) -> None:
    with HttpSite() as site:
        targets = [site.url("/secret"), "http://10.0.0.1/", "http://[::1]/", "http://0x7f.1/", "ftp://x.test/"]
        site.routes["/"] = (200, HTML, "".join(f'<a href="{url}">x</a>' for url in targets).encode())
        result = crawl(
            tmp_path,
            {"start_urls": [site.url("/", host="localhost")], "settings": allow_localhost(site), "follow": True},
        )
        assert seen(site) == [(f"localhost:{site.port}", "/")]
    assert sorted((e["url"], e["type"]) for e in result["errors"]) == sorted((t, "GuardRefused") for t in targets)
    assert result["stats"]["newsdesk/refused_address"] == len(targets)


def test_start_url_on_loopback_is_refused_without_opt_in(tmp_path: Path) -> None:
    with HttpSite({"/": (200, HTML, b"home")}) as site:
        result = crawl(tmp_path, {"start_urls": [site.url("/")]})
        assert site.requests == []
    assert result["stats"]["newsdesk/refused_address"] == 1


def site_pages() -> dict[str, tuple[int, dict[str, str], bytes]]:
    return {
        "/": (200, HTML, b'<a href="/a">a</a> <a href="/b">b</a>'),
        "/a": (200, HTML, b'<a href="/b">b</a>'),
        "/b": (302, {"Location": "/c"}, b""),
        "/c": (200, HTML, b"end"),
    }


@pytest.mark.parametrize(
    "opt_in",
    [{"spider_attrs": {"allow_private_hosts": True}}, {"settings": {"NEWSDESK_CRAWL_ALLOW_PRIVATE_HOSTS": True}}],
    ids=["spider-attribute", "setting"],
)
def test_with_opt_in_the_local_site_is_crawled(tmp_path: Path, opt_in: dict[str, Any]) -> None:
    with HttpSite(site_pages()) as site:
        result = crawl(tmp_path, {"start_urls": [site.url("/")], "follow": True, **opt_in})
        paths = sorted(r.path for r in site.requests)
    assert paths == ["/", "/a", "/b", "/c"]
    assert sorted(item["url"] for item in result["items"]) == [site.url(p) for p in ("/", "/a", "/c")]
    assert "newsdesk/refused_address" not in result["stats"]
    assert result["errors"] == []


@pytest.mark.parametrize(("attrs", "crawled"), [({}, False), ({"allow_private_hosts": True}, True)])
def test_guarded_resolver_checks_the_address_actually_connected_to(
    tmp_path: Path, attrs: dict[str, Any], crawled: bool
) -> None:
    # The middleware is switched off to stand for a DNS answer that changed after it looked
    # (rebinding): the resolver alone must still keep the crawler off loopback.
    settings = {
        "TWISTED_DNS_RESOLVER": "crawler.resolver.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {**NEWSDESK_MIDDLEWARES, "crawler.guard.AddressGuardMiddleware": None},
    }
    with HttpSite({"/": (200, HTML, b"home")}) as site:
        result = crawl(
            tmp_path, {"start_urls": [site.url("/", host="localhost")], "spider_attrs": attrs, "settings": settings}
        )
        assert len(site.requests) == (1 if crawled else 0)
    assert len(result["items"]) == (1 if crawled else 0)
    refused = "Guarded resolver: refused connection to 'localhost': it resolves to 127.0.0.1, which is loopback"
    assert (refused in result["log"]) is not crawled
