"""Worker metrics: Prometheus counters and histograms fed by Celery task signals, safe under prefork.

Celery runs tasks in forked pool processes, so each process writes its own
memory-mapped file under ``settings.metrics_dir`` (prometheus_client's
multiprocess mode) and ``newsdesk metrics serve`` adds the files up.
prometheus_client takes that directory from the ``PROMETHEUS_MULTIPROC_DIR``
environment variable only, so :func:`enable_multiprocess` *sets* it (it never
reads it) before the pool forks; the children inherit it.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import signals
from prometheus_client import Counter, Histogram, values

from config.settings import Settings
from pipelines.errors import InvalidPayload
from workers.queues import CRAWL_SOURCE_TASK, PROCESS_BATCH_TASK, PROCESS_PAGE_TASK
from workers.records import CrawlResult, PageResult, TaskResult
from workers.task_logging import install_task_logging

log = logging.getLogger("newsdesk.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
STAGES = ("decode", "extract", "strip", "dedupe", "flag")
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0)
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")
# Underscores are replaced because prometheus_client splits metric file names on them.
_HOST = _UNSAFE.sub("-", socket.gethostname())


def process_identifier() -> str:
    """Host and pid: workers in different containers share one metrics volume but may reuse pids."""
    return f"{_HOST}-{os.getpid()}"


def enable_multiprocess(directory: Path) -> None:
    """Make every metric created from now on write to a per-process file under ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory.resolve())
    # prometheus_client chose its value class when first imported (Flower imports it early); choose again.
    values.ValueClass = values.MultiProcessValue(process_identifier)  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class WorkerMetrics:
    """The metrics a worker writes; created once, before the pool forks."""

    tasks: Counter
    task_seconds: Histogram
    articles: Counter
    stage_seconds: Histogram
    stages_cpu_seconds: Counter
    duplicates: Counter
    flags: Counter
    review_enqueued: Counter
    dead_letters: Counter
    refused_messages: Counter
    crawls: Counter


def create_worker_metrics() -> WorkerMetrics:
    # registry=None: in multiprocess mode the files are the registry; the server collects them.
    return WorkerMetrics(
        tasks=Counter(
            "newsdesk_tasks", "Celery task outcomes", ["task", "outcome"], registry=None
        ),
        task_seconds=Histogram(
            "newsdesk_task_seconds", "Wall time of a task run", ["task"], buckets=TASK_BUCKETS, registry=None
        ),
        articles=Counter(
            "newsdesk_articles_processed", "Pages processed into articles, by resulting action", ["action"],
            registry=None,
        ),
        stage_seconds=Histogram(
            "newsdesk_stage_seconds", "Time per processing stage", ["stage"], buckets=STAGE_BUCKETS, registry=None
        ),
        stages_cpu_seconds=Counter(
            "newsdesk_stages_cpu_seconds", "CPU seconds spent in the processing stages, decode to store",
            registry=None,
        ),
        duplicates=Counter("newsdesk_duplicates", "Duplicates found, by kind", ["kind"], registry=None),
        flags=Counter("newsdesk_flags", "Flags raised, by code and action", ["code", "action"], registry=None),
        review_enqueued=Counter("newsdesk_review_enqueued", "Articles sent to the review desk", registry=None),
        dead_letters=Counter("newsdesk_dead_letters", "Tasks given up on", ["task"], registry=None),
        refused_messages=Counter("newsdesk_refused_messages", "Broker messages refused before any task ran, by fault",
                                 ["reason"], registry=None),
        crawls=Counter("newsdesk_crawls", "Crawl tasks finished, by source and outcome", ["source", "outcome"],
                       registry=None),
    )  # fmt: skip


