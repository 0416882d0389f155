"""Read one WARC file into the processing queue in slices, checkpointed in SQL under a lease.

The loop behind both ``newsdesk ingest FILE.warc.gz`` (in the command's own
process) and the per-file task on the crawl queue (``--warc-list``):

1. claim the file's row (a lease; a live lease of another reader means "not now");
2. read records after the checkpoint, gather pages into batches, hand each batch
   to :class:`~workers.dispatch.PageDispatcher`, then move the checkpoint to the
   batch's last record (a fenced write: a reader that lost its lease stops);
3. hold back while the processing queue is deep (a 1 GB file never floods Redis);
4. stop at the slice's deadline (a task stays inside its time limit; another task
   continues) or at the end of the file: ``done``, or ``damaged`` with the offset.

A crash between a hand-off and its checkpoint write leaves that one batch
handed off but not recorded.  The next reader forms the same batch again from
the same checkpoint and finds its bodies already in Redis (they are written in
one transaction with the task's outbox entry), so it records the batch without
sending it twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import redis
from sqlalchemy import Engine

from pipelines import keys
from pipelines.errors import PermanentError, RedisUnavailable
from pipelines.models import Page
from pipelines.storage import warc_files
from pipelines.storage.warc_files import Checkpoint, FileStatus
from pipelines.warc.job import WarcJob
from pipelines.warc.reader import WarcReader
from workers.dispatch import PageDispatcher, page_task_id
from workers.queues import PROCESS_QUEUE

log = logging.getLogger("newsdesk.warc")
# Processing tasks waiting before a reader holds back: 50 batches of 64 (crawl.warc_batch_size) is about 3,200
# pages, tens of MB of bodies in Redis, minutes of work for a handful of workers.
MAX_QUEUED_TASKS = 50
BACKPRESSURE_POLL_SECONDS = 0.25
# Without a hand-off (a long run of filtered records), the checkpoint still moves this often.
CHECKPOINT_EVERY_SECONDS = 2.0

Outcome = Literal["done", "damaged", "failed", "more", "held", "finished", "lost_lease"]


def reader_name() -> str:
    """A lease owner: host, process and a nonce (one per slice)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class IngestPorts:
    """What reading a file talks to."""

    engine: Engine
    redis: redis.Redis
    dispatcher: PageDispatcher
    batch_size: int
    max_bytes: int
    lease_seconds: float
    max_queued_tasks: int | None = None  # default MAX_QUEUED_TASKS


@dataclass(frozen=True)
class SliceResult:
    outcome: Outcome
    checkpoint: Checkpoint | None
    retry_in: float = 0.0
    resumed_after: int | None = None
    sent: int = 0  # pages handed off in this slice
    recovered: int = 0  # pages found handed off already (the batch in flight at a crash)


