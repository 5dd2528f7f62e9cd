"""Initial schema: accounts, the event log, bills and their lines, the ledger, the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Types are spelled out here rather than imported, so this revision never changes: money is
NUMERIC (INTEGER minor units on SQLite, see icaops/store/types.py), row ids are BIGINT
(SQLite's INTEGER rowid). Triggers make the append-only tables refuse UPDATE and DELETE,
and a closed bill (and its lines) refuse changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2).with_variant(sa.BigInteger(), "sqlite")
QUANTITY = sa.Numeric(18, 6).with_variant(sa.BigInteger(), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APPEND_ONLY = (
    "events",
    "audit_log",
    "ledger_transfers",
    "ledger_legs",
    "ledger_refs",
    "ledger_entries",
    "ledger_periods",
)


def _triggers() -> list[str]:
    """The statements creating the triggers, for the connected database."""
    if op.get_bind().dialect.name == "postgresql":
        statements = [
            """CREATE FUNCTION icaops_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION '%: rows are append-only (% refused)', TG_TABLE_NAME, TG_OP; END $$""",
            """CREATE FUNCTION icaops_closed_bill() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF OLD.closed THEN
                   RAISE EXCEPTION 'bills: bill % is closed and is never edited (% refused)', OLD.id, TG_OP;
                 END IF;
                 RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
               END $$""",
            """CREATE FUNCTION icaops_closed_bill_line() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF EXISTS (SELECT 1 FROM bills WHERE id = OLD.bill_id AND closed) THEN
                   RAISE EXCEPTION 'bill_lines: bill % is closed; line % is never edited (% refused)',
                     OLD.bill_id, OLD.line_id, TG_OP;
                 END IF;
                 RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
               END $$""",
        ]
        statements += [
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION icaops_append_only()"
            for t in APPEND_ONLY
        ]
        statements += [
            "CREATE TRIGGER bills_closed BEFORE UPDATE OR DELETE ON bills "
            "FOR EACH ROW EXECUTE FUNCTION icaops_closed_bill()",
            "CREATE TRIGGER bill_lines_closed BEFORE UPDATE OR DELETE ON bill_lines "
            "FOR EACH ROW EXECUTE FUNCTION icaops_closed_bill_line()",
        ]
        return statements
    statements = []
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: rows are append-only ({verb} refused)'); END"
            )
    for verb in ("UPDATE", "DELETE"):
        statements.append(
            f"CREATE TRIGGER bills_closed_no_{verb.lower()} BEFORE {verb} ON bills WHEN OLD.closed "
            f"BEGIN SELECT RAISE(ABORT, 'bills: a closed bill is never edited ({verb} refused)'); END"
        )
        statements.append(
            f"CREATE TRIGGER bill_lines_closed_no_{verb.lower()} BEFORE {verb} ON bill_lines "
            "WHEN (SELECT closed FROM bills WHERE id = OLD.bill_id) "
            f"BEGIN SELECT RAISE(ABORT, 'bill_lines: lines of a closed bill are never edited ({verb} refused)'); END"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_subject"), "audit_log", ["subject"], unique=False)
    op.create_table(
        "billing_rejections",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("bill_id", sa.String(length=100), nullable=True),
        sa.Column("record", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_rejections")),
    )
    op.create_index(
        op.f("ix_billing_rejections_period_account_id"), "billing_rejections", ["period", "account_id"], unique=False
    )
    op.create_table(
        "events",
        sa.Column("position", ID, autoincrement=True, nullable=False),
        sa.Column("tenant", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("source_seq", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_events")),
        sa.UniqueConstraint("tenant", "event_id", name=op.f("uq_events_tenant_event_id")),
    )
    op.create_index(op.f("ix_events_tenant_date_source_seq"), "events", ["tenant", "date", "source_seq"], unique=False)
    op.create_table(
        "ledger_balances",
        sa.Column("billing_account", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("debits_posted", MONEY, nullable=False),
        sa.Column("credits_posted", MONEY, nullable=False),
        sa.Column("debits_pending", MONEY, nullable=False),
        sa.Column("credits_pending", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("billing_account", "account", name=op.f("pk_ledger_balances")),
    )
    op.create_table(
        "ledger_books",
        sa.Column("billing_account", sa.String(length=64), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("billing_account", name=op.f("pk_ledger_books")),
    )
    op.create_table(
        "ledger_periods",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("billing_account", sa.String(length=64), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_periods")),
        sa.UniqueConstraint(
            "billing_account", "first", "last", name=op.f("uq_ledger_periods_billing_account_first_last")
        ),
    )
    op.create_table(
        "ledger_sequences",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last", ID, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ledger_sequences")),
    )
    op.create_table(
        "ledger_transfers",
        sa.Column("id", ID, autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("billing_account", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("flow", sa.String(length=20), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("pending_key", sa.String(length=200), nullable=True),
        sa.Column("corrects", sa.String(length=200), nullable=False),
        sa.Column("has_lines", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transfers")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_transfers_key")),
        sa.UniqueConstraint("pending_key", name=op.f("uq_ledger_transfers_pending_key")),
    )
    op.create_index(
        op.f("ix_ledger_transfers_billing_account_id"), "ledger_transfers", ["billing_account", "id"], unique=False
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ocn", sa.String(length=8), nullable=True),
        sa.Column("company_code", sa.String(length=8), nullable=True),
        sa.Column("ccna", sa.String(length=8), nullable=True),
        sa.Column("certificate_on_file", sa.Boolean(), nullable=False),
        sa.Column("usf_certified_years", sa.JSON(), nullable=False),
        sa.Column("exemptions", sa.JSON(), nullable=False),
        sa.Column("cycle_close_day", sa.Integer(), nullable=False),
        sa.Column("monthly_forecast", MONEY, nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], name=op.f("fk_accounts_agreement_id_agreements")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("transfer_id", ID, nullable=False),
        sa.Column("billing_account", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["ledger_transfers.id"], name=op.f("fk_ledger_entries_transfer_id_ledger_transfers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(
        op.f("ix_ledger_entries_billing_account_account_effective_date"),
        "ledger_entries",
        ["billing_account", "account", "effective_date"],
        unique=False,
    )
    op.create_table(
        "ledger_legs",
        sa.Column("transfer_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["ledger_transfers.id"], name=op.f("fk_ledger_legs_transfer_id_ledger_transfers")
        ),
        sa.PrimaryKeyConstraint("transfer_id", "position", name=op.f("pk_ledger_legs")),
    )
    op.create_table(
        "ledger_refs",
        sa.Column("transfer_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("ref_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["ledger_transfers.id"], name=op.f("fk_ledger_refs_transfer_id_ledger_transfers")
        ),
        sa.PrimaryKeyConstraint("transfer_id", "position", name=op.f("pk_ledger_refs")),
    )
    op.create_index(op.f("ix_ledger_refs_source_ref_id"), "ledger_refs", ["source", "ref_id"], unique=False)
    op.create_table(
        "bills",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("cycle_start", sa.Date(), nullable=False),
        sa.Column("cycle_close", sa.Date(), nullable=False),
        sa.Column("bill_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("mrc", MONEY, nullable=False),
        sa.Column("nrc", MONEY, nullable=False),
        sa.Column("usage", MONEY, nullable=False),
        sa.Column("tax", MONEY, nullable=False),
        sa.Column("surcharge", MONEY, nullable=False),
        sa.Column("late_charge", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        sa.Column("adjustment", MONEY, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_bills_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
    )
    op.create_index(op.f("ix_bills_account_id_period"), "bills", ["account_id", "period"], unique=False)
    op.create_table(
        "bill_lines",
        sa.Column("bill_id", sa.String(length=100), nullable=False),
        sa.Column("line_id", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", QUANTITY, nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("clause", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("true_up", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("wtn", sa.String(length=10), nullable=True),
        sa.Column("usoc", sa.String(length=10), nullable=True),
        sa.Column("service_start", sa.Date(), nullable=True),
        sa.Column("service_end", sa.Date(), nullable=True),
        sa.Column("days_in_service", sa.Integer(), nullable=True),
        sa.Column("price_group", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("bill_id", "line_id", name=op.f("pk_bill_lines")),
    )
    op.create_table(
        "bill_price_groups",
        sa.Column("bill_id", sa.String(length=100), nullable=False),
        sa.Column("price_group", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.id"], name=op.f("fk_bill_price_groups_bill_id_bills")),
        sa.PrimaryKeyConstraint("bill_id", "price_group", name=op.f("pk_bill_price_groups")),
    )
    for statement in _triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for function in ("icaops_append_only", "icaops_closed_bill", "icaops_closed_bill_line"):
            op.execute(f"DROP FUNCTION {function}() CASCADE")
    op.drop_table("bill_price_groups")
    op.drop_table("bill_lines")
    op.drop_index(op.f("ix_bills_account_id_period"), table_name="bills")
    op.drop_table("bills")
    op.drop_index(op.f("ix_ledger_refs_source_ref_id"), table_name="ledger_refs")
    op.drop_table("ledger_refs")
    op.drop_table("ledger_legs")
    op.drop_index(op.f("ix_ledger_entries_billing_account_account_effective_date"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("accounts")
    op.drop_index(op.f("ix_ledger_transfers_billing_account_id"), table_name="ledger_transfers")
    op.drop_table("ledger_transfers")
    op.drop_table("ledger_sequences")
    op.drop_table("ledger_periods")
    op.drop_table("ledger_books")
    op.drop_table("ledger_balances")
    op.drop_index(op.f("ix_events_tenant_date_source_seq"), table_name="events")
    op.drop_table("events")
    op.drop_index(op.f("ix_billing_rejections_period_account_id"), table_name="billing_rejections")
    op.drop_table("billing_rejections")
    op.drop_index(op.f("ix_audit_log_subject"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("agreements")
