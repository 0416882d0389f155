"""Story clusters: every article's cluster id, and each cluster's original with the evidence that chose it

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clusters",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("original_id", sa.String(length=32), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clusters")),
    )
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("cluster_id", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_articles_cluster_id"), ["cluster_id"], unique=False)
    # Before 0010 a copy named its cluster's first member, which had none: that member is the cluster.
    op.execute("UPDATE articles SET cluster_id = COALESCE(duplicate_of, id)")
    op.execute(
        "INSERT INTO clusters (id, original_id, epoch, reason, updated_at) "
        "SELECT duplicate_of, duplicate_of, 0, 'first', MAX(updated_at) FROM articles "
        "WHERE duplicate_of IS NOT NULL GROUP BY duplicate_of"
    )


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index(batch.f("ix_articles_cluster_id"))
        batch.drop_column("cluster_id")
    op.drop_table("clusters")
