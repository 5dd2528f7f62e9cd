"""Identity and access for the gateway (issue 12 §3): organisations and the billing accounts each
CLEC owns, users with one role each (fitting the organisation's kind, checked by the database),
API tokens (the sha256 of the secret, never the secret) and the per-token request windows of the
rate limit (VI.13.2).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Types are spelled out here rather than imported, so this revision never changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
ROLE_FITS_KIND = (
    "(role IN ('clec_user', 'clec_admin') AND org_kind = 'clec')"
    " OR (role IN ('ilec_operations', 'ilec_billing', 'ilec_retail_sales') AND org_kind = 'ilec')"
    " OR (role = 'auditor' AND org_kind = 'auditor')"
)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ocn", sa.String(length=8), nullable=True),
        sa.Column("ccna", sa.String(length=8), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.CheckConstraint("kind IN ('ilec', 'clec', 'auditor')", name=op.f("ck_organisations_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("id", "kind", name=op.f("uq_organisations_id_kind")),
    )
    op.create_table(
        "organisation_accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("org_kind", sa.String(length=16), server_default="clec", nullable=False),
        sa.CheckConstraint("org_kind = 'clec'", name=op.f("ck_organisation_accounts_clec_only")),
        sa.ForeignKeyConstraint(
            ["org_id", "org_kind"],
            ["organisations.id", "organisations.kind"],
            name=op.f("fk_organisation_accounts_org_id_org_kind_organisations"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_organisation_accounts")),
    )
    op.create_index(op.f("ix_organisation_accounts_org_id"), "organisation_accounts", ["org_id"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("org_kind", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("disabled_at", TIME, nullable=True),
        sa.CheckConstraint(ROLE_FITS_KIND, name=op.f("ck_users_role_fits_kind")),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower_case")),
        sa.ForeignKeyConstraint(
            ["org_id", "org_kind"],
            ["organisations.id", "organisations.kind"],
            name=op.f("fk_users_org_id_org_kind_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_index(op.f("ix_users_org_id"), "users", ["org_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.Column("last_used_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "rate_windows",
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("window_start", TIME, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"], name=op.f("fk_rate_windows_token_id_api_tokens")),
        sa.PrimaryKeyConstraint("token_id", "window_start", name=op.f("pk_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_users_org_id"), table_name="users")
    op.drop_table("users")
    op.drop_index(op.f("ix_organisation_accounts_org_id"), table_name="organisation_accounts")
    op.drop_table("organisation_accounts")
    op.drop_table("organisations")
