"""Hash chains over the event log and the ledger, their heads, and TRUNCATE guards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-14

- `events` gets `chain_seq` (unique), `chain_prev`, `chain_digest`, `chain_hash`;
  `ledger_transfers` gets `recorded_at`, `chain_prev`, `chain_digest`, `chain_hash`;
  `chain_heads` keeps each chain's last record (icaops/store/chain.py).
- Rows already stored are linked here: events in the order they were recorded (`position`),
  transfers in id order, a transfer's `recorded_at` being its `posted_at`. The digests come
  from icaops.store.chain on purpose: a migration that links rows must link them the way
  `icaops verify` checks them.
- PostgreSQL: row triggers do not fire on TRUNCATE, so every append-only table, and the
  bills, get a statement-level BEFORE TRUNCATE trigger that refuses it.

On SQLite the new columns are NOT NULL with an empty default (SQLite cannot add a NOT NULL
column without one, nor alter it afterwards); an event or transfer inserted without them is
not in its chain and `icaops verify` names it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from icaops.store.chain import (
    EVENTS,
    GENESIS,
    LEDGER,
    Head,
    event_digest,
    event_rows,
    transfer_digest,
    transfer_parts,
    transfer_rows,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
HASH = sa.String(length=64)

APPEND_ONLY = (
    "events",
    "audit_log",
    "ledger_transfers",
    "ledger_legs",
    "ledger_refs",
    "ledger_entries",
    "ledger_periods",
)
NO_TRUNCATE = (*APPEND_ONLY, "bills", "bill_lines", "bill_price_groups")
EVENT_CHAIN = ("chain_seq", "chain_prev", "chain_digest", "chain_hash")
LEDGER_CHAIN = ("recorded_at", "chain_prev", "chain_digest", "chain_hash")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _sqlite_guard(table: str, verb: str) -> str:
    """0001's SQLite trigger refusing `verb` on an append-only table (recreated after linking)."""
    return (
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table}: rows are append-only ({verb} refused)'); END"
    )


def _add_columns() -> None:
    pg = _postgresql()
    for table, columns in (("events", EVENT_CHAIN), ("ledger_transfers", LEDGER_CHAIN)):
        for name in columns:
            kind: sa.types.TypeEngine = (
                ID if name == "chain_seq" else sa.DateTime(timezone=True) if name == "recorded_at" else HASH
            )
            if pg:
                op.add_column(table, sa.Column(name, kind, nullable=True))
            else:
                default = (
                    "0" if name == "chain_seq" else "'1970-01-01 00:00:00.000000'" if name == "recorded_at" else "''"
                )
                op.execute(
                    f"ALTER TABLE {table} ADD COLUMN {name} {kind.compile(op.get_bind().dialect)} "
                    f"NOT NULL DEFAULT {default}"
                )


def _link_existing() -> tuple[Head, Head]:
    """Link the rows already stored; returns the heads of the two chains."""
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE ledger_transfers SET recorded_at = posted_at"))
    events = sa.table("events", *(sa.column(c) for c in ("position", *EVENT_CHAIN)))
    head = Head(0, GENESIS)
    for row in list(event_rows(conn)):
        link = head.link(EVENTS, event_digest(row._mapping))
        conn.execute(
            events.update().where(events.c.position == row.position).values(chain_seq=link.seq, **link.columns())
        )
        head = link.head
    transfers = sa.table("ledger_transfers", *(sa.column(c) for c in ("id", *LEDGER_CHAIN)))
    rows = list(transfer_rows(conn))
    parts = transfer_parts(conn, [r.id for r in rows])
    ledger = Head(0, GENESIS)
    for row in rows:
        legs, refs, entries = parts[row.id]
        link = Head(row.id - 1, ledger.hash).link(LEDGER, transfer_digest(row._mapping, legs, refs, entries))
        conn.execute(transfers.update().where(transfers.c.id == row.id).values(**link.columns()))
        ledger = link.head
    return head, ledger


def upgrade() -> None:
    pg = _postgresql()
    op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("seq", ID, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_heads")),
    )
    _add_columns()
    # The append-only guards refuse the UPDATE that links the stored rows: lift them meanwhile.
    for table in ("events", "ledger_transfers"):
        op.execute(
            f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only" if pg else f"DROP TRIGGER {table}_no_update"
        )
    heads = _link_existing()
    for table in ("events", "ledger_transfers"):
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only" if pg else _sqlite_guard(table, "UPDATE"))
    if pg:
        for table, columns in (("events", EVENT_CHAIN), ("ledger_transfers", LEDGER_CHAIN)):
            for name in columns:
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {name} SET NOT NULL")
    op.create_index(op.f("ix_events_chain_seq"), "events", ["chain_seq"], unique=True)
    chain_heads = sa.table("chain_heads", sa.column("name"), sa.column("seq"), sa.column("hash"))
    op.bulk_insert(
        chain_heads,
        [{"name": name, "seq": head.seq, "hash": head.hash} for name, head in zip((EVENTS, LEDGER), heads)],
    )
    if pg:
        op.execute(
            """CREATE FUNCTION icaops_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION '%: rows are append-only or closed (TRUNCATE refused)', TG_TABLE_NAME; END $$"""
        )
        for table in NO_TRUNCATE:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION icaops_no_truncate()"
            )


def downgrade() -> None:
    if _postgresql():
        op.execute("DROP FUNCTION icaops_no_truncate() CASCADE")
    op.drop_index(op.f("ix_events_chain_seq"), table_name="events")
    for table, columns in (("events", EVENT_CHAIN), ("ledger_transfers", LEDGER_CHAIN)):
        for name in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    op.drop_table("chain_heads")
