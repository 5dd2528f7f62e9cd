"""The gateway's derived tables: projections of the domain folds per tenant, their heads, and the
responses kept under Idempotency-Keys; indexes that let a request find a tenant's newest event.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from icaops.store.types import Bounded, UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "projections",
        sa.Column("domain", Bounded(32), nullable=False),
        sa.Column("tenant", Bounded(64), nullable=False),
        sa.Column("field", Bounded(32), nullable=False),
        sa.Column("key", Bounded(200), nullable=False),
        sa.Column("status", Bounded(32), nullable=True),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("changed_seq", ID, nullable=False),
        sa.PrimaryKeyConstraint("domain", "tenant", "field", "key", name=op.f("pk_projections")),
    )
    op.create_index("ix_projections_domain_tenant_field_status", "projections", ["domain", "tenant", "field", "status"])
    op.create_table(
        "projection_heads",
        sa.Column("domain", Bounded(32), nullable=False),
        sa.Column("tenant", Bounded(64), nullable=False),
        sa.Column("through_seq", ID, nullable=False),
        sa.Column("through_date", sa.Date(), nullable=True),
        sa.Column("version", Bounded(64), nullable=False),
        sa.PrimaryKeyConstraint("domain", "tenant", name=op.f("pk_projection_heads")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", Bounded(64), nullable=False),
        sa.Column("key", Bounded(200), nullable=False),
        sa.Column("request_hash", Bounded(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_keys")),
    )
    # A tenant's newest event of some types (the gateway's catch-up and standing checks).
    op.create_index("ix_events_tenant_type_chain_seq", "events", ["tenant", "type", "chain_seq"])
    op.create_index("ix_events_tenant_chain_seq", "events", ["tenant", "chain_seq"])
    op.create_index("ix_events_source_seq", "events", ["source_seq"])
    op.create_index("ix_events_type_chain_seq", "events", ["type", "chain_seq"])


def downgrade() -> None:
    op.drop_index("ix_events_type_chain_seq", table_name="events")
    op.drop_index("ix_events_source_seq", table_name="events")
    op.drop_index("ix_events_tenant_chain_seq", table_name="events")
    op.drop_index("ix_events_tenant_type_chain_seq", table_name="events")
    op.drop_table("idempotency_keys")
    op.drop_table("projection_heads")
    op.drop_index("ix_projections_domain_tenant_field_status", table_name="projections")
    op.drop_table("projections")
