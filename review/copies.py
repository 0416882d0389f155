"""Other copies of the same story, as processing's dedupe recorded them.

A story's copies share a ``duplicate_of`` value (the first copy seen, which
itself has none), so the group is that canonical article plus everything
pointing at it.
"""

from __future__ import annotations

from sqlalchemy import Connection, or_, select

from pipelines.storage.schema import articles


def copy_article_ids(conn: Connection, article_id: str) -> list[str]:
    """Ids of every other article in ``article_id``'s story group, oldest first."""
    duplicate_of = conn.execute(select(articles.c.duplicate_of).where(articles.c.id == article_id)).scalar()
    root = duplicate_of or article_id
    rows = conn.execute(
        select(articles.c.id)
        .where(
            or_(
                articles.c.id == root,
                articles.c.duplicate_of == root,
                articles.c.duplicate_of == article_id,
            ),
            articles.c.id != article_id,
        )
        .order_by(articles.c.fetched_at, articles.c.id)
    )
    return [row.id for row in rows]
