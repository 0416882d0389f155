"""article metadata: modified date and every metadata field with its evidence

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("modified", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("article_metadata", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("article_metadata")
        batch_op.drop_column("modified")