class _Slice:
    """One reader's pass over a file from its checkpoint."""

    def __init__(self, ports: IngestPorts, job: WarcJob, owner: str, checkpoint: Checkpoint) -> None:
        self.ports, self.job, self.owner = ports, job, owner
        self.checkpoint = checkpoint
        self.skipped: Counter[str] = Counter(checkpoint.skipped)
        self.sent = self.recovered = 0
        self.first_batch = checkpoint.last_offset is not None  # may have been handed off before a crash
        self.next_write = time.monotonic() + CHECKPOINT_EVERY_SECONDS

    def write(self, last_offset: int | None, records: int, queued: int, status: FileStatus = "reading") -> bool:
        self.checkpoint = replace(
            self.checkpoint,
            status=status,
            last_offset=last_offset,
            records_done=records,
            records_queued=queued,
            skipped=dict(self.skipped),
        )
        self.next_write = time.monotonic() + CHECKPOINT_EVERY_SECONDS
        return warc_files.advance(self.ports.engine, self.checkpoint, self.owner, self.ports.lease_seconds, status)

    def already_queued(self, batch: Sequence[Page]) -> bool:
        body_keys = [keys.page_body(page_task_id(page)) for page in batch]
        try:
            return int(self.ports.redis.exists(*body_keys)) == len(body_keys)
        except redis.RedisError as exc:
            raise RedisUnavailable(f"cannot look for queued bodies: {exc}") from exc

    def wait_for_room(self, deadline: float | None) -> bool:
        """Hold back while the processing queue is deep, renewing the lease; False if the lease was lost."""
        while True:
            try:
                depth = int(self.ports.redis.llen(PROCESS_QUEUE))
            except redis.RedisError as exc:
                raise RedisUnavailable(f"cannot read the processing queue depth: {exc}") from exc
            if depth < (self.ports.max_queued_tasks or MAX_QUEUED_TASKS) or (
                deadline is not None and time.monotonic() > deadline
            ):
                return True
            if time.monotonic() >= self.next_write:
                cp = self.checkpoint
                if not self.write(cp.last_offset, cp.records_done, cp.records_queued):
                    return False
            time.sleep(BACKPRESSURE_POLL_SECONDS)

    def hand_off(self, batch: list[Page]) -> None:
        if self.first_batch and self.already_queued(batch):
            self.recovered += len(batch)
            log.info("%s: the batch in flight at the last stop was queued already; not sent again", self.job.location)
        else:
            self.ports.dispatcher.enqueue_pages(batch)
            self.sent += len(batch)
        self.first_batch = False

    def run(self, deadline: float | None, progress: Callable[[Checkpoint], None] | None) -> Outcome:
        cp = self.checkpoint
        records, queued, last = cp.records_done, cp.records_queued, cp.last_offset
        reader = WarcReader(self.job, self.ports.max_bytes)
        batch: list[Page] = []
        for item in reader.items(cp.last_offset):
            records += 1
            if item.page is not None:
                batch.append(item.page)
            else:
                self.skipped[item.skipped or "unknown"] += 1
            handed = len(batch) >= self.ports.batch_size
            if handed:
                if not self.wait_for_room(deadline):
                    return "lost_lease"
                self.hand_off(batch)
                queued, batch = queued + len(batch), []
            if batch:
                continue
            last = item.head.offset  # every record up to here is handed off or skipped
            past = deadline is not None and time.monotonic() > deadline
            if (handed or past or time.monotonic() >= self.next_write) and not self.write(last, records, queued):
                return "lost_lease"
            if progress is not None and handed:
                progress(self.checkpoint)
            if past:
                return "more"
        if batch:
            self.hand_off(batch)
            queued += len(batch)
        if reader.last_offset is not None:
            last = reader.last_offset  # the last record read: a finished file's checkpoint is its end
        damage = reader.damage
        self.checkpoint = replace(
            self.checkpoint,
            damage_offset=damage.offset if damage else None,
            error=f"damaged at offset {damage.offset}: {damage.reason}" if damage else None,
        )
        finished: Literal["done", "damaged"] = "damaged" if damage else "done"
        if not self.write(last, records, queued, finished):
            return "lost_lease"
        return finished


def read_slice(
    ports: IngestPorts,
    job: WarcJob,
    owner: str,
    deadline: float | None = None,
    progress: Callable[[Checkpoint], None] | None = None,
) -> SliceResult:
    """Claim ``job``'s file and read it from its checkpoint until ``deadline`` (monotonic) or its end."""
    claim = warc_files.claim(ports.engine, job.file_id, job.location, owner, ports.lease_seconds)
    if claim.checkpoint is None:
        why: Outcome = "finished" if claim.why == "finished" else "held"
        return SliceResult(why, warc_files.get(ports.engine, job.file_id), retry_in=claim.retry_in)
    resumed_after = claim.checkpoint.last_offset
    if resumed_after is not None:
        log.info(
            "resuming %s after offset %d (%d records read before)",
            job.location,
            resumed_after,
            claim.checkpoint.records_done,
        )
    work = _Slice(ports, job, owner, claim.checkpoint)
    try:
        outcome: Outcome = work.run(deadline, progress)
    except PermanentError as exc:
        # The file cannot be read (gone, not a WARC, refused by its server): kept as failed, with the reason.
        failed = replace(work.checkpoint, error=f"{type(exc).__name__}: {exc}")
        warc_files.advance(ports.engine, failed, owner, ports.lease_seconds, "failed")
        log.error("warc %s: %s", job.location, failed.error)
        return SliceResult("failed", warc_files.get(ports.engine, job.file_id), 0.0, resumed_after)
    except BaseException:
        warc_files.release(ports.engine, job.file_id, owner)  # Ctrl+C or a fault: the next reader need not wait
        raise
    if outcome == "more":
        warc_files.release(ports.engine, job.file_id, owner)
    return SliceResult(outcome, work.checkpoint, 0.0, resumed_after, work.sent, work.recovered)
