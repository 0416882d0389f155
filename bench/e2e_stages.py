"""CPU per processing stage, in this process, on the pages the end-to-end run serves.

Each page goes through :func:`pipelines.process.process_page` with
``time.process_time`` as its stage clock, then :func:`save_processed` (store),
then the body-by-reference round trip a task does before processing (Redis GET,
zlib, digest check: "fetch"), and ``lxml.html.fromstring`` of the same bytes
(the floor of any extraction).  A separate pass runs the task's own body,
:func:`workers.tasks.handle_process_page`, without Celery: its CPU minus the
stages is the task's plumbing (delivery counter, body fetch, logging).  A first pass warms the process (lazy imports,
compiled patterns, connections) into a throw-away index and database; the second
pass is the one reported, and the difference is the one-time set-up cost.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import redis

from bench.e2e_pages import HTML_TYPE, BenchPage
from config.settings import parse_settings
from pipelines import keys
from pipelines.dedupe import DedupeIndex
from pipelines.flagging import load_rules
from pipelines.models import Page
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from workers.codec import body_digest, compress_body, decompress_body, encode_ref
from workers.context import WorkerContext
from workers.tasks import handle_process_page

STAGES = ("decode", "extract", "strip", "dedupe", "flag", "store")


@dataclass(frozen=True)
class StageCosts:
    """CPU milliseconds per page for each stage (``STAGES``), plus ``fetch`` and ``lxml``."""

    per_page: tuple[dict[str, float], ...]
    task_body: tuple[float, ...]  # handle_process_page without Celery, CPU ms per page
    warm_pass_ms: float
    measured_pass_ms: float
    profile: str

    def values(self, stage: str) -> list[float]:
        return [page[stage] for page in self.per_page]

    def totals(self) -> list[float]:
        return [sum(page[s] for s in STAGES) for page in self.per_page]


def as_pages(pages: list[BenchPage], source_id: str) -> list[Page]:
    now = datetime.now(UTC)
    return [Page(p.url, p.url, 200, p.body, source_id, now, HTML_TYPE, source_language="en") for p in pages]


def _cpu_ms(start: float) -> float:
    return (time.process_time() - start) * 1000.0


def _one_pass(pages: list[Page], client: redis.Redis, db_url: str, namespace: str) -> list[dict[str, float]]:
    upgrade(db_url)
    engine = make_engine(db_url)
    index = DedupeIndex(client, namespace=namespace)
    deps = ProcessingDeps(index, load_rules(None), lambda doc_id: repository.source_of(engine, doc_id))
    rows = []
    try:
        for page in pages:
            key = keys.page_body(body_digest(page.body))
            client.set(key, compress_body(page.body), ex=3600)
            start = time.process_time()
            blob = client.get(key)
            body = decompress_body(blob if isinstance(blob, bytes) else b"")
            body_digest(body)  # the task checks the body against its digest
            fetch = _cpu_ms(start)
            processed = process_page(page, deps, clock=time.process_time)
            start = time.process_time()
            repository.save_processed(engine, processed)
            store = _cpu_ms(start)
            start = time.process_time()
            lxml.html.fromstring(page.body)
            rows.append({**processed.timings_ms, "store": store, "fetch": fetch, "lxml": _cpu_ms(start)})
    finally:
        engine.dispose()
    return rows


def _task_pass(pages: list[Page], redis_url: str, db_url: str, work_dir: Path) -> list[float]:
    upgrade(db_url)
    env = {"NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_DATABASE_URL": db_url}
    context = WorkerContext(parse_settings(None, env, data_dir=work_dir), redis_url)
    costs = []
    try:
        for number, page in enumerate(pages):
            key = keys.page_body(body_digest(page.body))
            context.redis.set(key, compress_body(page.body), ex=3600)
            payload = encode_ref(page, key)
            start = time.process_time()
            handle_process_page(context, f"stage-{number}:0", payload)
            costs.append(_cpu_ms(start))
    finally:
        context.engine.dispose()
    return costs


def _profile(pages: list[Page], client: redis.Redis, db_url: str, top: int) -> str:
    upgrade(db_url)
    engine = make_engine(db_url)
    deps = ProcessingDeps(DedupeIndex(client, namespace="profile"), load_rules(None),
                          lambda doc_id: repository.source_of(engine, doc_id))  # fmt: skip
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: waits on Redis and the database are not cost
    profiler.enable()
    for page in pages:
        repository.save_processed(engine, process_page(page, deps))
    profiler.disable()
    engine.dispose()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def measure_stages(
    pages: list[Page], redis_url: str, database: Callable[[str], str], work_dir: Path, profile_top: int = 0
) -> StageCosts:
    """Warm pass, measured pass and (if ``profile_top``) a cProfile pass, each on a fresh index and database.

    ``database(name)`` gives the URL of a fresh, empty database of the kind the run stores into.
    """
    client = redis.Redis.from_url(redis_url)
    try:
        start = time.process_time()
        _one_pass(pages, client, database("warm"), "stage-warm")
        warm = _cpu_ms(start)
        start = time.process_time()
        rows = _one_pass(pages, client, database("measured"), "stage-measured")
        measured = _cpu_ms(start)
        task_body = _task_pass(pages, redis_url, database("task"), work_dir)
        profile = _profile(pages, client, database("profile"), profile_top) if profile_top else ""
    finally:
        client.close()
    return StageCosts(tuple(rows), tuple(task_body), warm, measured, profile)
