"""WARC throughput: reading alone, newsdesk end to end, and trafilatura over warcio, on one generated file.

Builds a ``.warc.gz`` (one gzip member per record, Common Crawl's layout) with
warcio from the Zyte benchmark pages and generated news pages, then measures on
that same file:

* reading alone: FastWARC iterating records, newsdesk's reader (records to
  pages: HTTP headers, body decoding, filters), and warcio iterating records;
* newsdesk end to end: ``newsdesk ingest FILE`` (reader, checkpoints, queue)
  with N ``newsdesk worker`` processes until every article is stored in SQLite;
* the peer: trafilatura over warcio, the usual hand-rolled Common Crawl path, in
  as many processes as newsdesk has workers.

    .venv/bin/python -m bench.warc [-n 20000] [--workers 2] [--e2e-records N] [--peer-records N] [--keep FILE]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.e2e import cpu_model
from bench.e2e_flow import _redis_cpu, rows, stored_total, warm_up
from bench.e2e_pages import BenchPage, synthetic_pages, zyte_pages
from bench.e2e_procs import cpu_between, sample
from bench.e2e_stack import Stack, open_stack
from pipelines.storage import warc_files
from pipelines.warc.job import WarcJob, file_id
from pipelines.warc.reader import WarcReader

REPO = Path(__file__).resolve().parents[1]
FLOOR_READ = 5000.0  # records/s, reading alone
FLOOR_E2E = 150.0  # articles/s end to end on 2 cores
WHEN = "2026-11-20T08:30:00Z"
REDIS_COMMANDS_SHOWN = 6


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} cores"


def data_root() -> Path:
    """The development data: ``../shared/data`` beside the repository, or ``$NEWSDESK_BENCH_DATA``."""
    return Path(os.environ.get("NEWSDESK_BENCH_DATA") or REPO.parent / "shared" / "data")


def build(path: Path, count: int) -> int:
    """``count`` response records (Zyte pages first, then generated ones) and a warcinfo; returns records."""
    bases = [f"http://site{k}.bench" for k in range(8)]
    zyte = data_root() / "article-extraction-benchmark" / "html"
    pages: list[BenchPage] = zyte_pages(181, bases, zyte) if count > 181 else []
    pages += synthetic_pages(count - len(pages), bases)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsdesk bench/warc.py"}))
        for page in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                page.url, "response", payload=io.BytesIO(page.body), length=len(page.body), http_headers=http,
                warc_headers_dict={"WARC-Date": WHEN},
            )  # fmt: skip
            writer.write_record(record)
    return len(pages) + 1


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, records: int, run: Callable[[], int]) -> tuple[str, float, float]:
    """(label, records per wall second, records per CPU second of this process)."""
    started, cpu = time.perf_counter(), time.process_time()
    seen = run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert seen == records, f"{label}: saw {seen} records, expected {records}"
    return label, records / elapsed, records / cpu


def read_fastwarc(path: Path) -> int:
    seen = 0
    with path.open("rb") as handle:
        for record in FastIterator(handle, record_types=WarcRecordType.any_type, parse_http=True):
            if record.reader is not None:
                record.reader.read()
            seen += 1
    return seen


def read_newsdesk(path: Path) -> int:
    reader = WarcReader(WarcJob(str(path)), 10 << 20)
    seen = sum(1 for _ in reader.items())
    assert reader.damage is None
    return seen


def read_warcio(path: Path) -> int:
    seen = 0
    with path.open("rb") as handle:
        for record in WarcioIterator(handle):
            record.content_stream().read()
            seen += 1
    return seen


def trafilatura_share(path: str, share: int, shares: int, limit: int) -> int:
    """Extract every ``shares``-th response (from ``share``) of the first ``limit`` with trafilatura."""
    import trafilatura

    extracted = 0
    with open(path, "rb") as handle:
        index = -1
        for record in WarcioIterator(handle):
            if record.rec_type != "response":
                continue
            index += 1
            if index >= limit:
                break
            if index % shares != share:
                continue
            html = record.content_stream().read()
            url = record.rec_headers.get_header("WARC-Target-URI")
            text = trafilatura.extract(html, url=url, include_comments=False)
            extracted += 1  # an empty extraction is an answer too (a listing, a notice)
            del text
    return extracted


def run_trafilatura(path: Path, processes: int, limit: int) -> tuple[float, float, int]:
    """(articles per wall second, CPU seconds of the processes, articles)."""
    started, cpu = time.perf_counter(), children_cpu()
    pool = multiprocessing.get_context("fork").Pool(processes)
    done = sum(pool.starmap(trafilatura_share, [(str(path), k, processes, limit) for k in range(processes)]))
    elapsed = time.perf_counter() - started
    pool.close()
    pool.join()
    return done / elapsed, children_cpu() - cpu, done


@dataclass(frozen=True)
class EndToEnd:
    """One end-to-end run: what was stored, how fast, and whose CPU it took (seconds)."""

    stored: int
    records: int
    elapsed: float
    read_seconds: float  # until the ingest command exited (it waits on the queue's depth)
    reader_cpu: float  # the ingest command: FastWARC, records to pages, digests, compression, Redis writes
    worker_cpu: float  # the worker processes' trees, from /proc
    worker_main_cpu: float  # of which the workers' main processes (Celery's consumer: broker, prefetch, acks)
    stages_cpu: float  # of which the processing stages, by the workers' own count
    redis_cpu: float
    redis_commands: dict[str, float]  # seconds inside each Redis command (INFO commandstats)

    @property
    def cpu(self) -> float:
        return self.reader_cpu + self.worker_cpu + self.redis_cpu

    def per_article_ms(self, seconds: float) -> float:
        return seconds / self.stored * 1000.0


def ingest_command(path: Path, profile: Path | None) -> list[str]:
    """``newsdesk ingest FILE`` in a child process, under cProfile (CPU clock) when ``profile`` names a file."""
    command = ["-m", "newsdesk", "ingest", str(path), "--source", "bench"]
    if profile is not None:
        command = ["-m", "cProfile", "-o", str(profile), *command]
    return [sys.executable, *command]


def command_seconds(stack: Stack) -> dict[str, float]:
    """Seconds each Redis command has run so far (the rest of Redis's CPU is its event loop, I/O and AOF)."""
    stats = stack.runtime.redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): float(entry["usec"]) / 1e6 for name, entry in stats.items()}


