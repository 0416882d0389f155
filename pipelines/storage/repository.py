"""Idempotent writes of processed articles, and the counts ``newsdesk stats`` shows.

Saving the same :class:`ProcessedArticle` twice leaves the same rows: the
article is upserted by its id, its flags are replaced as a set, and its review
item is created once.  A decided article never changes under its decision
silently: a save whose content differs from what was decided re-opens the
review item and says so in the audit log.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from pipelines.copy_flags import CopyFlags
from pipelines.errors import StorageUnavailable
from pipelines.models import ExtractedArticle, ProcessedArticle
from pipelines.storage import search
from pipelines.storage.clusters import REVIEW_ACTIONS, cluster_of, evidence_row, review_item_row, settle_many
from pipelines.storage.metadata_row import metadata_row
from pipelines.storage.schema import articles, audit_log, dead_letters, flags, page_html, review_items

PAGE_COMPRESSION = 3  # zlib level: most of level 9's saving on HTML at a fraction of its CPU


@cache
def _upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], update_cols: tuple[str, ...]) -> Any:
    """Built once per shape and reused: building an upsert (and its ``excluded`` alias) per row cost
    more CPU than the SQLite write itself.  Values travel as execute parameters."""
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table)
    else:  # pragma: no cover - only the two supported databases
        raise StorageUnavailable(f"unsupported database dialect {dialect}")
    if update_cols:
        return stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in update_cols})
    return stmt.on_conflict_do_nothing(index_elements=list(keys))


def upsert_row(
    connection: Connection, table: Table, values: dict[str, Any], keys: list[str], update_cols: list[str]
) -> None:
    stmt = _upsert_statement(connection.dialect.name, table, tuple(keys), tuple(update_cols))
    connection.execute(stmt, values)


_DELETE_FLAGS = delete(flags).where(flags.c.article_id == bindparam("doomed_article_id"))
_INSERT_FLAGS = insert(flags)


def _shallow(record: Any) -> dict[str, Any]:
    """``dataclasses.asdict`` for records of plain fields, without its per-value deepcopy (a hot path)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _article_row(processed: ProcessedArticle, now: datetime) -> dict[str, Any]:
    page, article, verdict, outcome = processed.page, processed.article, processed.verdict, processed.outcome
    return {
        "id": processed.article_id,
        "url": page.url,
        "canonical_url": article.canonical_url or page.final_url,
        "source_id": page.source_id,
        "crawl_run_id": page.crawl_run_id,
        "fetched_at": page.fetched_at,
        "http_status": page.status,
        "title": article.title,
        "text": article.text,
        "published": article.published,
        "author": (article.author or "")[:300] or None,
        "language": article.language,
        "stripped": [_shallow(block) for block in article.stripped],
        "empty_reason": article.empty_reason,
        "content_hash": processed.content_hash,
        "duplicate_of": verdict.duplicate_of,
        "duplicate_kind": verdict.kind,
        "similarity": verdict.similarity,
        "action": outcome.action,
        "score": outcome.score,
        "rule_version": outcome.rule_version,
        "created_at": now,
        "updated_at": now,
        "warc_file": page.provenance.file if page.provenance else None,
        "warc_offset": page.provenance.offset if page.provenance else None,
        "warc_record_id": page.provenance.record_id if page.provenance else None,
        "modified": article.metadata.modified.value,
        "article_metadata": metadata_row(article.metadata),
        "cluster_id": cluster_of(processed).id,
        "origin_evidence": evidence_row(processed.evidence),
    }


def _reopen_if_changed(connection: Connection, processed: ProcessedArticle, before: Any, now: datetime) -> bool:
    """Re-open a decided review item whose article's content just changed (audited); True if one was."""
    if before is None or before.content_hash == processed.content_hash:
        return False
    item = connection.execute(
        select(review_items.c.id, review_items.c.decision, review_items.c.decided_by).where(
            review_items.c.article_id == processed.article_id, review_items.c.state == "decided"
        )
    ).first()
    if item is None:
        return False
    connection.execute(
        update(review_items)
        .where(review_items.c.id == item.id)
        .values(state="pending", decision=None, decided_by=None, decided_at=None, lease_owner=None,
                lease_expires_at=None, priority=max(processed.outcome.review_priority, 1),
                action=processed.outcome.action, score=processed.outcome.score,
                codes=" ".join(sorted({f.code for f in processed.outcome.flags})))
    )  # fmt: skip
    detail = {
        "reason": "content changed after the decision",
        "article_id": processed.article_id,
        "previous_decision": item.decision,
        "decided_by": item.decided_by,
        "previous_content_hash": before.content_hash,
        "content_hash": processed.content_hash,
        "previous_source_id": before.source_id,
        "source_id": processed.page.source_id,
        "url": processed.page.final_url,
    }
    connection.execute(
        insert(audit_log).values(at=now, actor="newsdesk", action="reopen", target=f"item:{item.id}", detail=detail)
    )
    return True


