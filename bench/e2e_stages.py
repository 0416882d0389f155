"""CPU per processing stage, in this process, on the pages the end-to-end run serves.

Each page goes through :func:`pipelines.process.process_page` with
``time.process_time`` as its stage clock, then :func:`save_processed` (store),
then the body-by-reference round trip a task does before processing (Redis GET,
zlib, digest check: "fetch"), and ``lxml.html.fromstring`` of the same bytes
(the floor of any extraction).  A separate pass runs the task's own body,
:func:`workers.tasks.handle_process_batch` on batches of the crawler's
hand-off size, without Celery: its CPU per page minus the stages is the
task's plumbing (delivery counter, body fetch, logging, tidying up).  A first pass warms the process (lazy imports,
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
from workers.app import create_celery_app
from workers.context import WorkerContext
from workers.dispatch import PageDispatcher
from workers.records import BatchPayload, PageRef, TaskKey, body_digest, compress_body, decompress_body
from workers.tasks import handle_process_batch

STAGES = ("decode", "extract", "strip", "dedupe", "flag", "store")


@dataclass(frozen=True)
class StageCosts:
    """CPU milliseconds per page for each stage (``STAGES``), plus ``fetch`` and ``lxml``."""

    per_page: tuple[dict[str, float], ...]
    task_body: tuple[float, ...]  # handle_process_batch without Celery, CPU ms per page
    warm_pass_ms: float
    measured_pass_ms: float
    profile: str
    repeats: int  # measured passes; each page keeps its fastest

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
            body = decompress_body(blob if isinstance(blob, bytes) else b"", 1 << 30)
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


def _task_pass(pages: list[Page], redis_url: str, db_url: str, work_dir: Path, label: str) -> list[float]:
    """CPU ms per page of the batch task's body, for each batch (one value per page of it)."""
    upgrade(db_url)
    env = {"NEWSDESK_REDIS_URL": redis_url, "NEWSDESK_DATABASE_URL": db_url, "NEWSDESK_DEDUPE_NAMESPACE": label}
    settings = parse_settings(None, env, data_dir=work_dir)
    context = WorkerContext(settings, redis_url)
    context.check()  # as `newsdesk worker` does before its pool starts: rules and classifiers loaded
    # Sends nothing: a batch met for the first time is processed, not split.
    dispatcher = PageDispatcher(create_celery_app(settings, redis_url), context.redis, 3600)
    size = settings.crawl.handoff_batch_size
    costs: list[float] = []
    try:
        for number in range(0, len(pages), size):
            batch = pages[number : number + size]
            refs = []
            for page in batch:
                refs.append(PageRef.of(page))
                context.redis.set(refs[-1].body_key, compress_body(page.body), ex=3600)
            start = time.process_time()
            kwargs = BatchPayload(tuple(refs)).to_json()
            handle_process_batch(context, dispatcher, TaskKey(f"{label}-batch-{number}"), kwargs)
            costs += [_cpu_ms(start) / len(batch)] * len(batch)
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


def _fastest(passes: list[list[dict[str, float]]], keys: tuple[str, ...]) -> list[dict[str, float]]:
    """Per page, the pass whose ``keys`` add up to the least CPU: noise on a shared machine only ever adds."""
    return [min(rows, key=lambda row: sum(row[k] for k in keys)) for rows in zip(*passes, strict=True)]


def measure_stages(
    pages: list[Page],
    redis_url: str,
    database: Callable[[str], str],
    work_dir: Path,
    profile_top: int = 0,
    repeats: int = 3,
) -> StageCosts:
    """A warm pass, then ``repeats`` measured passes of the stages and of the batch task body (each page's least
    CPU over them is kept), and (if ``profile_top``) a cProfile pass; each pass on a fresh index and database.

    ``database(name)`` gives the URL of a fresh, empty database of the kind the run stores into.
    """
    client = redis.Redis.from_url(redis_url)
    try:
        start = time.process_time()
        _one_pass(pages, client, database("warm"), "stage-warm")
        warm = _cpu_ms(start)
        passes, pass_ms, task_passes = [], [], []
        for number in range(repeats):
            start = time.process_time()
            passes.append(_one_pass(pages, client, database(f"measured{number}"), f"stage-measured-{number}"))
            pass_ms.append(_cpu_ms(start))
            task = _task_pass(pages, redis_url, database(f"task{number}"), work_dir, f"stage-task-{number}")
            task_passes.append([{"task": cost} for cost in task])
        profile = _profile(pages, client, database("profile"), profile_top) if profile_top else ""
    finally:
        client.close()
    task_body = [row["task"] for row in _fastest(task_passes, ("task",))]
    return StageCosts(tuple(_fastest(passes, STAGES)), tuple(task_body), warm, min(pass_ms), profile, repeats)
