"""Per-file checkpoints of WARC ingestion, and the lease of the one reader of each file.

A row per file says how far it has been read (the offset of the last record
handed off to the processing queue), what was skipped and why, and who reads
it now.  Every write of a reader is fenced by its lease: it names the owner
and only succeeds while that owner's lease is live, so a reader that lost its
lease (it stalled and another took over) can never move the checkpoint.
A claim is a conditional ``UPDATE`` with a row-count check, on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import OperationalError

from pipelines.errors import StorageUnavailable
from pipelines.storage.repository import upsert_row
from pipelines.storage.schema import warc_files

FileStatus = Literal["queued", "reading", "done", "damaged", "failed"]
FINISHED: frozenset[str] = frozenset({"done", "damaged", "failed"})


@dataclass(frozen=True)
class Checkpoint:
    """How far one file has been read."""

    file_id: str
    location: str
    status: str
    last_offset: int | None = None
    records_done: int = 0
    records_queued: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    damage_offset: int | None = None
    error: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None

    @property
    def records_skipped(self) -> int:
        return sum(self.skipped.values())


@dataclass(frozen=True)
class Claim:
    """The outcome of trying to take a file: ``checkpoint`` is set when it was taken, else ``why`` says."""

    checkpoint: Checkpoint | None
    why: Literal["claimed", "finished", "held"]
    retry_in: float = 0.0


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every time written here is UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _checkpoint(row: Any) -> Checkpoint:
    m = row._mapping
    return Checkpoint(
        file_id=m["id"],
        location=m["location"],
        status=m["status"],
        last_offset=m["last_offset"],
        records_done=m["records_done"],
        records_queued=m["records_queued"],
        skipped=dict(m["skipped"] or {}),
        damage_offset=m["damage_offset"],
        error=m["error"],
        lease_owner=m["lease_owner"],
        lease_expires_at=_aware(m["lease_expires_at"]),
    )


def register(engine: Engine, file_id: str, location: str) -> None:
    """Make sure the file has a row (a no-op if it has one, whatever its state)."""
    now = datetime.now(UTC)
    row = {
        "id": file_id,
        "location": location,
        "status": "queued",
        "records_done": 0,
        "records_queued": 0,
        "records_skipped": 0,
        "skipped": {},
        "created_at": now,
        "updated_at": now,
    }
    try:
        with engine.begin() as connection:
            upsert_row(connection, warc_files, row, ["id"], [])
    except OperationalError as exc:
        raise StorageUnavailable(f"database unavailable: {exc.orig}") from exc


def get(engine: Engine, file_id: str) -> Checkpoint | None:
    with engine.connect() as connection:
        row = connection.execute(select(warc_files).where(warc_files.c.id == file_id)).first()
    return None if row is None else _checkpoint(row)


def list_files(engine: Engine) -> list[Checkpoint]:
    with engine.connect() as connection:
        rows = connection.execute(select(warc_files).order_by(warc_files.c.created_at, warc_files.c.location))
        return [_checkpoint(row) for row in rows]


def _live(owner: str, now: datetime) -> Any:
    return and_(warc_files.c.lease_owner == owner, warc_files.c.lease_expires_at >= now)


def claim(engine: Engine, file_id: str, location: str, owner: str, lease_seconds: float) -> Claim:
    """Take the file for ``owner`` unless it is finished or another reader's lease is live."""
    register(engine, file_id, location)
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                update(warc_files)
                .where(
                    warc_files.c.id == file_id,
                    warc_files.c.status.not_in(sorted(FINISHED)),
                    or_(warc_files.c.lease_owner.is_(None), warc_files.c.lease_expires_at < now),
                )
                .values(
                    status="reading",
                    lease_owner=owner,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                    updated_at=now,
                )
            )
            row = connection.execute(select(warc_files).where(warc_files.c.id == file_id)).first()
    except OperationalError as exc:
        raise StorageUnavailable(f"database unavailable: {exc.orig}") from exc
    assert row is not None
    checkpoint = _checkpoint(row)
    if result.rowcount == 1:
        return Claim(checkpoint, "claimed")
    if checkpoint.status in FINISHED:
        return Claim(None, "finished")
    expires = checkpoint.lease_expires_at or now
    return Claim(None, "held", max((expires - now).total_seconds(), 0.0) + 1.0)


def advance(
    engine: Engine, checkpoint: Checkpoint, owner: str, lease_seconds: float, status: FileStatus = "reading"
) -> bool:
    """Write ``checkpoint`` and renew the lease (or, for a finished status, drop it); False if the lease was lost."""
    now = datetime.now(UTC)
    finished = status in FINISHED
    values: dict[str, Any] = {
        "status": status,
        "last_offset": checkpoint.last_offset,
        "records_done": checkpoint.records_done,
        "records_queued": checkpoint.records_queued,
        "records_skipped": checkpoint.records_skipped,
        "skipped": dict(checkpoint.skipped),
        "damage_offset": checkpoint.damage_offset,
        "error": checkpoint.error,
        "lease_expires_at": None if finished else now + timedelta(seconds=lease_seconds),
        "updated_at": now,
    }
    if finished:
        values.update(lease_owner=None, finished_at=now)
    try:
        with engine.begin() as connection:
            result = connection.execute(
                update(warc_files).where(warc_files.c.id == checkpoint.file_id, _live(owner, now)).values(**values)
            )
    except OperationalError as exc:
        raise StorageUnavailable(f"database unavailable: {exc.orig}") from exc
    return result.rowcount == 1


def release(engine: Engine, file_id: str, owner: str) -> bool:
    """Give the lease up at the end of a slice (the next slice may be read by any worker)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        result = connection.execute(
            update(warc_files)
            .where(warc_files.c.id == file_id, warc_files.c.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None, updated_at=now)
        )
    return result.rowcount == 1


def requeue(engine: Engine, file_id: str) -> bool:
    """A failed file may be tried again (``newsdesk ingest --warc-list`` after the fault is fixed)."""
    with engine.begin() as connection:
        result = connection.execute(
            update(warc_files)
            .where(warc_files.c.id == file_id, warc_files.c.status == "failed")
            .values(status="queued")
        )
    return result.rowcount == 1
