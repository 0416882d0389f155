"""Each article's origin evidence: what the desk shows for why a cluster's original is the original

The duplicate index weighs the evidence and ``clusters.reason`` keeps which kind decided (named, role,
published, fetched, first); this column keeps the evidence itself (the URLs a page names as its source and the
markup that names them, its source's role, its markup publication date, its first fetch) so the cluster API and
page can say *who* named the original and *how*.  NULL on rows stored before it and on empty texts.

Revision ID: 0030
Revises: 0020
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("origin_evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("origin_evidence")
