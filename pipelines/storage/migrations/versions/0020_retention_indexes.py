"""Retention: indexes that let ``newsdesk retention`` find aged rows without scanning the tables

``ix_articles_retention`` covers only articles whose text is still there (a partial index), so text already
removed leaves the index and a daily run reads just the rows that are due.  ``ix_page_html_stored_at`` finds
aged page bodies.  Flags are found through their article (``uq_flags_article_rule_code`` leads with it).

Revision ID: 0020
Revises: 0006
Create Date: 2026-12-02 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same text as pipelines.storage.retention.text_kept() renders; the planners match the two.
TEXT_KEPT = "empty_reason IS NULL OR empty_reason NOT LIKE 'retention:%'"


def upgrade() -> None:
    op.create_index(
        "ix_articles_retention",
        "articles",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text(TEXT_KEPT),
        sqlite_where=sa.text(TEXT_KEPT),
    )
    op.create_index(op.f("ix_page_html_stored_at"), "page_html", ["stored_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_page_html_stored_at"), table_name="page_html")
    op.drop_index("ix_articles_retention", table_name="articles")
