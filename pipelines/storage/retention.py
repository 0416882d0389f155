"""Retention: drop article text, page bodies and flag rows older than the configured ages, in batches.

The job works the same on SQLite and PostgreSQL (plain UPDATE/DELETE by key, no partitions), so the
embedded default and a deployment at scale age out alike.  It is

* **batched**: each batch selects up to ``batch_size`` keys, then changes them in its own short
  transaction, re-checking the age in the UPDATE/DELETE, so an article a worker stores again meanwhile
  (fresh ``updated_at``) keeps its new text;
* **idempotent**: text already removed carries :data:`RETENTION_MARK` in ``empty_reason`` and is never
  selected again; removed bodies and flags are gone; a second run changes nothing.  Two runs at once only
  race to the same end state;
* **audited**: a run that changed anything writes one ``audit_log`` row (actor ``retention``) with its
  cut-offs and counts;
* **reversible by a new crawl only**: a page stored again gets its text back (the upsert rewrites text,
  stripped blocks and ``empty_reason``).

A dry run counts what would go (rows and bytes) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, delete, exists, func, insert, literal, select, text
from sqlalchemy import update as sql_update

from config.settings import RetentionSettings
from pipelines.storage import search
from pipelines.storage.schema import (
    ARTICLE_TEXT_KEPT,
    RETENTION_MARK,
    articles,
    audit_log,
    flags,
    page_html,
    review_items,
)

EMPTY_REASON_CHARS = 200  # articles.empty_reason is String(200)
OPEN_REVIEW_STATES = ("pending", "claimed")
ACTOR = "retention"


@dataclass(frozen=True)
class Cutoffs:
    """Rows last written before these moments go; None keeps that kind forever."""

    text: datetime | None
    bodies: datetime | None
    flags: datetime | None

    def to_json(self) -> dict[str, str | None]:
        return {kind: None if at is None else at.isoformat() for kind, at in vars(self).items()}


def cutoffs(policy: RetentionSettings, now: datetime) -> Cutoffs:
    """The cut-off of each kind at ``now`` (pure)."""

    def before(days: int) -> datetime | None:
        return now - timedelta(days=days) if days else None

    return Cutoffs(before(policy.text_days), before(policy.bodies_days), before(policy.flags_days))


@dataclass(frozen=True)
class RetentionReport:
    """What one run removed (or, dry, would remove)."""

    at: datetime
    dry_run: bool
    cutoffs: Cutoffs
    texts: int
    text_chars: int
    bodies: int
    body_bytes: int
    flags: int
    batches: int

    @property
    def changed(self) -> int:
        return self.texts + self.bodies + self.flags

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "dry_run": self.dry_run,
            "cutoffs": self.cutoffs.to_json(),
            "texts": self.texts,
            "text_chars": self.text_chars,
            "bodies": self.bodies,
            "body_bytes": self.body_bytes,
            "flags": self.flags,
            "batches": self.batches,
        }


def text_mark(days: int) -> str:
    return f"{RETENTION_MARK} text removed after {days} days"


def _text_due(cutoff: datetime) -> ColumnElement[bool]:
    # The partial index's own predicate, as text: a bound parameter would keep the planners from matching it.
    return and_(articles.c.updated_at < cutoff, text(f"({ARTICLE_TEXT_KEPT})"))


def _body_due(cutoff: datetime) -> ColumnElement[bool]:
    return page_html.c.stored_at < cutoff


def _flag_due(cutoff: datetime) -> ColumnElement[bool]:
    aged = exists().where(articles.c.id == flags.c.article_id, articles.c.updated_at < cutoff)
    under_review = exists().where(
        review_items.c.article_id == flags.c.article_id, review_items.c.state.in_(OPEN_REVIEW_STATES)
    )
    return and_(aged, ~under_review)


def _count(conn: Connection, table: Any, condition: ColumnElement[bool], size: Any) -> tuple[int, int]:
    row = conn.execute(select(func.count(), func.coalesce(func.sum(size), 0)).select_from(table).where(condition))
    count, total = row.one()
    return int(count), int(total)


@dataclass(frozen=True)
class BatchDone:
    """What one batch saw and changed: rows looked at, rows changed, and their size (characters or bytes)."""

    seen: int
    changed: int
    size: int = 0


def _in_batches(engine: Engine, batch_size: int, step: Callable[[Connection], BatchDone]) -> tuple[int, int, int]:
    """Run ``step`` in one transaction per batch until a batch comes back short; (changed, size, batches)."""
    changed = size = batches = 0
    while True:
        with engine.begin() as conn:
            batch = step(conn)
        if not batch.seen:
            return changed, size, batches
        changed, size, batches = changed + batch.changed, size + batch.size, batches + 1
        if batch.seen < batch_size:
            return changed, size, batches


def _drop_texts(engine: Engine, cutoff: datetime, days: int, batch_size: int) -> tuple[int, int, int]:
    """Empty text and stripped blocks of aged articles; the search entry keeps the title."""
    due = _text_due(cutoff)
    reason = func.substr(
        literal(text_mark(days)) + func.coalesce(literal("; was: ") + articles.c.empty_reason, ""),
        1,
        EMPTY_REASON_CHARS,
    )

    def step(conn: Connection) -> BatchDone:
        rows = conn.execute(
            select(articles.c.id, func.length(articles.c.text).label("chars"))
            .where(due)
            .order_by(articles.c.updated_at, articles.c.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return BatchDone(0, 0)
        ids = [row.id for row in rows]
        conn.execute(
            sql_update(articles).where(articles.c.id.in_(ids), due).values(text="", stripped=[], empty_reason=reason)
        )
        # Only the rows this batch changed lose their search text (a concurrent re-store kept its own).
        changed = {
            row.id: row.title
            for row in conn.execute(
                select(articles.c.id, articles.c.title).where(
                    articles.c.id.in_(ids), articles.c.empty_reason.startswith(RETENTION_MARK)
                )
            )
        }
        for article_id, title in changed.items():
            search.index_article(conn, article_id, title, "")
        chars = sum(int(row.chars or 0) for row in rows if row.id in changed)
        return BatchDone(len(rows), len(changed), chars)

    return _in_batches(engine, batch_size, step)


def _drop_bodies(engine: Engine, cutoff: datetime, batch_size: int) -> tuple[int, int, int]:
    due = _body_due(cutoff)

    def step(conn: Connection) -> BatchDone:
        rows = conn.execute(
            select(page_html.c.article_id, func.length(page_html.c.body).label("bytes"))
            .where(due)
            .order_by(page_html.c.stored_at, page_html.c.article_id)
            .limit(batch_size)
        ).all()
        if not rows:
            return BatchDone(0, 0)
        removed = conn.execute(
            delete(page_html).where(page_html.c.article_id.in_([row.article_id for row in rows]), due)
        ).rowcount
        return BatchDone(len(rows), int(removed or 0), sum(int(row.bytes or 0) for row in rows))

    return _in_batches(engine, batch_size, step)


def _drop_flags(engine: Engine, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    due = _flag_due(cutoff)
    after = [0]  # the last flag id looked at: the next batch starts past it

    def step(conn: Connection) -> BatchDone:
        ids = list(
            conn.execute(
                select(flags.c.id).where(flags.c.id > after[0], due).order_by(flags.c.id).limit(batch_size)
            ).scalars()
        )
        if not ids:
            return BatchDone(0, 0)
        after[0] = ids[-1]
        removed = conn.execute(delete(flags).where(flags.c.id.in_(ids), due)).rowcount
        return BatchDone(len(ids), int(removed or 0))

    done, _size, batches = _in_batches(engine, batch_size, step)
    return done, batches


def _dry(engine: Engine, at: datetime, limits: Cutoffs) -> RetentionReport:
    texts = chars = bodies = body_bytes = flag_rows = 0
    with engine.connect() as conn:
        if limits.text is not None:
            texts, chars = _count(conn, articles, _text_due(limits.text), func.length(articles.c.text))
        if limits.bodies is not None:
            bodies, body_bytes = _count(conn, page_html, _body_due(limits.bodies), func.length(page_html.c.body))
        if limits.flags is not None:
            flag_rows, _ = _count(conn, flags, _flag_due(limits.flags), literal(0))
    return RetentionReport(at, True, limits, texts, chars, bodies, body_bytes, flag_rows, 0)


def run_retention(
    engine: Engine, policy: RetentionSettings, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Apply ``policy`` at ``now`` (default: the current time); a dry run only counts."""
    at = now or datetime.now(UTC)
    limits = cutoffs(policy, at)
    if dry_run:
        return _dry(engine, at, limits)
    texts = chars = bodies = body_bytes = flag_rows = batches = 0
    if limits.text is not None:
        texts, chars, done = _drop_texts(engine, limits.text, policy.text_days, policy.batch_size)
        batches += done
    if limits.bodies is not None:
        bodies, body_bytes, done = _drop_bodies(engine, limits.bodies, policy.batch_size)
        batches += done
    if limits.flags is not None:
        flag_rows, done = _drop_flags(engine, limits.flags, policy.batch_size)
        batches += done
    report = RetentionReport(at, False, limits, texts, chars, bodies, body_bytes, flag_rows, batches)
    if report.changed:
        with engine.begin() as conn:
            conn.execute(
                insert(audit_log).values(
                    at=at, actor=ACTOR, action="retention", target="articles", detail=report.to_json()
                )
            )
    return report
