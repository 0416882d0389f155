"""WARC ingestion: per-file checkpoints and leases, and each article's WARC provenance

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "warc_files",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("last_offset", sa.BigInteger(), nullable=True),
        sa.Column("records_done", sa.Integer(), nullable=False),
        sa.Column("records_queued", sa.Integer(), nullable=False),
        sa.Column("records_skipped", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("damage_offset", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=100), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warc_files")),
    )
    op.create_index(op.f("ix_warc_files_status"), "warc_files", ["status"], unique=False)
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("warc_file", sa.Text(), nullable=True))
        batch.add_column(sa.Column("warc_offset", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("warc_record_id", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("warc_record_id")
        batch.drop_column("warc_offset")
        batch.drop_column("warc_file")
    op.drop_index(op.f("ix_warc_files_status"), table_name="warc_files")
    op.drop_table("warc_files")
