"""``newsdesk ingest`` for WARC files: read them here, or queue one leased task per file with ``--warc-list``."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from config.settings import Settings
from pipelines.storage import warc_files
from pipelines.storage.engine import make_engine
from pipelines.storage.warc_files import Checkpoint
from pipelines.warc.job import DEFAULT_MIME_TYPES, WarcFilters, WarcJob
from pipelines.warc.reader import is_remote
from workers.queues import CRAWL_QUEUE
from workers.runtime import build_runtime
from workers.warc_ingest import IngestPorts, read_slice, reader_name
from workers.warc_tasks import send_warc_job

WARC_SUFFIXES = (".warc", ".warc.gz")
# The command's own lease: a reader killed without a word blocks a rerun this long at most.
CLI_LEASE_SECONDS = 30.0


def is_warc_path(raw: str) -> bool:
    return raw.lower().endswith(WARC_SUFFIXES)


def wants_warc(args: argparse.Namespace) -> bool:
    return bool(args.warc_list or args.warc_status or any(is_warc_path(raw) for raw in args.paths))


def _moment(raw: str | None, flag: str) -> datetime | None:
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"{flag}: expected an ISO date or time, got {raw!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _names(raw: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in raw.split(",") if part.strip())


def filters_from(args: argparse.Namespace) -> WarcFilters:
    """The filters the flags ask for; raises ValueError naming the flag at fault."""
    hosts = [host for host in (*args.allow_host, *args.deny_host) if not host.strip() or "/" in host]
    if hosts:
        raise ValueError(f"--allow-host/--deny-host: expected a host name, got {hosts[0]!r}")
    return WarcFilters(
        languages=_names(args.language),
        allow_hosts=frozenset(h.strip().lower().rstrip(".") for h in args.allow_host),
        deny_hosts=frozenset(h.strip().lower().rstrip(".") for h in args.deny_host),
        mime_types=_names(args.mime) if args.mime else DEFAULT_MIME_TYPES,
        since=_moment(args.since, "--since"),
        until=_moment(args.until, "--until"),
    )


def _location(raw: str) -> str:
    """A URL as it is; a path made absolute, so the checkpoint names the same file from any directory."""
    return raw if is_remote(raw) else str(Path(raw).resolve())


def _summary(cp: Checkpoint) -> str:
    skipped = ", ".join(f"{reason} {n}" for reason, n in sorted(cp.skipped.items())) or "none"
    return f"{cp.records_done} records read, {cp.records_queued} pages queued, skipped: {skipped}"


def read_here(settings: Settings, job: WarcJob) -> int:
    """Read one file in this process, checkpointed; Ctrl+C stops it and a rerun continues."""
    runtime = build_runtime(settings)
    engine = make_engine(settings.sqlalchemy_url)
    ports = IngestPorts(
        engine=engine,
        redis=runtime.redis,
        dispatcher=runtime.dispatcher,
        batch_size=settings.crawl.warc_batch_size,
        max_bytes=settings.crawl.max_response_bytes,
        lease_seconds=CLI_LEASE_SECONDS,
    )

    def progress(cp: Checkpoint) -> None:
        print(f"\r{job.location}: {cp.records_done} records, {cp.records_queued} queued", end="", file=sys.stderr)

    try:
        while True:
            result = read_slice(ports, job, reader_name(), None, progress)
            if result.outcome != "held":
                break
            print(f"{job.location}: another reader holds it; trying again in {result.retry_in:.0f} s", file=sys.stderr)
            time.sleep(result.retry_in)
    except KeyboardInterrupt:
        cp = warc_files.get(engine, job.file_id)
        at = cp.last_offset if cp else None
        print(f"\n{job.location}: interrupted after offset {at}; the same command continues", file=sys.stderr)
        raise
    finally:
        engine.dispose()
    cp = result.checkpoint
    print("", file=sys.stderr)
    if cp is None:
        print(f"{job.location}: lease lost to another reader", file=sys.stderr)
        return 1
    if result.outcome == "finished":
        print(f"{job.location}: already read ({cp.status}): {_summary(cp)}", file=sys.stderr)
    elif result.outcome == "lost_lease":
        print(f"{job.location}: another reader took the file over; it continues from the checkpoint", file=sys.stderr)
    if result.resumed_after is not None:
        print(f"{job.location}: resumed after offset {result.resumed_after}", file=sys.stderr)
    if cp.status in ("damaged", "failed"):
        print(f"newsdesk: {job.location}: {cp.error}; {_summary(cp)}", file=sys.stderr)
        return 1
    print(f"{job.location}: {cp.status}: {_summary(cp)}", file=sys.stderr)
    return 0


def queue_list(settings: Settings, list_file: str, source_id: str, filters: WarcFilters) -> int:
    """One task per listed file on the crawl queue; files already read are left alone."""
    try:
        lines = Path(list_file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"newsdesk: --warc-list {list_file}: {exc}", file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    engine = make_engine(settings.sqlalchemy_url)
    queued, faults = 0, 0
    try:
        for number, line in enumerate(lines, 1):
            raw = line.strip()
            if not raw or raw.startswith("#"):
                continue
            if not is_remote(raw) and not Path(raw).is_file():
                print(f"{list_file}:{number}: {raw}: no such file", file=sys.stderr)
                faults += 1
                continue
            job = WarcJob(_location(raw), source_id, filters)
            cp = warc_files.get(engine, job.file_id)
            if cp is not None and cp.status in ("done", "damaged"):
                print(f"{job.location}: already read ({cp.status}); not queued", file=sys.stderr)
                continue
            if cp is not None and cp.status == "failed":
                warc_files.requeue(engine, job.file_id)
            warc_files.register(engine, job.file_id, job.location)
            send_warc_job(runtime.app, job)
            queued += 1
    finally:
        engine.dispose()
    print(f"queued {queued} WARC file(s) on {CRAWL_QUEUE}, one task each", file=sys.stderr)
    return 1 if faults else 0


def show_status(settings: Settings) -> int:
    engine = make_engine(settings.sqlalchemy_url)
    try:
        files = warc_files.list_files(engine)
    finally:
        engine.dispose()
    for cp in files:
        damage = f"  damaged at {cp.damage_offset}" if cp.damage_offset is not None else ""
        print(f"{cp.status:<8} {cp.records_done:>8} read {cp.records_queued:>8} queued{damage}  {cp.location}")
    if not files:
        print("no WARC files seen yet")
    return 0


def cmd_ingest_warc(settings: Settings, args: argparse.Namespace, paths: list[str]) -> int:
    """The WARC side of ``newsdesk ingest``: ``paths`` are the .warc/.warc.gz arguments."""
    if args.warc_status:
        return show_status(settings)
    try:
        filters = filters_from(args)
    except ValueError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 2
    source_id = args.source if args.source != "ingest" else "warc"
    code = 0
    if args.warc_list:
        code = max(code, queue_list(settings, args.warc_list, source_id, filters))
    for raw in paths:
        if not is_remote(raw) and not Path(raw).is_file():
            print(f"{raw}: no such file", file=sys.stderr)
            code = max(code, 2)
            continue
        code = max(code, read_here(settings, WarcJob(_location(raw), source_id, filters)))
    return code