def _page_row(processed: ProcessedArticle, now: datetime, compressed: bytes | None) -> dict[str, Any]:
    """The page as fetched, so a reviewer can see it and an admin can re-run extraction; ``compressed`` is the
    body as a zlib stream already (what the processing queue carried), kept as it is rather than deflated again."""
    return {
        "article_id": processed.article_id,
        "body": compressed if compressed is not None else zlib.compress(processed.page.body, PAGE_COMPRESSION),
        "content_type": (processed.page.content_type or "")[:200] or None,
        "stored_at": now,
    }


def stored_page(connection: Connection, article_id: str) -> tuple[bytes, str | None] | None:
    """The page an article was extracted from (its bytes and content type), if kept."""
    row = connection.execute(
        select(page_html.c.body, page_html.c.content_type).where(page_html.c.article_id == article_id)
    ).first()
    return None if row is None else (zlib.decompress(row.body), row.content_type)


def update_extraction(connection: Connection, article_id: str, article: ExtractedArticle, now: datetime) -> None:
    """Replace an article's extracted fields after a re-run, keeping the search index in step."""
    connection.execute(
        update(articles)
        .where(articles.c.id == article_id)
        .values(
            title=article.title,
            text=article.text,
            published=article.published,
            author=(article.author or "")[:300] or None,
            language=article.language,
            stripped=[_shallow(block) for block in article.stripped],
            empty_reason=article.empty_reason,
            updated_at=now,
        )
    )
    search.index_article(connection, article_id, article.title, article.text)


def _flag_rows(processed: ProcessedArticle) -> list[dict[str, Any]]:
    """The article's flags as rows, one per (rule, code)."""
    rows = [
        {
            "article_id": processed.article_id,
            "rule_id": flag.rule_id or flag.code,
            "code": flag.code,
            "severity": flag.severity,
            "action": flag.action,
            "score": flag.score,
            "shadow": flag.shadow,
            "detail": flag.detail,
            "evidence": [_shallow(e) for e in flag.evidence],
            "rule_version": flag.rule_version or processed.outcome.rule_version,
        }
        for flag in processed.outcome.flags
    ]
    return list({(r["rule_id"], r["code"]): r for r in rows}.values())


def _review_row(processed: ProcessedArticle, now: datetime) -> dict[str, Any]:
    return review_item_row(
        processed.article_id, processed.outcome, processed.page.source_id, processed.article.language, now
    )


def _upsert_rows(
    connection: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str], update_cols: list[str]
) -> None:
    """``upsert_row`` for many rows in one execute (executemany): the statement's overhead is paid once."""
    if rows:
        stmt = _upsert_statement(connection.dialect.name, table, tuple(keys), tuple(update_cols))
        connection.execute(stmt, rows)


def _distinct_runs(items: Sequence[ProcessedArticle]) -> list[list[int]]:
    """Positions of ``items`` cut into runs in which no article id repeats: two pages of one article in a batch are
    stored one after the other, as two saves would, never by one multi-row statement touching a row twice."""
    runs: list[list[int]] = [[]]
    seen: set[str] = set()
    for position, processed in enumerate(items):
        if processed.article_id in seen:
            runs.append([])
            seen = set()
        seen.add(processed.article_id)
        runs[-1].append(position)
    return runs


def _save_run(
    connection: Connection, items: list[ProcessedArticle], bodies: list[bytes | None], copies: CopyFlags | None,
    now: datetime,
) -> list[bool]:  # fmt: skip
    """Store articles of distinct ids inside the caller's transaction; per article, whether it has a review item."""
    ids = [processed.article_id for processed in items]
    # A write first (the flags are replaced below; nothing before that reads them): on SQLite it takes the write
    # lock, so what ``before`` reads cannot change until this transaction commits (which ids are new decides whether
    # their search entries need deleting).
    connection.execute(_DELETE_FLAGS, [{"doomed_article_id": article_id} for article_id in ids])
    before = {
        row.id: row
        for row in connection.execute(
            select(articles.c.id, articles.c.content_hash, articles.c.source_id).where(articles.c.id.in_(ids))
        )
    }
    reopened = [_reopen_if_changed(connection, processed, before.get(processed.article_id), now) for processed in items]
    article_rows = [_article_row(processed, now) for processed in items]
    update_cols = [c for c in article_rows[0] if c not in ("id", "created_at")]
    _upsert_rows(connection, articles, article_rows, ["id"], update_cols)
    page_rows = [_page_row(processed, now, body) for processed, body in zip(items, bodies, strict=True)]
    _upsert_rows(connection, page_html, page_rows, ["article_id"], ["body", "content_type", "stored_at"])
    entries = [(p.article_id, p.article.title, p.article.text) for p in items]
    search.index_articles(connection, entries, unindexed={i for i in ids if i not in before})
    flag_rows = [row for processed in items for row in _flag_rows(processed)]
    if flag_rows:
        connection.execute(_INSERT_FLAGS, flag_rows)
    reviewed = [processed.outcome.action in REVIEW_ACTIONS for processed in items]
    review_rows = [_review_row(processed, now) for processed, wanted in zip(items, reviewed, strict=True) if wanted]
    _upsert_rows(connection, review_items, review_rows, ["article_id"], [])
    settle_many(connection, items, copies, now)
    return [was_reopened or wanted for was_reopened, wanted in zip(reopened, reviewed, strict=True)]


