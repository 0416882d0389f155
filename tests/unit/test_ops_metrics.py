"""Worker metrics: what one processed page counts, and that forked pool processes add up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from workers.metrics import (
    TaskSignalRecorder,
    WorkerMetrics,
    create_worker_metrics,
    process_identifier,
    record_task_result,
)
from workers.records import CrawlResult, PageResult, TaskResult

ROOT = Path(__file__).resolve().parents[2]


def processed(action: str = "flag", **changes: Any) -> PageResult:
    fields: dict[str, Any] = {
        "article_id": "a1",
        "url": "http://news.test/a/1",
        "action": action,
        "flags": (("autoblog_signature", "flag"), ("profanity", "tag")),
        "in_review": True,
        "timings_ms": (("decode", 1.0), ("extract", 20.0), ("strip", 2.0), ("dedupe", 3.0), ("flag", 4.0)),
        "stages_cpu_ms": 25.0,
    }
    # Through JSON and back, as Celery carries a result to the signal receivers.
    return PageResult.from_json(PageResult(**{**fields, **changes}).to_json())


def registered(metrics: WorkerMetrics) -> CollectorRegistry:
    registry = CollectorRegistry()
    for metric in (metrics.articles, metrics.stage_seconds, metrics.duplicates, metrics.flags,
                   metrics.review_enqueued, metrics.dead_letters, metrics.stages_cpu_seconds):  # fmt: skip
        registry.register(metric)
    return registry


def test_one_result_moves_each_counter_it_describes() -> None:
    metrics = create_worker_metrics()
    registry = registered(metrics)
    record_task_result(metrics, TaskResult(pages=(processed(),)))
    other = processed("none", duplicate_of="a0", duplicate_kind="exact", flags=(), in_review=False)
    record_task_result(metrics, TaskResult(pages=(other,)))
    value = registry.get_sample_value
    assert value("newsdesk_articles_processed_total", {"action": "flag"}) == 1
    assert value("newsdesk_articles_processed_total", {"action": "none"}) == 1
    assert value("newsdesk_flags_total", {"code": "autoblog_signature", "action": "flag"}) == 1
    assert value("newsdesk_flags_total", {"code": "profanity", "action": "tag"}) == 1
    assert value("newsdesk_duplicates_total", {"kind": "exact"}) == 1
    assert value("newsdesk_review_enqueued_total") == 1
    assert value("newsdesk_stages_cpu_seconds_total") == 0.05
    assert value("newsdesk_stage_seconds_count", {"stage": "extract"}) == 2
    assert value("newsdesk_stage_seconds_sum", {"stage": "extract"}) == 0.04
    # 20 ms falls in the 25 ms bucket and not the 10 ms one.
    assert value("newsdesk_stage_seconds_bucket", {"stage": "extract", "le": "0.01"}) == 0
    assert value("newsdesk_stage_seconds_bucket", {"stage": "extract", "le": "0.025"}) == 2


def test_dead_lettered_task_counts_as_dead_letter_only() -> None:
    metrics = create_worker_metrics()
    registry = registered(metrics)
    record_task_result(metrics, TaskResult(dead_lettered=1))
    assert registry.get_sample_value("newsdesk_dead_letters_total", {"task": "newsdesk.process_page"}) == 1
    assert registry.get_sample_value("newsdesk_articles_processed_total", {"action": "flag"}) is None


def test_a_batch_counts_each_page_and_its_dead_letters() -> None:
    metrics = create_worker_metrics()
    registry = registered(metrics)
    record_task_result(metrics, TaskResult(pages=(processed(), processed("none", flags=())), dead_lettered=2))
    value = registry.get_sample_value
    assert value("newsdesk_articles_processed_total", {"action": "flag"}) == 1
    assert value("newsdesk_articles_processed_total", {"action": "none"}) == 1
    assert value("newsdesk_stage_seconds_count", {"stage": "extract"}) == 2
    assert value("newsdesk_dead_letters_total", {"task": "newsdesk.process_page"}) == 2


def test_process_identifier_has_no_underscore() -> None:
    # prometheus_client splits metric file names on "_"; an underscore here would corrupt the merge.
    assert "_" not in process_identifier()
    assert process_identifier().endswith(f"-{os.getpid()}")


FORKED = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import flower.options  # imports prometheus_client before multiprocess mode is on, as the CLI does
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector
    from workers.metrics import create_worker_metrics, enable_multiprocess, record_task_result
    from workers.records import PageResult, TaskResult

    directory = Path(sys.argv[1])
    enable_multiprocess(directory)
    metrics = create_worker_metrics()
    children = []
    for n in range(3):
        pid = os.fork()
        if pid == 0:
            for _ in range(n + 1):
                held = PageResult("a1", "http://news.test/a", "hold", flags=(("x", "hold"),))
                record_task_result(metrics, TaskResult(pages=(held,)))
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    print(registry.get_sample_value("newsdesk_articles_processed_total", {"action": "hold"}))
    print(len(list(directory.glob("counter_*.db"))))
    """
)


def test_forked_pool_processes_add_up(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", FORKED, str(tmp_path / "metrics")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    total, files = done.stdout.split()
    assert float(total) == 1 + 2 + 3
    assert int(files) >= 3  # one file per child process


class FakeTask:
    def __init__(self, name: str) -> None:
        self.name = name


def test_signal_receivers_route_results_by_task_name() -> None:
    metrics = create_worker_metrics()
    registry = registered(metrics)
    for metric in (metrics.tasks, metrics.task_seconds, metrics.crawls):
        registry.register(metric)
    recorder = TaskSignalRecorder(metrics)
    process, crawl = FakeTask("newsdesk.process_page"), FakeTask("newsdesk.crawl_source")

    recorder.on_prerun(sender=process, task_id="t1")
    recorder.on_success(sender=process, result=TaskResult(pages=(processed("hold"),)).to_json())
    recorder.on_postrun(sender=process, task_id="t1")
    recorder.on_retry(sender=process)
    recorder.on_success(sender=crawl, result=CrawlResult("news", exit_code=0).to_json())
    recorder.on_success(sender=crawl, result=CrawlResult("news", skipped="already running").to_json())
    recorder.on_success(sender=crawl, result={"source_id": ["not", "a", "result"]})  # counted as a task only
    recorder.on_failure(sender=crawl, kwargs={"source_id": "blog"})

    value = registry.get_sample_value
    assert value("newsdesk_tasks_total", {"task": "newsdesk.process_page", "outcome": "success"}) == 1
    assert value("newsdesk_tasks_total", {"task": "newsdesk.process_page", "outcome": "retry"}) == 1
    assert value("newsdesk_tasks_total", {"task": "newsdesk.crawl_source", "outcome": "failure"}) == 1
    assert value("newsdesk_articles_processed_total", {"action": "hold"}) == 1
    assert value("newsdesk_task_seconds_count", {"task": "newsdesk.process_page"}) == 1
    assert value("newsdesk_crawls_total", {"source": "news", "outcome": "success"}) == 1
    assert value("newsdesk_crawls_total", {"source": "news", "outcome": "skipped"}) == 1
    assert value("newsdesk_crawls_total", {"source": "blog", "outcome": "failure"}) == 1
