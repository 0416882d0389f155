"""``newsdesk demo``: the whole path on embedded defaults, offline, in about a minute.

Serves the bundled demo sites on 127.0.0.1, starts the demo data directory's
embedded Redis and a real worker process, crawls the three demo sources
through Scrapy -> Celery -> pipelines -> SQLite, waits for the queue to drain,
prints what happened and the two commands that open the review desk on the
demo's data as a reviewer it created.  A second run keeps what is there (users,
decisions); only ``--fresh`` deletes the demo's data directory.  The demo
sites are served on the same port as last time when it is free, so a rerun
re-crawls the same URLs (and finds them unchanged).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from config.settings import Settings
from config.sources import parse_sources
from crawler.run import CrawlSummary, run_crawls
from newsdesk.cmd_stats import collect_stats
from newsdesk.datadir import SOURCES_FILE_NAME
from newsdesk.demo_pages import build_routes, demo_sources
from newsdesk.demo_server import RouteServer
from newsdesk.progress import Bars, follow_processing, wants_bars
from newsdesk.registry import Handler
from pipelines.errors import TransientError
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, clusters, review_items
from review.clusters import cluster_view
from review.errors import ReviewError
from review.users import add_user, issue_token
from workers import embedded_redis
from workers.queue_depth import total_queued
from workers.runtime import Runtime, build_runtime

DRAIN_TIMEOUT_SECONDS = 180.0


class DemoFailed(TransientError):
    """Raised when the demo's own worker dies before the queue drained."""


WORKER_LAUNCHER = ["-m", "newsdesk"]


# The auto-blog is served on a second loopback address: another site, so its "Source link" names another
# site's article (a link within one site is no evidence of copying).
AUTOBLOG_HOST = "127.0.0.2"
DEMO_REVIEWER = "demo-reviewer"
PORT_FILE = "demo-port"
REVIEWER_FILE = "reviewer.json"  # the reviewer the demo created: name, password and API token (mode 0600)


def demo_settings(settings: Settings, fresh: bool) -> Settings:
    """Settings for ``<data_dir>/demo``, emptied first only when ``fresh``."""
    demo_dir = settings.data_dir / "demo"
    if fresh:
        embedded_redis.stop(demo_dir)
        shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(settings, data_dir=demo_dir, sources_file=str(demo_dir / SOURCES_FILE_NAME))


def _previous_port(settings: Settings) -> int:
    try:
        return int((settings.data_dir / PORT_FILE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 0


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def ensure_reviewer(settings: Settings) -> dict[str, str]:
    """The demo's reviewer: created with a generated password on the first run, read back on later ones."""
    path = settings.data_dir / REVIEWER_FILE
    if path.exists():
        saved: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return saved
    password = secrets.token_urlsafe(12)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        _, token = add_user(engine, DEMO_REVIEWER, "reviewer", password, actor="demo")
    except ReviewError:  # the reviewer exists but its file was removed: a new token, the password stays
        password = f"(unchanged; not known to the demo since {REVIEWER_FILE} was removed)"
        token = issue_token(engine, DEMO_REVIEWER, actor="demo")
    finally:
        engine.dispose()
    reviewer = {"name": DEMO_REVIEWER, "password": password, "token": token}
    _write_private(path, json.dumps(reviewer))
    _write_private(settings.data_dir / "reviewer.token", token + "\n")
    return reviewer


def desk_commands(settings: Settings) -> list[str]:
    """The two commands that open the review desk on the demo's data."""
    data_dir = shlex.quote(str(settings.data_dir))
    token_file = shlex.quote(str(settings.data_dir / "reviewer.token"))
    return [
        f"newsdesk --data-dir {data_dir} review serve",
        f"newsdesk --data-dir {data_dir} review next --token-file {token_file}",
    ]


def _start_worker(settings: Settings, config_path: str | None) -> subprocess.Popen[bytes]:
    args = [sys.executable, *WORKER_LAUNCHER, "--data-dir", str(settings.data_dir)]
    if config_path:
        args += ["--config", config_path]
    args += ["worker", "--concurrency", "2", "--name", "demo"]
    with (settings.data_dir / "worker.log").open("wb") as log:
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def _wait_for_drain(runtime: Runtime, worker: subprocess.Popen[bytes], expected: int, bars: Bars) -> None:
    """Follow the processing bar until the queue is empty and the pages queued are stored."""
    settings = runtime.settings
    engine = make_engine(settings.sqlalchemy_url)
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS

    def stored() -> int:
        if worker.poll() is not None:
            raise DemoFailed(f"the demo worker exited early; see {settings.data_dir / 'worker.log'}")
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)

    try:
        follow_processing(bars, expected, stored, lambda: total_queued(runtime.redis),
                          stall_seconds=DRAIN_TIMEOUT_SECONDS, give_up=lambda: time.monotonic() > deadline)  # fmt: skip
    finally:
        engine.dispose()


def _flagged(settings: Settings) -> list[dict[str, Any]]:
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(review_items.c.article_id, review_items.c.codes, review_items.c.action, articles.c.title)
            .join(articles, articles.c.id == review_items.c.article_id)
            .order_by(review_items.c.priority.desc())
        ).all()
    engine.dispose()
    return [{"article_id": r[0], "codes": r[1].split(), "action": r[2], "title": r[3]} for r in rows]


