"""Full-text search over article titles and text: one interface, two engines.

SQLite keeps an FTS5 virtual table, PostgreSQL a table of ``tsvector`` documents
with a GIN index; both are named ``article_search`` and hold one row per
article.  The storage layer calls :func:`index_article` in the transaction that
writes the article, so the index never lags the text.  Queries are built from
the words of what a reviewer typed, never passed through as query syntax (an
FTS5 ``MATCH`` string with a stray quote is an error, and the input is not ours).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, Connection, select, text

from pipelines.storage.schema import articles

SEARCH_TABLE = "article_search"
MAX_TERMS = 16
MAX_TERM_CHARS = 64
BACKFILL_BATCH = 500
MAX_INDEXED_CHARS = 200_000  # PostgreSQL refuses tsvectors over 1 MB; a title and this much text stay under
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "article_id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 2')"
)
POSTGRES_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
    "article_id varchar(32) PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{SEARCH_TABLE}_document ON {SEARCH_TABLE} USING gin (document)",
)


def fold(value: str) -> str:
    """Accents off (what FTS5's ``remove_diacritics`` does on SQLite; PostgreSQL's ``unaccent`` needs an
    extension a deployment may not allow, so PostgreSQL documents are folded here, and so are queries)."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def terms(query: str) -> list[str]:
    """The words of a reviewer's query, bounded in number and length."""
    return [word[:MAX_TERM_CHARS] for word in _WORD.findall(query)][:MAX_TERMS]


def create_index(conn: Connection) -> None:
    """Create the index and fill it from the stored articles (the migration calls this)."""
    statements = POSTGRES_CREATE if conn.dialect.name == "postgresql" else (SQLITE_CREATE,)
    for statement in statements:
        conn.execute(text(statement))
    last = ""
    while True:
        rows = conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            index_article(conn, row.id, row.title, row.text)
        last = rows[-1].id


def drop_index(conn: Connection) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS {SEARCH_TABLE}"))


def index_article(conn: Connection, article_id: str, title: str, body: str) -> None:
    """Replace the article's entry (inside the caller's transaction)."""
    index_articles(conn, [(article_id, title, body)])


def index_articles(
    conn: Connection, entries: Sequence[tuple[str, str, str]], unindexed: Collection[str] = frozenset()
) -> None:
    """Replace the entries of (article id, title, text), one statement per step for all of them (inside the
    caller's transaction; the ids are distinct).

    ``unindexed`` names ids the caller knows have no entry yet (articles not stored before this transaction:
    an entry is only ever written with its article, and articles are never deleted).  On SQLite their DELETE is
    skipped: ``article_id`` is an UNINDEXED column of the FTS5 table, so each DELETE scans the whole index, a
    cost that grows with every article stored (a tenth of a worker's CPU at 3,000 articles).
    """
    if not entries:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"INSERT INTO {SEARCH_TABLE} (article_id, document) "
                "VALUES (:id, to_tsvector('simple', :title || ' ' || :body)) "
                "ON CONFLICT (article_id) DO UPDATE SET document = excluded.document"
            ),
            [{"id": i, "title": fold(title), "body": fold(body[:MAX_INDEXED_CHARS])} for i, title, body in entries],
        )
        return
    doomed = [{"id": i} for i, _, _ in entries if i not in unindexed]
    if doomed:
        conn.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE article_id = :id"), doomed)
    conn.execute(
        text(f"INSERT INTO {SEARCH_TABLE} (article_id, title, body) VALUES (:id, :title, :body)"),
        [{"id": i, "title": title, "body": body[:MAX_INDEXED_CHARS]} for i, title, body in entries],
    )


def matches(dialect: str, query: str) -> ColumnElement[bool]:
    """A condition on ``articles.id``: every word of ``query`` occurs in the title or text (prefixes match).

    A query without words matches nothing.
    """
    words = terms(query)
    if not words:
        return articles.c.id.is_(None)
    if dialect == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in terms(fold(query)))
        ids = text(
            f"SELECT article_id FROM {SEARCH_TABLE} WHERE document @@ to_tsquery('simple', :search_q)"
        ).bindparams(search_q=tsquery)
    else:
        fts = " ".join('"' + word.replace('"', "") + '"*' for word in words)
        ids = text(f"SELECT article_id FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :search_q").bindparams(
            search_q=fts
        )
    return articles.c.id.in_(ids.columns(article_id=articles.c.id.type).subquery().select())
