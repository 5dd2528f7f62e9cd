"""Numbering reference files loaded by `icaops reference load`, with their provenance (issue 14).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Types spelled out, as in 0001, so this revision never changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reference_files",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("load_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_files")),
    )
    op.create_index(
        op.f("ix_reference_files_kind_effective_on"), "reference_files", ["kind", "effective_on"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reference_files_kind_effective_on"), table_name="reference_files")
    op.drop_table("reference_files")