def save_processed_batch(
    engine: Engine,
    items: Sequence[ProcessedArticle],
    copies: CopyFlags | None = None,
    compressed_bodies: Sequence[bytes | None] | None = None,
) -> list[bool]:
    """Store processed articles in a single transaction, in order; per article, whether a review item exists.

    The rows are those of one :func:`save_processed` per article (idempotent alike: a replayed batch leaves the
    same rows), written with one statement per table for the batch.  ``compressed_bodies``, when given, holds
    each page's body as a zlib stream (what the processing queue carried), stored without deflating it again.
    """
    if not items:
        return []
    bodies: list[bytes | None] = list(compressed_bodies) if compressed_bodies is not None else [None] * len(items)
    if len(bodies) != len(items):
        raise ValueError(f"{len(items)} articles but {len(bodies)} compressed bodies")
    now = datetime.now(UTC)
    in_review = [False] * len(items)
    try:
        with engine.begin() as connection:
            for run in _distinct_runs(items):
                stored = _save_run(connection, [items[k] for k in run], [bodies[k] for k in run], copies, now)
                for position, has_item in zip(run, stored, strict=True):
                    in_review[position] = has_item
    except OperationalError as exc:
        raise StorageUnavailable(f"database unavailable: {exc.orig}") from exc
    return in_review


def save_processed(engine: Engine, processed: ProcessedArticle, copies: CopyFlags | None = None) -> bool:
    """Store one processed article in a single transaction; returns whether a review item exists for it.

    The same transaction settles the article's cluster (pipelines.storage.clusters); with ``copies`` the copy
    flags move with the cluster's original."""
    return save_processed_batch(engine, [processed], copies)[0]


def source_of(engine: Engine, article_id: str) -> str | None:
    """The source an article was stored from, if it is stored."""
    with engine.connect() as connection:
        value = connection.execute(select(articles.c.source_id).where(articles.c.id == article_id)).scalar()
    return None if value is None else str(value)


def record_dead_letter(
    engine: Engine, task_key: str, task_name: str, payload: dict[str, Any], error: str, attempts: int
) -> None:
    """Keep a task that was given up on, once per task key, for operators to inspect or retry."""
    with engine.begin() as connection:
        upsert_row(
            connection,
            dead_letters,
            {
                "task_key": task_key,
                "task_name": task_name,
                "payload": payload,
                "error": error[:4000],
                "attempts": attempts,
                "state": "dead",
                "created_at": datetime.now(UTC),
            },
            ["task_key"],
            ["error", "attempts", "state"],
        )


def list_dead_letters(engine: Engine, state: str = "dead") -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(dead_letters).where(dead_letters.c.state == state).order_by(dead_letters.c.id))
        return [dict(r._mapping) for r in rows]


def mark_dead_letter_retried(engine: Engine, letter_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(dead_letters).where(dead_letters.c.id == letter_id).values(state="retried"))


def counts(engine: Engine) -> dict[str, int]:
    """Totals for ``newsdesk stats``."""
    with engine.connect() as connection:

        def scalar(stmt: Any) -> int:
            return int(connection.execute(stmt).scalar() or 0)

        return {
            "articles": scalar(select(func.count()).select_from(articles)),
            "duplicates": scalar(
                select(func.count()).select_from(articles).where(articles.c.duplicate_of.is_not(None))
            ),
            "flagged": scalar(select(func.count()).select_from(review_items)),
            "pending_review": scalar(
                select(func.count()).select_from(review_items).where(review_items.c.state != "decided")
            ),
            "boilerplate_stripped": scalar(
                select(func.count()).select_from(articles).where(func.json_array_length(articles.c.stripped) > 0)
            ),
            "dead_letters": scalar(
                select(func.count()).select_from(dead_letters).where(dead_letters.c.state == "dead")
            ),
        }
