"""X12 control numbers: a persistent counter, so two 811 interchanges never share an ISA13.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "x12_control_numbers",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last", ID, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_x12_control_numbers")),
    )


def downgrade() -> None:
    op.drop_table("x12_control_numbers")