def copies_found(settings: Settings) -> list[dict[str, Any]]:
    """Every stored copy with its kind and similarity, the original it is linked to and the evidence that chose it."""
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as connection:
            ids = connection.execute(select(clusters.c.id).order_by(clusters.c.id)).scalars().all()
            views = [cluster_view(connection, cluster_id) for cluster_id in ids]
    finally:
        engine.dispose()
    return [
        {"source": copy.source_id, "title": copy.title, "kind": copy.kind, "similarity": copy.similarity,
         "cluster_id": view.id, "original_source": original.source_id, "original_title": original.title,
         "original_because": [reason.evidence for reason in view.why]}
        for view in views if (original := view.original) is not None
        for copy in view.copies
    ]  # fmt: skip


def run_demo(
    settings: Settings, config_path: str | None = None, *, fresh: bool = False, bars: Bars | None = None
) -> dict[str, Any]:
    settings = demo_settings(settings, fresh)
    bars = bars or Bars(False)
    with contextlib.ExitStack() as serving:
        server = serving.enter_context(RouteServer(port=_previous_port(settings)))
        autoblog = server.also_on(AUTOBLOG_HOST)
        autoblog_base = serving.enter_context(autoblog).base_url if autoblog is not None else None
        (settings.data_dir / PORT_FILE).write_text(str(server.port), encoding="utf-8")
        server.routes.update(build_routes(server.base_url, autoblog_base))
        sources_doc = demo_sources(server.base_url, autoblog_base)
        Path(settings.sources_file).write_text(yaml.safe_dump(sources_doc), encoding="utf-8")
        sources = list(parse_sources(sources_doc))
        upgrade(settings.sqlalchemy_url)
        reviewer = ensure_reviewer(settings)
        runtime = build_runtime(settings)
        worker = _start_worker(settings, config_path)
        try:
            summaries: list[CrawlSummary] = run_crawls(runtime, sources, progress=bars.crawl if bars.enabled else None)
            queued = sum(s.queued + s.spooled for s in summaries)
            _wait_for_drain(runtime, worker, queued, bars)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    stats = collect_stats(settings)
    embedded_redis.stop(settings.data_dir)
    copies = copies_found(settings)
    return {
        "pages_fetched": sum(s.pages for s in summaries),
        "articles_stored": stats["articles"],
        "boilerplate_stripped": stats["boilerplate_stripped"],
        "duplicates": stats["duplicates"],
        "clusters": stats["clusters"],
        "copies": copies,
        "flagged": stats["flagged"],
        "pending_review": stats["pending_review"],
        "dead_letters": stats["dead_letters"],
        "refused": sum(s.refused for s in summaries),
        "non_html_skipped": sum(s.non_html for s in summaries),
        "sources": [dataclasses.asdict(s) for s in summaries],
        "flagged_items": _flagged(settings),
        "data_dir": str(settings.data_dir),
        "demo_site_requests": len(server.requests),
        "reviewer": {"name": reviewer["name"], "password": reviewer["password"]},
        "token_file": str(settings.data_dir / "reviewer.token"),
        "desk_commands": desk_commands(settings),
    }


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    with Bars(wants_bars(args.quiet, args.json)) as bars:
        result = run_demo(settings, args.config_path, fresh=args.fresh, bars=bars)
    if args.json:
        print(json.dumps(result))
        return 0
    print("\nnewsdesk demo: crawl -> queue -> process -> store -> review queue\n")
    for source in result["sources"]:
        print(f"  {source['source_id']:<10} {source['pages']} pages fetched, {source['queued']} queued")
    for key in ("pages_fetched", "articles_stored", "boilerplate_stripped", "duplicates", "flagged", "pending_review"):
        print(f"  {key.replace('_', ' '):<22} {result[key]}")
    print("\n  copies and their originals:")
    for copy in result["copies"]:
        similarity = f"{copy['similarity']:.2f}" if copy["similarity"] is not None else "?"
        print(f"    {copy['kind']:<9} copy ({similarity}) {copy['source']}: {copy['title'][:50]!r}")
        print(f"              original {copy['original_source']}: {copy['original_title'][:50]!r}"
              f" ({', '.join(copy['original_because'])})")  # fmt: skip
    print("\n  waiting for review:")
    for item in result["flagged_items"]:
        print(f"    [{item['action']}] {item['title'][:60]:<60} {', '.join(item['codes'])}")
    print(f"\n  state kept in {result['data_dir']} (newsdesk --data-dir {result['data_dir']} stats)")
    reviewer = result["reviewer"]
    print("\n  open the review desk on this data:")
    for command in result["desk_commands"]:
        print(f"    {command}")
    print(f"  sign in at http://{settings.review.host}:{settings.review.port}/ as {reviewer['name']}, "
          f"password {reviewer['password']} (also in {result['data_dir']}/{REVIEWER_FILE})")  # fmt: skip
    if args.serve:
        demo = dataclasses.replace(settings, data_dir=Path(result["data_dir"]))
        return Handler("newsdesk.review_commands", "cmd_serve")(demo, argparse.Namespace(host=None, port=None))
    return 0
