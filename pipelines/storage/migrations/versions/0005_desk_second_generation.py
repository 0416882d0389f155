"""desk, second generation: full-text search, stored pages, second opinions, escalation

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipelines.storage import search

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.add_column(sa.Column("queue", sa.String(length=16), nullable=False, server_default="main"))
        batch.add_column(sa.Column("escalated_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("escalation_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("second_review", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("first_reviewer", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("opinion", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("handling_seconds", sa.Float(), nullable=True))
    op.create_table(
        "page_html",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_page_html_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_page_html")),
    )
    search.create_index(op.get_bind())


def downgrade() -> None:
    search.drop_index(op.get_bind())
    op.drop_table("page_html")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("handling_seconds")
        batch.drop_column("opinion")
    with op.batch_alter_table("review_items") as batch:
        for column in ("claimed_at", "first_reviewer", "second_review", "escalation_reason", "escalated_by", "queue"):
            batch.drop_column(column)
