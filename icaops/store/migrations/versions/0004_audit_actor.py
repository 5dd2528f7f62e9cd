"""The audit log names who acted: an `actor` column (the OS user or $ICAOPS_ACTOR), and an
index on `at` for `icaops audit list --since` (issue 11 §5).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("actor", sa.String(length=100), server_default="", nullable=False))
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.execute("ALTER TABLE audit_log DROP COLUMN actor")  # SQLite 3.35+ too; a batch copy would drop the triggers
