"""The costs the projection is built from, measured in a few seconds on real Redis and PostgreSQL.

* stage and task CPU per article: :func:`bench.e2e_stages.measure_stages` (the end-to-end bench's own pass);
* Redis bytes per article of the dedupe index, the queue messages, page bodies and fetch state: MEMORY USAGE of
  the keys each step wrote to a private redis-server, divided by the articles that wrote them;
* redis-server CPU per article, producing (bodies, outbox, publish) and processing (dedupe, body reads):
  ``/proc/<pid>/stat`` of the server around each step;
* PostgreSQL: the marginal bytes per article of every table and index (``pg_total_relation_size`` and
  ``pg_relation_size`` after a warm-up and after N more real-shaped rows, from ``process_page`` and
  ``save_processed``), the server backend's CPU (``/proc`` of ``pg_backend_pid()``) and WAL bytes per article,
  and the size of an article once ``newsdesk retention`` removed its text, body and flags (after VACUUM FULL).
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from sqlalchemy import Connection, Engine, text, update

from bench.e2e_pages import BenchPage
from bench.e2e_stages import as_pages, measure_stages
from config.settings import RetentionSettings, parse_settings
from crawler.fetchstate import FetchState, FetchStateStore, body_digest
from pipelines import keys
from pipelines.dedupe import DedupeIndex
from pipelines.flagging import load_rules
from pipelines.models import Page
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.retention import run_retention
from pipelines.storage.schema import articles, page_html
from pipelines.storage.search import SEARCH_TABLE
from workers.queues import PROCESS_QUEUE
from workers.runtime import build_runtime

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SCAN_BATCH = 1000
MEASURED_NAMESPACE = "stage-measured-0"  # measure_stages' first measured pass indexes into this namespace
ROW_WARMUP = 50  # rows stored before the first size snapshot: fixed per-table pages are not per-article cost
TABLES = ("articles", "page_html", "flags", "review_items", SEARCH_TABLE)


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def key_bytes(client: redis.Redis, pattern: str) -> tuple[int, int]:
    """Bytes (MEMORY USAGE) and count of the keys matching ``pattern``."""
    total = count = 0
    batch: list[bytes] = []

    def flush() -> None:
        nonlocal total, count
        pipe = client.pipeline(transaction=False)
        for name in batch:
            pipe.memory_usage(name, samples=0)
        total += sum(int(size or 0) for size in pipe.execute())
        count += len(batch)
        batch.clear()

    for name in client.scan_iter(match=pattern, count=SCAN_BATCH):
        batch.append(name)
        if len(batch) >= SCAN_BATCH:
            flush()
    if batch:
        flush()
    return total, count


@dataclass(frozen=True)
class RedisCosts:
    stage_cpu_ms: float  # decode..store in one process, median per article
    task_cpu_ms: float  # the batch task's body without Celery, median per article
    dedupe_bytes: float
    queue_bytes: float  # the processing queue's messages, per article (batches of the hand-off size)
    body_bytes: float
    fetch_state_bytes: float
    redis_produce_ms: float  # redis-server CPU per article queued (bodies, outbox entries, publish)
    redis_process_ms: float  # redis-server CPU per article processed (dedupe script, body reads)
    worker_rss_mib: float  # this process's peak RSS after the stages: rules and models loaded, like a pool child


def measure_redis(
    pages: list[BenchPage], redis_url: str, redis_pid: int, database: Callable[[str], str], work: Path
) -> RedisCosts:
    stage_pages = as_pages(pages, "bench")
    client = redis.Redis.from_url(redis_url)
    try:
        before = process_cpu_seconds(redis_pid)
        stages = measure_stages(stage_pages, redis_url, database, work, repeats=1)
        # measure_stages runs each page through Redis three times (warm pass, measured pass, task pass).
        redis_process_ms = (process_cpu_seconds(redis_pid) - before) * 1000 / (3 * len(stage_pages))
        dedupe, _ = key_bytes(client, keys.dedupe(MEASURED_NAMESPACE, "") + "*")
        client.flushdb()  # this bench's own private server
        settings = parse_settings(None, {"NEWSDESK_REDIS_URL": redis_url}, data_dir=work / "produce")
        runtime = build_runtime(settings)
        size = settings.crawl.handoff_batch_size
        queued = as_pages(pages, "produce")
        before = process_cpu_seconds(redis_pid)
        for start in range(0, len(queued), size):
            runtime.dispatcher.enqueue_pages(queued[start : start + size])
        redis_produce_ms = (process_cpu_seconds(redis_pid) - before) * 1000 / len(queued)
        queue = int(client.memory_usage(PROCESS_QUEUE, samples=0) or 0)
        bodies, _ = key_bytes(client, keys.page_body("") + "*")
        store = FetchStateStore(client, ttl_seconds=86400)
        store.save_many([(p.url, FetchState(None, None, body_digest(p.body))) for p in queued])
        fetched, _ = key_bytes(client, keys.fetch_state("") + "*")
        runtime.redis.close()
    finally:
        client.close()
    n = len(pages)
    return RedisCosts(
        stage_cpu_ms=statistics.median(stages.totals()),
        task_cpu_ms=statistics.median(stages.task_body),
        dedupe_bytes=dedupe / n,
        queue_bytes=queue / n,
        body_bytes=bodies / n,
        fetch_state_bytes=fetched / n,
        redis_produce_ms=redis_produce_ms,
        redis_process_ms=redis_process_ms,
        worker_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


@dataclass(frozen=True)
class RelationSize:
    name: str
    table: str
    kind: str  # "table" (heap + TOAST) or "index"
    bytes_per_article: float


@dataclass(frozen=True)
class PostgresCosts:
    articles: int  # rows the marginal sizes are measured over
    relations: tuple[RelationSize, ...]
    backend_cpu_ms: float  # PostgreSQL server CPU per article stored (one backend, one upsert transaction each)
    wal_bytes: float
    client_store_ms: float  # save_processed's own CPU per article, in this process
    trimmed_bytes: float  # all relations per article once retention removed text, body and flags
    server: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_bytes(self) -> float:
        return sum(r.bytes_per_article for r in self.relations)

    def index_bytes(self, *, search: bool = True) -> float:
        """Bytes per article of the indexes (``search=False``: without the full-text index's table)."""
        return sum(
            r.bytes_per_article for r in self.relations if r.kind == "index" and (search or r.table != SEARCH_TABLE)
        )


def _sizes(conn: Connection) -> dict[tuple[str, str, str], int]:
    """Heap+TOAST of each table (without its indexes) and each index, in bytes."""
    sizes: dict[tuple[str, str, str], int] = {}
    for table in TABLES:
        heap = conn.execute(text("SELECT pg_total_relation_size(:t) - pg_indexes_size(:t)"), {"t": table}).scalar_one()
        sizes[(table, table, "table")] = int(heap)
        for name, size in conn.execute(
            text("SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
                 "WHERE indrelid = CAST(:t AS regclass)"),
            {"t": table},
        ):  # fmt: skip
            sizes[(str(name), table, "index")] = int(size)
    return sizes


def _vacuum(engine: Engine, full: bool = False) -> None:
    """VACUUM merges the GIN index's pending list (fastupdate), so sizes are those of the settled index."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL ANALYZE" if full else "VACUUM ANALYZE"))


def _store(engine: Engine, deps: ProcessingDeps, pages: list[Page]) -> float:
    spent = 0.0
    for page in pages:
        processed = process_page(page, deps)
        start = time.process_time()
        repository.save_processed(engine, processed)
        spent += time.process_time() - start
    return spent


def measure_postgres(pages: list[BenchPage], database_url: str, redis_url: str) -> PostgresCosts:
    """Store ``pages`` (the first ROW_WARMUP as a warm-up) into the fresh database at ``database_url``."""
    upgrade(database_url)
    # One connection, so one server backend does every store and its CPU is the database's cost.
    engine = make_engine(database_url)
    client = redis.Redis.from_url(redis_url)
    deps = ProcessingDeps(DedupeIndex(client, namespace="rows"), load_rules(None),
                          lambda doc_id: repository.source_of(engine, doc_id))  # fmt: skip
    stored = as_pages(pages, "rows")
    warm, measured = stored[:ROW_WARMUP], stored[ROW_WARMUP:]
    try:
        with engine.connect() as conn:
            empty = sum(_sizes(conn).values())
        _store(engine, deps, warm)
        _vacuum(engine)
        with engine.connect() as conn:
            backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
            server = str(conn.execute(text("SHOW server_version")).scalar_one())
            before_sizes = _sizes(conn)
            lsn = str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one())
            conn.rollback()
        cpu = process_cpu_seconds(backend)
        client_s = _store(engine, deps, measured)
        with engine.connect() as conn:
            same_backend = int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one()) == backend
            backend_s = process_cpu_seconds(backend) - cpu
            wal = int(conn.execute(text("SELECT pg_current_wal_lsn() - CAST(:l AS pg_lsn)"), {"l": lsn}).scalar_one())
        _vacuum(engine)
        with engine.connect() as conn:
            after_sizes = _sizes(conn)
        n = len(measured)
        relations = tuple(
            RelationSize(name, table, kind, (size - before_sizes.get((name, table, kind), 0)) / n)
            for (name, table, kind), size in sorted(after_sizes.items(), key=lambda item: (item[0][1], item[0][2]))
        )
        trimmed = _trimmed_size(engine, empty, len(stored))
    finally:
        client.close()
        engine.dispose()
    notes = () if same_backend else ("stores ran on more than one backend: backend CPU is a lower bound",)
    return PostgresCosts(n, relations, backend_s * 1000 / n, wal / n, client_s * 1000 / n, trimmed, server, notes)


def _trimmed_size(engine: Engine, empty: int, rows: int) -> float:
    """Bytes per article of every relation once retention removed all text, bodies and flags (VACUUM FULL)."""
    past = datetime.now(UTC) - timedelta(days=400)
    with engine.begin() as conn:
        conn.execute(update(articles).values(updated_at=past))
        conn.execute(update(page_html).values(stored_at=past))
    run_retention(engine, RetentionSettings(text_days=365, bodies_days=365, flags_days=365, batch_size=5000))
    _vacuum(engine, full=True)
    with engine.connect() as conn:
        return (sum(_sizes(conn).values()) - empty) / rows
