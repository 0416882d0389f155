"""Run crawls in this process: ``python -m crawler.run --source ID`` (what the crawl task starts).

One process, one Twisted reactor: every crawl worker task starts a fresh
child process, and the CLI's ``newsdesk crawl`` calls :func:`run_crawls`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from twisted.internet import task

from config.settings import load_settings
from config.sources import Source, find_source, load_sources, parse_sources
from crawler.config import CrawlConfig
from crawler.failures import FAILURE_LOGGERS, FAILURES_KEY, NOT_ERRORS, ORDER, FailedFetch, FailureLog, failures_of
from crawler.progress import SINK_SETTING, CrawlProgress, ProgressReporter, ProgressSink
from crawler.settings import DOWNLOADER_MIDDLEWARES, scrapy_settings
from crawler.spiders import spider_class
from pipelines import crawl_stats
from pipelines.crawl_stats import crawl_counts
from pipelines.storage import crawl_runs
from pipelines.storage.engine import make_engine
from workers.locks import Lease
from workers.runtime import Runtime, build_runtime

log = logging.getLogger("newsdesk.crawl")
LEASE_RENEW_SECONDS = 60


@dataclass(frozen=True)
class CrawlSummary:
    """What one source's crawl did."""

    source_id: str
    run_id: str
    status: str
    pages: int
    queued: int
    tasks: int  # processing tasks the queued pages went out in (batches)
    spooled: int
    refused: int
    non_html: int
    not_modified: int
    errors: int  # URLs that could not be fetched (robots.txt refusals and non-HTML pages are not errors)
    unchanged: int = 0  # 200s whose body had not changed since the last crawl: not processed again
    robots: int = 0  # URLs robots.txt forbids
    failed_by_reason: dict[str, int] = field(default_factory=dict)
    failures: tuple[FailedFetch, ...] = ()
    # Responses that came back usable (feeds, sitemaps and hub pages too), not counting robots.txt or HTTP errors.
    fetched: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _plain(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats as stored with the crawl run: scalars only, without the list of failed URLs."""
    return {
        k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
        for k, v in stats.items()
        if k != FAILURES_KEY
    }


def _summary(source_id: str, run_id: str, stats: dict[str, Any]) -> CrawlSummary:
    counts = crawl_counts(stats)
    failures, by_reason = failures_of(stats)
    errors = sum(count for reason, count in by_reason.items() if reason not in NOT_ERRORS)
    return CrawlSummary(
        source_id=source_id,
        run_id=run_id,
        status=str(stats.get("finish_reason", "unknown")),
        **{**dataclasses.asdict(counts), "errors": errors},
        unchanged=int(stats.get(crawl_stats.SKIPPED_UNCHANGED, 0)),
        robots=by_reason.get("robots", 0),
        failed_by_reason=by_reason,
        failures=tuple(failures),
        fetched=max(
            0,
            int(stats.get("response_received_count", 0))
            - int(stats.get("robotstxt/response_count", 0))
            - by_reason.get("http 4xx", 0)
            - by_reason.get("http 5xx", 0),
        ),
    )


def run_crawls(
    runtime: Runtime,
    sources: list[Source],
    *,
    progress: Callable[[CrawlProgress], object] | None = None,
    lease: Lease | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> list[CrawlSummary]:
    """Crawl ``sources`` concurrently in this process's reactor and record each run.

    ``progress``, when given, receives each source's :class:`CrawlProgress` a few times a second.
    """
    settings = runtime.settings
    engine = make_engine(settings.sqlalchemy_url)
    config = CrawlConfig.for_sources(settings, runtime.redis_client_url, sources)
    extra: dict[str, Any] = {
        # Outermost, so it records what the retries finally gave up on: one line per failed URL.
        "DOWNLOADER_MIDDLEWARES": {**DOWNLOADER_MIDDLEWARES, f"{FailureLog.__module__}.{FailureLog.__name__}": ORDER},
    }
    if progress is not None:
        extra[SINK_SETTING] = ProgressSink(progress)
        extra["EXTENSIONS"] = {f"{ProgressReporter.__module__}.{ProgressReporter.__name__}": 900}
    extra.update(extra_settings or {})
    process = CrawlerProcess(scrapy_settings(config, extra=extra))
    # Scrapy's logging set-up turns its own loggers up to DEBUG; keep them at the level our settings ask for.
    logging.getLogger("scrapy").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
    if settings.log_level != "DEBUG":
        for name in FAILURE_LOGGERS:  # each failure is reported once, in one line, by FailureLog
            logging.getLogger(name).setLevel(logging.CRITICAL)
    started: list[tuple[Source, str, Crawler]] = []
    for source in sources:
        run_id = crawl_runs.start_run(engine, source)
        per_source = scrapy_settings(config, source=source, extra=extra)
        # Per-source settings ride on a subclass's custom_settings, Scrapy's supported per-spider override.
        overrides = {k: v for k, v in per_source.items() if k.startswith(("DEPTH_", "CONCURRENT_REQUESTS_PER"))}
        base = spider_class(source.kind)
        spider_cls = type(f"{base.__name__}_{source.id.replace('-', '_')}", (base,), {"custom_settings": overrides})
        crawler = process.create_crawler(spider_cls)
        process.crawl(crawler, source=source, crawl_run_id=run_id)
        started.append((source, run_id, crawler))
    if lease is not None:
        renewer = task.LoopingCall(lease.renew)
        renewer.start(LEASE_RENEW_SECONDS, now=False)
    process.start(stop_after_crawl=True, install_signal_handlers=True)
    summaries = []
    for source, run_id, crawler in started:
        raw = crawler.stats.get_stats() if crawler.stats else {}
        summary = _summary(source.id, run_id, raw)
        crawl_runs.finish_run(engine, run_id, summary.status, _plain(raw))
        summaries.append(summary)
    engine.dispose()
    return summaries


def adhoc_source(url: str, kind: str, allow_private_hosts: bool) -> Source:
    """A one-off source for ``newsdesk crawl --url``, validated like any configured one."""
    entry = {"id": "adhoc", "name": f"ad-hoc {url}", "kind": kind, "start_urls": [url]}
    return replace(parse_sources({"sources": [entry]})[0], allow_private_hosts=allow_private_hosts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--source", action="append", required=True, help="source id (repeatable)")
    parser.add_argument("--lease-key")
    parser.add_argument("--lease-token")
    args = parser.parse_args(argv)
    settings = load_settings(data_dir=args.data_dir, config_file=args.config)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    all_sources = load_sources(Path(settings.sources_file) if settings.sources_file else None)
    chosen = [find_source(all_sources, source_id) for source_id in args.source]
    runtime = build_runtime(settings)
    lease = Lease(runtime.redis, args.lease_key, 600, args.lease_token) if args.lease_key else None
    summaries = run_crawls(runtime, chosen, lease=lease)
    json.dump([s.as_json() for s in summaries], sys.stdout, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
