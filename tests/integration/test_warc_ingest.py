"""Reading WARC files into the real queue: checkpoints in SQL, slices, leases, a crash between hand-off and
checkpoint, damage, and the command end to end with a real worker storing provenance."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from config.settings import Settings, parse_settings
from pipelines.models import Page
from pipelines.storage import warc_files
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles
from pipelines.warc.job import WarcJob
from tests.support.processes import WorkerProcess, newsdesk_env, run_cli, wait_until
from tests.support.queue_messages import queued_page_urls, queued_tasks
from tests.support.redis_server import PrivateRedis
from tests.support.warc_files import Spec, story_response, write_warc
from workers.dispatch import PageDispatcher
from workers.runtime import Runtime, build_runtime
from workers.warc_ingest import IngestPorts, read_slice

BATCH = 4


@dataclass
class Rig:
    settings: Settings
    runtime: Runtime

    def ports(self, dispatcher: PageDispatcher | None = None, lease: float = 30.0) -> IngestPorts:
        return IngestPorts(
            engine=make_engine(self.settings.sqlalchemy_url),
            redis=self.runtime.redis,
            dispatcher=dispatcher or self.runtime.dispatcher,
            batch_size=BATCH,
            max_bytes=1 << 20,
            lease_seconds=lease,
        )


@pytest.fixture()
def rig(tmp_path: Path, own_redis: PrivateRedis) -> Rig:
    settings = parse_settings(None, {"NEWSDESK_REDIS_URL": own_redis.url}, data_dir=tmp_path / "data")
    upgrade(settings.sqlalchemy_url)
    return Rig(settings, build_runtime(settings))


def stories(path: Path, count: int, host: str = "news.test") -> list[int]:
    """A WARC of ``count`` article responses with a warcinfo and request records between; their offsets."""
    specs: list[Spec] = [Spec("warcinfo")]
    for n in range(count):
        specs += [Spec("request", f"http://{host}/story/{n}"), story_response(n, host=host)]
    offsets = write_warc(path, specs)
    return offsets[2::2]


def test_a_file_is_queued_once_and_a_rerun_finds_it_done(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "ten.warc.gz"
    offsets = stories(path, 10)
    job = WarcJob(str(path))
    result = read_slice(rig.ports(), job, "reader-a")
    assert result.outcome == "done"
    urls = queued_page_urls(rig.runtime.redis)
    assert urls == {f"http://news.test/story/{n}": 1 for n in range(10)}
    assert sorted(len(t.pages) for t in queued_tasks(rig.runtime.redis)) == [2, 4, 4]
    cp = warc_files.get(rig.ports().engine, job.file_id)
    assert cp is not None and cp.status == "done" and cp.lease_owner is None
    assert (cp.records_done, cp.records_queued, cp.last_offset) == (21, 10, offsets[-1])
    assert cp.skipped == {"type_warcinfo": 1, "type_request": 10}
    again = read_slice(rig.ports(), job, "reader-b")
    assert again.outcome == "finished" and sum(queued_page_urls(rig.runtime.redis).values()) == 10


def test_slices_continue_from_the_checkpoint_and_queue_each_page_once(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "sliced.warc"
    stories(path, 10)
    job = WarcJob(str(path))
    outcomes, resumed = [], []
    for _ in range(10):
        result = read_slice(rig.ports(), job, "reader", deadline=time.monotonic())  # past at once: one batch a slice
        outcomes.append(result.outcome)
        resumed.append(result.resumed_after)
        if result.outcome != "more":
            break
    assert outcomes[-1] == "done" and outcomes.count("more") >= 2
    assert resumed[0] is None and all(offset is not None for offset in resumed[1:])
    assert queued_page_urls(rig.runtime.redis) == {f"http://news.test/story/{n}": 1 for n in range(10)}


class CrashAfterHandOff(PageDispatcher):
    """Queues the batch, then dies before the reader can write its checkpoint (as a kill -9 would)."""

    def enqueue_pages(self, pages: Sequence[Page]) -> str:
        task_id = super().enqueue_pages(pages)
        if len(queued_tasks(self.client)) == 2:
            raise SystemExit("killed")
        return task_id


def test_the_batch_in_flight_at_a_crash_is_recorded_not_sent_twice(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "crash.warc.gz"
    stories(path, 10)
    job = WarcJob(str(path))
    crashing = CrashAfterHandOff(rig.runtime.app, rig.runtime.redis, 3600)
    with pytest.raises(SystemExit):
        read_slice(rig.ports(crashing), job, "doomed")
    cp = warc_files.get(rig.ports().engine, job.file_id)
    assert cp is not None and cp.records_queued == 4  # the second batch went out but was not recorded
    result = read_slice(rig.ports(), job, "survivor")
    assert result.outcome == "done" and result.recovered == 4
    assert queued_page_urls(rig.runtime.redis) == {f"http://news.test/story/{n}": 1 for n in range(10)}


def test_a_live_lease_keeps_a_second_reader_out_and_a_lapsed_one_lets_it_in(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "leased.warc"
    stories(path, 3)
    job = WarcJob(str(path))
    engine = rig.ports().engine
    assert warc_files.claim(engine, job.file_id, job.location, "first", 1.5).why == "claimed"
    held = read_slice(rig.ports(), job, "second")
    assert held.outcome == "held" and 0 < held.retry_in <= 3
    time.sleep(1.6)
    assert read_slice(rig.ports(), job, "second").outcome == "done"
    cp = warc_files.get(engine, job.file_id)
    assert cp is not None and not warc_files.advance(engine, cp, "first", 30), "a lapsed owner cannot write"


def test_a_truncated_file_is_read_up_to_the_damage_and_the_offset_kept(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = stories(path, 6)
    path.write_bytes(path.read_bytes()[: offsets[5] + 100])
    job = WarcJob(str(path))
    assert read_slice(rig.ports(), job, "reader").outcome == "damaged"
    cp = warc_files.get(rig.ports().engine, job.file_id)
    assert cp is not None and cp.status == "damaged" and cp.damage_offset == offsets[5]
    assert cp.error is not None and str(offsets[5]) in cp.error
    assert set(queued_page_urls(rig.runtime.redis)) == {f"http://news.test/story/{n}" for n in range(5)}


def test_ingest_command_queues_a_warc_and_a_worker_stores_each_article_with_its_provenance(
    tmp_path: Path, own_redis: PrivateRedis
) -> None:
    data_dir = tmp_path / "data"
    env = newsdesk_env(data_dir, own_redis.url)
    path = tmp_path / "cli.warc.gz"
    offsets = stories(path, 6)
    cut = tmp_path / "cut.warc.gz"
    cut_offsets = stories(cut, 6, host="other.test")
    cut.write_bytes(cut.read_bytes()[: cut_offsets[3] + 50])
    first = run_cli(["ingest", str(path), "--source", "ccnews"], env)
    assert first.returncode == 0, first.stderr
    assert "done: 13 records read, 6 pages queued" in first.stderr
    again = run_cli(["ingest", str(path)], env)
    assert again.returncode == 0 and "already read (done)" in again.stderr
    damaged = run_cli(["ingest", str(cut)], env)
    assert damaged.returncode == 1
    assert f"damaged at offset {cut_offsets[3]}" in damaged.stderr.splitlines()[-1]
    worker = WorkerProcess(env, tmp_path / "worker.log", concurrency=1).start()
    engine = make_engine(f"sqlite:///{data_dir / 'newsdesk.db'}")
    try:
        wait_until(lambda: _count(engine) >= 9, 120, message="9 articles stored")
    finally:
        worker.stop()
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                articles.c.url,
                articles.c.source_id,
                articles.c.warc_file,
                articles.c.warc_offset,
                articles.c.warc_record_id,
            )
        ).all()
    by_url = {row.url: row for row in rows}
    for n, offset in enumerate(offsets):
        row = by_url[f"http://news.test/story/{n}"]
        assert row.warc_offset == offset and row.warc_record_id.startswith("urn:uuid:")
        assert row.warc_file == str(path.resolve()) and row.source_id == "ccnews"
    status = run_cli(["ingest", "--warc-status"], env)
    assert status.returncode == 0 and f"damaged at {cut_offsets[3]}" in status.stdout


def _count(engine: object) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return len(connection.execute(select(articles.c.id)).all())


def test_a_file_that_vanished_is_kept_as_failed_with_the_reason(rig: Rig, tmp_path: Path) -> None:
    job = WarcJob(str(tmp_path / "gone.warc.gz"))
    result = read_slice(rig.ports(), job, "reader")
    cp = warc_files.get(rig.ports().engine, job.file_id)
    assert result.outcome == "failed" and cp is not None and cp.status == "failed" and cp.lease_owner is None
    assert cp.error is not None and "gone.warc.gz" in cp.error
    assert warc_files.requeue(rig.ports().engine, job.file_id), "a failed file may be queued again"
