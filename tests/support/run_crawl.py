"""Run one real Scrapy crawl in a child process and write what happened as JSON.

The Twisted reactor cannot be restarted inside one process, so integration
tests run each crawl as ``python -m tests.support.run_crawl config.json out.json``
(see :func:`crawl`).  The config gives ``start_urls``, Scrapy ``settings``,
``spider_attrs`` (set on the spider, e.g. ``allow_private_hosts``),
``follow`` (follow ``<a href>`` links) and ``meta`` (put on start requests).
Settings named ``NEWSDESK_*`` are newsdesk's own (the environment variable
names, e.g. ``NEWSDESK_CRAWL_HOST_MIN_INTERVAL``): they become the crawl's
:class:`~crawler.config.CrawlConfig`, as ``newsdesk crawl`` builds it; with
``allow_private_hosts`` the start URLs' hosts are the source's private domains.
The output holds ``items`` (one per parsed response: url, status,
unchanged), ``errors`` (one per failed request: url, type, message) and
``stats`` (the crawl's stats, values as strings where not JSON).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from twisted.python.failure import Failure

from config.settings import parse_settings
from crawler.config import CRAWL_CONFIG, CrawlConfig

# The recommended order numbers (see the middlewares' docstrings); kept here rather than imported
# from crawler.settings so these tests pin down the components, not the wiring.
NEWSDESK_MIDDLEWARES = {
    "crawler.guard.AddressGuardMiddleware": 50,
    "crawler.incremental.ConditionalRequestMiddleware": 560,
    "crawler.ratelimit.HostRateLimitMiddleware": 950,
}

BASE_SETTINGS: dict[str, Any] = {
    "DOWNLOADER_MIDDLEWARES": NEWSDESK_MIDDLEWARES,
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 2,
    "DOWNLOAD_TIMEOUT": 10,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # a code-execution server on localhost; never wanted in tests
}


class ProbeSpider(scrapy.Spider):
    name = "probe"

    def __init__(self, start: list[str], follow: bool, meta: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._start = start
        self._follow = follow
        self._meta = dict(meta)
        self.items: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self._start:
            yield scrapy.Request(url, meta=dict(self._meta), errback=self.on_error, dont_filter=True)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        self.items.append(
            {"url": response.url, "status": response.status, "unchanged": bool(response.meta.get("newsdesk_unchanged"))}
        )
        if self._follow:
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, callback=self.parse, errback=self.on_error)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        error = failure.value
        url = request.url if request else None
        self.errors.append({"url": url, "type": type(error).__name__, "message": str(error)})


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


def main(config_path: str, out_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    given = config.get("settings", {})
    environ = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in given.items() if k.startswith("NEWSDESK_")}
    settings = parse_settings(None, environ, data_dir=Path(config_path).parent / "data")
    attrs = config.get("spider_attrs", {})
    private = (
        sorted({urlsplit(url).hostname or "" for url in config["start_urls"]})
        if attrs.get("allow_private_hosts")
        else []
    )
    crawl_config = CrawlConfig(settings, settings.redis_url, tuple(private))
    scrapy = {k: v for k, v in given.items() if not k.startswith("NEWSDESK_")}
    process = CrawlerProcess({**BASE_SETTINGS, **scrapy, CRAWL_CONFIG: crawl_config})
    crawler = process.create_crawler(ProbeSpider)
    process.crawl(
        crawler,
        start=config["start_urls"],
        follow=config.get("follow", False),
        meta=config.get("meta", {}),
        **attrs,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    result = {
        "items": spider.items,
        "errors": spider.errors,
        "stats": {key: _jsonable(value) for key, value in stats.items()},
    }
    Path(out_path).write_text(json.dumps(result, indent=1))


def crawl(tmp_dir: Path, config: Mapping[str, Any], *, name: str = "crawl", timeout: float = 120) -> dict[str, Any]:
    """Run a crawl in a child process and wait; returns its result plus ``log`` (the child's stderr)."""
    child, out_path = start_crawl(tmp_dir, config, name=name)
    return finish_crawl(child, out_path, timeout=timeout)


def start_crawl(tmp_dir: Path, config: Mapping[str, Any], *, name: str) -> tuple[subprocess.Popen[str], Path]:
    """Start a crawl without waiting (for concurrent crawlers); finish it with :func:`finish_crawl`."""
    config_path, out_path = tmp_dir / f"{name}.config.json", tmp_dir / f"{name}.out.json"
    config_path.write_text(json.dumps(config))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.run_crawl", str(config_path), str(out_path)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return child, out_path


def finish_crawl(child: subprocess.Popen[str], out_path: Path, *, timeout: float = 120) -> dict[str, Any]:
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise
    if child.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"crawl failed ({child.returncode}):\n{stderr[-5000:]}")
    result: dict[str, Any] = json.loads(out_path.read_text())
    result["log"] = stderr
    return result


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
