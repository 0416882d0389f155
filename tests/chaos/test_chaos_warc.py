"""kill -9 of a worker reading a WARC file: another worker resumes from the SQL checkpoint; no record is lost
and none is handed off or stored twice.  Real worker processes, a private Redis, SQLite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.storage import warc_files
from pipelines.storage.schema import articles
from pipelines.urls import article_id, canonicalize
from pipelines.warc.job import file_id
from tests.support.chaos import ChaosRig, FaultResult, Stopwatch, nothing_pending, record_result, reruns
from tests.support.processes import WorkerProcess, run_cli, wait_until
from tests.support.warc_files import Spec, story_response, write_warc
from workers.queues import CRAWL_QUEUE, PROCESS_QUEUE

pytestmark = pytest.mark.chaos

FILES = 3
STORIES = 150  # per file
RESUMED = re.compile(r"resuming (\S+) after offset (\d+)")


def write_files(directory: Path) -> dict[str, dict[str, int]]:
    """FILES WARCs of STORIES articles each (request records between); location -> URL -> record offset."""
    expected: dict[str, dict[str, int]] = {}
    for f in range(FILES):
        path = directory / f"news-{f}.warc.gz"
        specs: list[Spec] = [Spec("warcinfo")]
        for n in range(STORIES):
            specs += [
                Spec("request", f"http://site{f}.test/story/{n}"),
                story_response(n + f * STORIES, host=f"site{f}.test"),
            ]
        offsets = write_warc(path, specs)[2::2]
        urls = [f"http://site{f}.test/story/{n + f * STORIES}" for n in range(STORIES)]
        expected[str(path.resolve())] = dict(zip(urls, offsets, strict=True))
    return expected


def worker(rig: ChaosRig, name: str, queue: str, concurrency: int) -> WorkerProcess:
    process = WorkerProcess(rig.env, rig.tmp_path / f"{name}.log", concurrency=concurrency)
    process.args[2] = "tests.chaos.warc_paced_worker"
    process.args += ["--queues", queue, "--name", name]
    rig.workers.append(process.start())
    return process


def test_kill_a_worker_mid_file_and_another_resumes_from_the_checkpoint(rig: ChaosRig, tmp_path: Path) -> None:
    expected = write_files(tmp_path)
    listing = tmp_path / "warcs.txt"
    listing.write_text("\n".join(expected) + "\n")
    processor = worker(rig, "process", PROCESS_QUEUE, 2)
    first = worker(rig, "crawl-a", CRAWL_QUEUE, 1)
    queued = run_cli(["ingest", "--warc-list", str(listing)], rig.env)
    assert queued.returncode == 0, queued.stderr
    run = Stopwatch()

    def mid_file() -> warc_files.Checkpoint | None:
        for location in expected:
            cp = warc_files.get(rig.engine, file_id(location))
            if cp and cp.status == "reading" and cp.lease_owner and STORIES // 4 <= cp.records_queued < STORIES // 2:
                return cp
        return None

    wait_until(lambda: mid_file() is not None, 120, interval=0.1, message="a reader a quarter into a file")
    first.kill_all()
    clock = Stopwatch()
    # The files the dead worker held, with their checkpoints as it left them.
    states = [warc_files.get(rig.engine, file_id(loc)) for loc in expected]
    at_kill = {cp.location: cp for cp in states if cp is not None and cp.status == "reading" and cp.lease_owner}
    assert at_kill, "the killed worker held a file mid-way"
    second = worker(rig, "crawl-b", CRAWL_QUEUE, 1)
    total = FILES * STORIES

    def finished() -> bool:
        states = [warc_files.get(rig.engine, file_id(loc)) for loc in expected]
        if not all(cp is not None and cp.status == "done" for cp in states):
            return False
        return rig.rows.stored() >= total and nothing_pending(rig.redis)

    limit = rig.settings.worker.visibility_timeout + 2 * rig.sweep_seconds() + 60
    wait_until(finished, limit, interval=0.5, message="every file read and every article stored")
    drain = clock.elapsed()
    audit = rig.rows.audit({article_id(canonicalize(url)) for urls in expected.values() for url in urls})
    with rig.engine.connect() as connection:
        rows = connection.execute(select(articles.c.url, articles.c.warc_file, articles.c.warc_offset)).all()
    provenance = {row.url: (row.warc_file, row.warc_offset) for row in rows}
    wanted = {url: (loc, offset) for loc, urls in expected.items() for url, offset in urls.items()}
    resumed = {(loc, int(offset)) for loc, offset in RESUMED.findall(second.log())}
    handed_twice = reruns(processor.log())  # the processing worker was never killed: a rerun is a double hand-off
    victim_cp = next(iter(at_kill.values()))
    record_result(
        "warc_reader_killed",
        FaultResult(
            fault="kill -9 of a worker reading a WARC file, another worker resumes",
            items=total,
            lost=audit.lost,
            duplicated=audit.duplicated + handed_twice,
            reruns=handed_twice,
            recover_seconds=drain,
            limit_seconds=limit,
            drain_seconds=run.elapsed(),
            note=f"killed with {victim_cp.records_queued} of {STORIES} records of {Path(victim_cp.location).name} "
            f"queued (checkpoint at offset {victim_cp.last_offset}); {FILES} files of {STORIES} articles",
        ),
    )
    assert audit.lost == 0, audit
    assert audit.duplicated == 0, audit
    assert audit.dead_letters == 0
    assert provenance == wanted, "every article keeps the file and offset of its record"
    assert handed_twice == 0, "no record was handed off twice"
    for location, cp in at_kill.items():
        assert (location, cp.last_offset) in resumed, f"{location} resumed at its checkpoint {cp.last_offset}"