def run_newsdesk(path: Path, work: Path, workers: int, profile: Path | None) -> EndToEnd:
    """``newsdesk ingest FILE`` with ``workers`` worker processes, until every queued page is stored."""
    with open_stack(work / "stack", None) as stack:
        stack.start_workers(workers, 1)
        warm_up(stack, 3 * workers)
        before, redis_cpu, reader_cpu = sample(stack.worker_pids), _redis_cpu(stack), children_cpu()
        commands = command_seconds(stack)
        stages_cpu = stack.stages_cpu_seconds()
        started = time.perf_counter()
        result = subprocess.run(ingest_command(path, profile), env=stack.env, capture_output=True, text=True,
                                timeout=3600, check=False)  # fmt: skip
        read_seconds = time.perf_counter() - started
        reader_cpu = children_cpu() - reader_cpu
        if result.returncode != 0:
            raise SystemExit(f"newsdesk ingest failed:\n{result.stderr[-2000:]}")
        cp = warc_files.get(stack.engine, file_id(str(path.resolve())))
        assert cp is not None and cp.status == "done", cp
        deadline = time.monotonic() + 3600
        warm = rows(stack, "warmup")
        while stored_total(stack) - warm < cp.records_queued and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        after = sample(stack.worker_pids)
        worker_cpu = cpu_between(before, after)
        mains = set(stack.worker_pids)
        main_cpu = sum(cpu - before.cpu.get(pid, 0.0) for pid, cpu in after.cpu.items() if pid in mains)
        if "Traceback" in stack.worker_logs():
            print("warning: a worker logged a traceback; see its log")
        return EndToEnd(
            stored=stored_total(stack) - warm,
            records=cp.records_done,
            elapsed=elapsed,
            read_seconds=read_seconds,
            reader_cpu=reader_cpu,
            worker_cpu=worker_cpu,
            worker_main_cpu=main_cpu,
            stages_cpu=stack.stages_cpu_seconds() - stages_cpu,
            redis_cpu=_redis_cpu(stack) - redis_cpu,
            redis_commands={name: spent - commands.get(name, 0.0) for name, spent in command_seconds(stack).items()},
        )


