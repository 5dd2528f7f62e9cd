"""One bill per account and billing cycle: a unique index on (account_id, cycle_close), so that a
cycle cannot be billed twice under two spellings of its period (III.9.2; issue 10 §3).

An index, not a table constraint: SQLite would rebuild the table for a constraint and lose the
append-only triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_bills_account_id_cycle_close", "bills", ["account_id", "cycle_close"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_bills_account_id_cycle_close", table_name="bills")
