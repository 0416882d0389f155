"""Claims under contention: 20 concurrent claimers never receive the same item.

Each claimer is a thread with its own engine (so its own connection), against
SQLite and against PostgreSQL (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from pipelines.storage.engine import make_engine
from pipelines.storage.schema import audit_log, decisions, review_items
from review import decisions as decide_mod
from review import leases
from review.clock import utcnow
from review.numbers import stats
from review.queue import QueueFilter, list_items
from tests.support.review_seed import SeedArticle, SeedFlag, migrated_engine, seed_article, seed_many

CLAIMERS = 20


@pytest.fixture()
def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'review.db'}"


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture()
def pg_url(postgres_url: str) -> Iterator[str]:
    """A fresh database on the shared server, dropped afterwards."""
    name = f"newsdesk_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_psycopg(postgres_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_claimers(url: str, claims_each: int | None) -> dict[str, list[int]]:
    """Start CLAIMERS threads together; each claims until empty (or ``claims_each`` times)."""
    barrier = threading.Barrier(CLAIMERS)
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        engine = make_engine(url)
        got: list[int] = []
        try:
            barrier.wait()
            while claims_each is None or len(got) < claims_each:
                item_id = leases.claim_next(engine, name, 600)
                if item_id is None:
                    break
                got.append(item_id)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            results[name] = got
            engine.dispose()

    threads = [threading.Thread(target=claimer, args=(f"r{n:02d}",)) for n in range(CLAIMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def check_exclusive(url: str, items: list[int], claims_each: int | None) -> None:
    results = run_claimers(url, claims_each)
    claimed = [item for got in results.values() for item in got]
    duplicates = [item for item, count in Counter(claimed).items() if count > 1]
    assert duplicates == []
    expected = len(items) if claims_each is None else min(len(items), CLAIMERS * claims_each)
    assert len(claimed) == expected
    engine = make_engine(url)
    with engine.connect() as conn:
        owners = dict(conn.execute(select(review_items.c.id, review_items.c.lease_owner)).all())
        claims = conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "claim"))
        assert claims.scalar_one() == expected
    engine.dispose()
    for name, got in results.items():
        for item in got:
            assert owners[item] == name


@pytest.mark.slow
def test_sqlite_claimers_drain_the_queue(sqlite_url: str) -> None:
    engine = migrated_engine(sqlite_url)
    items = seed_many(engine, 60)
    engine.dispose()
    check_exclusive(sqlite_url, items, None)


def test_sqlite_more_claimers_than_items(sqlite_url: str) -> None:
    engine = migrated_engine(sqlite_url)
    items = seed_many(engine, 7)
    engine.dispose()
    check_exclusive(sqlite_url, items, 1)


@pytest.mark.postgres
def test_postgres_claimers_drain_the_queue(pg_url: str) -> None:
    engine = migrated_engine(pg_url)
    items = seed_many(engine, 60)
    engine.dispose()
    check_exclusive(pg_url, items, None)


@pytest.mark.postgres
def test_postgres_more_claimers_than_items(pg_url: str) -> None:
    engine = migrated_engine(pg_url)
    items = seed_many(engine, 7)
    engine.dispose()
    check_exclusive(pg_url, items, 1)


@pytest.mark.postgres
def test_postgres_decide_undo_and_numbers(pg_url: str) -> None:
    """The whole lifecycle on PostgreSQL: JSON columns, aware datetimes, the stats queries."""
    engine = migrated_engine(pg_url)
    first = seed_article(engine, SeedArticle("orig", text="cheap pills", flags=(SeedFlag("spam", "cheap"),)))
    copy = seed_article(engine, SeedArticle("copy", duplicate_of="orig", priority=1))
    other = seed_article(engine, SeedArticle("other", priority=1, flags=(SeedFlag("spam_link"),)))
    with engine.connect() as conn:
        assert [item.id for item in list_items(conn, QueueFilter(code="spam"), utcnow())] == [first, copy]
        assert [item.id for item in list_items(conn, QueueFilter(code="spam_link"), utcnow())] == [other]
        assert list_items(conn, QueueFilter(code="spam%"), utcnow()) == []
    assert leases.claim_next(engine, "rita", 600) == first
    leases.heartbeat(engine, first, "rita", 600)
    done = decide_mod.decide(engine, first, "rita", "reject", "spam", apply_to_copies=True)
    assert sorted(done.ids) == [first, copy]
    decide_mod.undo(engine, copy, "ada", "copy was fine")
    exported = list(decide_mod.export(engine))
    assert [row["decision"] for row in exported] == ["reject", "reject", "undo"]
    assert exported[0]["flags"][0]["evidence"][0]["excerpt"] == "cheap"
    with engine.connect() as conn:
        numbers = stats(conn, utcnow())
        assert conn.execute(select(func.count()).select_from(decisions)).scalar_one() == 3
    assert numbers.queue_depth == 2
    assert numbers.decisions_last_hour == 2
    assert {rule.code: (rule.confirmed, rule.approved) for rule in numbers.rules} == {"spam": (1, 0)}
    engine.dispose()