def profile_summary(profile: Path, top: int) -> str:
    out = io.StringIO()
    pstats.Stats(str(profile), stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def prefix_file(path: Path, records: int, out: Path) -> int:
    """The first ``records`` records of ``path``, byte for byte (a cut at a gzip member boundary); returns them."""
    end = None
    with path.open("rb") as handle:
        for number, record in enumerate(FastIterator(handle, parse_http=False)):
            if number == records:
                end = int(record.stream_pos)
                break
    data = path.read_bytes()
    out.write_bytes(data if end is None else data[:end])
    return records if end is not None else read_fastwarc(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.warc", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=20000, help="response records in the file")
    parser.add_argument("--workers", type=int, default=2, help="newsdesk worker processes (and peer processes)")
    parser.add_argument("--e2e-records", type=int, default=0, help="end to end over the first N records (0: all)")
    parser.add_argument("--peer-records", type=int, default=0, help="responses trafilatura extracts (0: as end to end)")
    parser.add_argument("--keep", type=Path, help="write the WARC here (and reuse it if it exists)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the reading comparison (0: skip it)")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of the ingest process")
    parser.add_argument("--skip-e2e", action="store_true", help="reading alone")
    return parser.parse_args(argv)


def compare_readers(path: Path, records: int, rounds: int) -> None:
    """The three readers in turn, ``rounds`` times (interleaved, so a change of load hits all of them)."""
    print(f"reading alone, one process, {rounds} rounds; wall rate, and records per CPU second of the reader:")
    runs: dict[str, list[tuple[float, float]]] = {}
    readers = (
        ("FastWARC, records + HTTP parse + body", read_fastwarc),
        ("newsdesk reader, records -> pages", read_newsdesk),
        ("warcio, records + body", read_warcio),
    )
    for number in range(rounds):
        for label, reader in readers:
            _, rate, per_cpu = timed(label, records, partial(reader, path))
            runs.setdefault(label, []).append((rate, per_cpu))
            print(f"  round {number + 1}  {label:<40} {rate:>8,.0f} records/s  {per_cpu:>8,.0f} per CPU s  [{load()}]")
    print(f"  median of the {rounds} rounds:")
    medians = {label: (statistics.median(r for r, _ in rates), statistics.median(c for _, c in rates))
               for label, rates in runs.items()}  # fmt: skip
    for label, (wall, per_cpu) in medians.items():
        print(f"    {label:<40} {wall:>8,.0f} records/s  {per_cpu:>8,.0f} per CPU s")
    (fast_wall, fast_cpu), (wall, per_cpu) = medians[readers[0][0]], medians[readers[1][0]]
    print(f"    newsdesk / FastWARC: {wall / fast_wall:.2f} wall, {per_cpu / fast_cpu:.2f} per CPU s; floor "
          f"{FLOOR_READ:,.0f} records/s: {'met' if wall >= FLOOR_READ else 'missed'} wall, "
          f"{'met' if per_cpu >= FLOOR_READ else 'missed'} per CPU s")  # fmt: skip


def end_to_end(args: argparse.Namespace, path: Path, work: Path, records: int) -> None:
    e2e_path = path
    if args.e2e_records and args.e2e_records < records:
        e2e_path = work / "prefix.warc.gz"
        prefix_file(path, args.e2e_records, e2e_path)
    print(f"\nend to end, {args.workers} worker processes of 1 pool process each, over the first "
          f"{args.e2e_records or records} records of the same file ({load()}):")  # fmt: skip
    profile = work / "ingest.prof" if args.profile else None
    run = run_newsdesk(e2e_path, work, args.workers, profile)
    cores = min(args.workers, os.cpu_count() or 1)
    rate, stored = run.stored / run.elapsed, run.stored
    print(f"  newsdesk ingest + {args.workers} workers (SQLite)  {rate:>7,.1f} articles/s  {stored} stored of "
          f"{run.records} records, reader done after {run.read_seconds:.0f} s (paced by the queue); "
          f"{run.per_article_ms(run.cpu):.1f} CPU ms/article = {stored / run.cpu * cores:,.0f} articles/s on "
          f"{cores} idle cores  [{load()}]")  # fmt: skip
    plumbing = run.worker_cpu - run.stages_cpu
    print(f"    CPU ms per article: reader {run.per_article_ms(run.reader_cpu):.2f}, worker stages (decode..store) "
          f"{run.per_article_ms(run.stages_cpu):.2f}, worker outside the stages (Celery, body fetch, logging) "
          f"{run.per_article_ms(plumbing):.2f}, Redis {run.per_article_ms(run.redis_cpu):.2f}")  # fmt: skip
    pool_cpu = run.worker_cpu - run.worker_main_cpu
    print(f"    CPU ms per article by process: ingest command {run.per_article_ms(run.reader_cpu):.2f}, worker main "
          f"processes {run.per_article_ms(run.worker_main_cpu):.2f}, pool processes "
          f"{run.per_article_ms(pool_cpu):.2f}, Redis server {run.per_article_ms(run.redis_cpu):.2f}")  # fmt: skip
    busiest = sorted(run.redis_commands.items(), key=lambda item: -item[1])[:REDIS_COMMANDS_SHOWN]
    print("    Redis ms per article inside commands (their run time: a loaded machine stretches it): "
          + ", ".join(f"{name} {run.per_article_ms(spent):.2f}" for name, spent in busiest))  # fmt: skip
    limit = args.peer_records or args.e2e_records or records
    peer_rate, peer_cpu, done = run_trafilatura(path, args.workers, limit)
    print(f"  trafilatura over warcio, {args.workers} processes  {peer_rate:>7,.1f} articles/s  {done} extracted "
          f"(text only: no dedupe, flags, storage); {peer_cpu / done * 1000:.1f} CPU ms/article = "
          f"{done / peer_cpu * cores:,.0f} articles/s on {cores} idle cores  [{load()}]")  # fmt: skip
    per_cpu = (stored / run.cpu) / (done / peer_cpu)
    idle = stored / run.cpu * cores
    print(f"  newsdesk / trafilatura: {rate / peer_rate:.1f}x wall, {per_cpu:.1f}x per CPU second; floor "
          f"{FLOOR_E2E:.0f} articles/s end to end: {'met' if rate >= FLOOR_E2E else 'missed'} wall, "
          f"{'met' if idle >= FLOOR_E2E else 'missed'} on {cores} idle cores")  # fmt: skip
    if profile is not None:
        print(f"\nthe ingest process, cProfile (top {args.profile} by own time):")
        print(profile_summary(profile, args.profile))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(f"newsdesk WARC bench, {started}; {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="newsdesk-warc-") as tmp:
        work = Path(tmp)
        path = args.keep or work / "bench.warc.gz"
        clock = time.perf_counter()
        made = "reused" if path.exists() else "written with warcio"
        records = build(path, args.count) if not path.exists() else read_fastwarc(path)
        size = path.stat().st_size
        print(f"file: {path.name}, {records} records ({records - 1} responses: 181 Zyte pages + generated), "
              f"{size / 2**20:.0f} MiB, gzip per record; {made} in {time.perf_counter() - clock:.0f} s; "
              f"{load()}\n")  # fmt: skip
        read_fastwarc(path)  # the file is in the page cache for everyone
        if args.rounds > 0:
            compare_readers(path, records, args.rounds)
        if not args.skip_e2e:
            end_to_end(args, path, work, records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
