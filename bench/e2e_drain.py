"""Queue-first measurements: tasks are queued while the workers do not consume, then drained and timed.

Measured this way neither the producer (this process) nor the crawler limits the
rate, so the figure is what the workers themselves can do: the no-op task
ceiling, and processing alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from bench import e2e_procs as procs
from bench.e2e_flow import RUN_TIMEOUT_SECONDS, epoch, rows, wait_for
from bench.e2e_stack import Stack
from pipelines.models import Page
from pipelines.storage.schema import articles
from workers.queue_depth import total_queued
from workers.queues import PROCESS_QUEUE


@dataclass(frozen=True)
class NoopResult:
    tasks: int
    seconds: float
    send_seconds: float
    worker_cpu_s: float

    @property
    def rate(self) -> float:
        return self.tasks / self.seconds


@dataclass(frozen=True)
class DrainResult:
    """Processing alone: the queue filled first, then the workers let loose on it."""

    articles: int
    tasks: int
    seconds: float
    worker_cpu_s: float
    stages_cpu_s: float  # of worker_cpu_s, spent in the stages (the workers' own count)
    message_bytes: float  # MEMORY USAGE of the full queue list, per queued message

    @property
    def rate(self) -> float:
        return self.articles / self.seconds

    @property
    def queue_bytes_per_article(self) -> float:
        return self.message_bytes * self.tasks / self.articles


def measure_noop(stack: Stack, tasks: int) -> NoopResult:
    """The queue's ceiling: ``tasks`` no-op tasks queued while nobody consumes, then drained (the producer,
    this process, would otherwise be the limit)."""
    control = stack.runtime.app.control
    control.cancel_consumer(PROCESS_QUEUE, reply=True)
    start = time.perf_counter()
    for index in range(tasks):
        stack.runtime.dispatcher.enqueue_noop(index)
    send_seconds = time.perf_counter() - start
    before = procs.sample(stack.worker_pids)
    start = time.perf_counter()
    control.add_consumer(PROCESS_QUEUE)  # no reply: waiting for one would hold the clock
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while total_queued(stack.runtime.redis) > 0:  # polled finely: a no-op drains in seconds
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for no-op tasks")
        time.sleep(0.005)
    end = time.perf_counter()
    after = procs.sample(stack.worker_pids)
    return NoopResult(tasks, end - start, send_seconds, procs.cpu_between(before, after))


def measure_drain(stack: Stack, pages: list[Page], source_id: str) -> DrainResult:
    """Queue ``pages`` (in batches of the crawler's hand-off size) while the workers do not consume, then time
    them draining it."""
    control = stack.runtime.app.control
    control.cancel_consumer(PROCESS_QUEUE, reply=True)
    size = stack.settings.crawl.handoff_batch_size
    for first in range(0, len(pages), size):
        stack.runtime.dispatcher.enqueue_pages(pages[first : first + size])
    tasks = int(stack.runtime.redis.llen(PROCESS_QUEUE))
    queue_bytes = int(stack.runtime.redis.memory_usage(PROCESS_QUEUE, samples=0) or 0)
    stages_before = stack.stages_cpu_seconds()
    before = procs.sample(stack.worker_pids)
    start = time.time()
    control.add_consumer(PROCESS_QUEUE)  # no reply: waiting for one would hold the clock

    def drained() -> bool:
        return rows(stack, source_id) >= len(pages) and total_queued(stack.runtime.redis) == 0

    wait_for("the pre-filled queue to drain", drained, RUN_TIMEOUT_SECONDS)
    after = procs.sample(stack.worker_pids)
    stages_cpu = stack.stages_cpu_seconds() - stages_before
    with stack.engine.connect() as connection:
        last_row = connection.execute(select(func.max(articles.c.updated_at)).where(articles.c.source_id == source_id))
        end = epoch(last_row.scalar_one())
    cpu = procs.cpu_between(before, after)
    return DrainResult(len(pages), tasks, end - start, cpu, stages_cpu, queue_bytes / tasks)