def record_page_result(metrics: WorkerMetrics, result: PageResult) -> None:
    """Count one stored page."""
    metrics.articles.labels(action=result.action).inc()
    if result.stages_cpu_ms > 0:
        metrics.stages_cpu_seconds.inc(result.stages_cpu_ms / 1000.0)
    for stage, millis in result.timings_ms:
        if stage in STAGES:
            metrics.stage_seconds.labels(stage=stage).observe(millis / 1000.0)
    if result.duplicate_of and result.duplicate_kind:
        metrics.duplicates.labels(kind=result.duplicate_kind).inc()
    for code, action in result.flags:
        metrics.flags.labels(code=code, action=action).inc()
    if result.in_review:
        metrics.review_enqueued.inc()


def record_task_result(metrics: WorkerMetrics, result: TaskResult) -> None:
    """Count what one processing task (a page or a batch) returned: each page as if it had been its own task."""
    for page in result.pages:
        record_page_result(metrics, page)
    if result.dead_lettered:
        metrics.dead_letters.labels(task=PROCESS_PAGE_TASK).inc(result.dead_lettered)


def record_crawl_result(metrics: WorkerMetrics, result: CrawlResult, outcome: str) -> None:
    metrics.crawls.labels(source=result.source_id, outcome="skipped" if result.skipped else outcome).inc()


def record_refused(metrics: WorkerMetrics, reason: str) -> None:
    """A broker message refused at the edge, before any task code (see :mod:`workers.edge`)."""
    metrics.refused_messages.labels(reason=reason).inc()
    metrics.dead_letters.labels(task="refused").inc()


class TaskSignalRecorder:
    """Celery signal receivers that turn task outcomes into metrics (they run in the pool process)."""

    def __init__(self, metrics: WorkerMetrics) -> None:
        self.metrics = metrics
        self._started: dict[str, float] = {}

    def connect(self) -> None:
        # weak=False: the bound methods would otherwise be collected with a temporary recorder.
        signals.task_prerun.connect(self.on_prerun, weak=False)
        signals.task_postrun.connect(self.on_postrun, weak=False)
        signals.task_success.connect(self.on_success, weak=False)
        signals.task_failure.connect(self.on_failure, weak=False)
        signals.task_retry.connect(self.on_retry, weak=False)

    def on_prerun(self, sender: Any = None, task_id: str | None = None, **_: Any) -> None:
        if task_id:
            self._started[task_id] = time.monotonic()

    def on_postrun(self, sender: Any = None, task_id: str | None = None, **_: Any) -> None:
        started = self._started.pop(task_id or "", None)
        if started is not None and sender is not None:
            self.metrics.task_seconds.labels(task=sender.name).observe(time.monotonic() - started)

    def on_success(self, sender: Any = None, result: Any = None, **_: Any) -> None:
        name = getattr(sender, "name", "unknown")
        self.metrics.tasks.labels(task=name, outcome="success").inc()
        try:
            if name in (PROCESS_PAGE_TASK, PROCESS_BATCH_TASK):
                record_task_result(self.metrics, TaskResult.from_json(result))
            elif name == CRAWL_SOURCE_TASK:
                record_crawl_result(self.metrics, CrawlResult.from_json(result), "success")
        except InvalidPayload as exc:
            log.warning("task %s returned a result that does not decode: %s", name, exc)

    def on_failure(self, sender: Any = None, kwargs: dict[str, Any] | None = None, **_: Any) -> None:
        name = getattr(sender, "name", "unknown")
        self.metrics.tasks.labels(task=name, outcome="failure").inc()
        if name == CRAWL_SOURCE_TASK:
            source = (kwargs or {}).get("source_id")
            record_crawl_result(self.metrics, CrawlResult(str(source or "unknown")), "failure")

    def on_retry(self, sender: Any = None, **_: Any) -> None:
        self.metrics.tasks.labels(task=getattr(sender, "name", "unknown"), outcome="retry").inc()


def install_worker_metrics(settings: Settings) -> WorkerMetrics:
    """Called by ``newsdesk worker`` before the pool starts: metrics files, signal receivers, log context."""
    enable_multiprocess(settings.metrics_dir)
    metrics = create_worker_metrics()
    TaskSignalRecorder(metrics).connect()
    install_task_logging()
    return metrics
