"""Saving a billing cycle in bulk: every bill header, every line (the per-WTN recurring
rows included), price groups and rejections, in one transaction.

The recurring lines go from the Arrow columns straight to the database driver, bill by bill
(so memory stays flat): PostgreSQL gets one `COPY ... FROM STDIN (FORMAT csv)` fed with
CSV that Arrow writes; SQLite gets the sqlite3 driver's `executemany`. No ORM object is
made per line. A closed bill is never rewritten: storing the same run again changes
nothing, and a different bill under a closed bill's id is refused and audited.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from sqlalchemy import JSON, Column, Connection, Engine, Table, delete, insert, select

from ..billing.model import CATEGORIES, Bill
from ..billing.run import CycleRun
from ..money import ZERO_CENTS
from .accounts import save_accounts
from .audit import now, record
from .db import make_engine, writing
from .migrate import migrate
from .models import BillingRejectionRow, BillLineRow, BillRow, PriceGroupRow
from .types import Exact, to_units

__all__ = ["RECURRING_COLUMNS", "CycleAlreadyBilled", "StoredRun", "close_bill", "store_run", "writer"]

# The bill_lines columns a recurring (per-WTN) line fills; the others stay NULL.
RECURRING_COLUMNS = (
    "bill_id",
    "line_id",
    "category",
    "code",
    "quantity",
    "amount",
    "clause",
    "true_up",
    "wtn",
    "usoc",
    "service_start",
    "service_end",
    "days_in_service",
    "price_group",
)
RECURRING_CATEGORY = "mrc"


def _scale(column: Column[Decimal]) -> int:
    """The scale of an `Exact` column."""
    assert isinstance(column.type, Exact), f"{column}: an Exact column"
    return column.type.scale


def _driver(conn: Connection) -> Any:
    """The DBAPI connection under `conn` (psycopg or sqlite3)."""
    driver = conn.connection.driver_connection
    assert driver is not None, "an open connection"
    return driver


MONEY_SCALE = _scale(BillLineRow.__table__.c.amount)
QUANTITY_SCALE = _scale(BillLineRow.__table__.c.quantity)


@dataclass
class StoredRun:
    """What `store_run` did with each bill of a run, and how many lines it wrote."""

    period: str
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # closed and identical: nothing to do
    refused: list[str] = field(default_factory=list)  # closed and different: audited
    lines: int = 0


def writer(url: str | None = None, *, close: bool = True) -> Callable[[CycleRun], StoredRun]:
    """A function storing a CycleRun at `url` (migrated to the newest schema first)."""
    engine = make_engine(url)
    migrate(engine)

    def write(run: CycleRun) -> StoredRun:
        return store_run(engine, run, close=close)

    return write


def store_run(engine: Engine, run: CycleRun, *, close: bool = True, at: dt.datetime | None = None) -> StoredRun:
    """Store a run's bills in one transaction; `close` marks them closed (never edited again)."""
    # Millions of short-lived row values and no reference cycles: without this the cyclic
    # collector walks every live object (the caller's bills, ledger...) again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _store_run(engine, run, close, at or now())
    finally:
        if collecting:
            gc.enable()


class CycleAlreadyBilled(ValueError):
    """A bill for an account's cycle that another bill already covers (III.9.2)."""


def _refuse_second_bill_of_a_cycle(conn: Connection, bills: list[Bill]) -> None:
    """Refuse a bill whose account and cycle close are already billed under another id."""
    for bill in bills:
        other = conn.execute(
            select(BillRow.id).where(
                BillRow.account_id == bill.account.id, BillRow.cycle_close == bill.cycle.close, BillRow.id != bill.id
            )
        ).scalar()
        if other is not None:
            raise CycleAlreadyBilled(
                f"bill {bill.id}: the cycle of account {bill.account.id} closing {bill.cycle.close.isoformat()} "
                f"is already billed as {other} (III.9.2: one bill per cycle)"
            )


def _store_run(engine: Engine, run: CycleRun, close: bool, at: dt.datetime) -> StoredRun:
    result = StoredRun(run.period)
    bills = list(run.bills.values())
    with writing(engine) as conn:
        save_accounts(conn, [b.account for b in bills])
        existing = {
            r.id: r
            for r in conn.execute(
                select(BillRow.id, BillRow.closed, BillRow.total).where(BillRow.id.in_([b.id for b in bills]))
            )
        }
        _refuse_second_bill_of_a_cycle(conn, bills)
        fresh = []
        for bill in bills:
            stored = existing.get(bill.id)
            if stored is not None and stored.closed:
                _keep_closed(conn, bill, stored.total, result, at)
                continue
            if stored is not None:
                _drop_draft(conn, bill.id)
            fresh.append(bill)
        if not fresh:
            return result
        # Rows are built (and checked) before anything is written.
        groups = _price_groups(fresh)
        rejections = [r for b in fresh for r in _rejections(run.period, b)]
        others = [_charge_line(line) for b in fresh for line in b.lines]
        for bill in fresh:
            _check_recurring(bill)
        conn.execute(insert(BillRow), [_header(b, close, at) for b in fresh])
        if conn.dialect.name == "postgresql":
            for table, rows in ((BillingRejectionRow, rejections), (BillLineRow, others)):
                _copy_rows(conn, table.__table__, rows)
            _copy_price_groups(conn, groups)
            recurring = _copy_recurring(conn, fresh)
        else:
            for table, rows in ((BillingRejectionRow, rejections), (BillLineRow, others)):
                if rows:
                    conn.execute(insert(table), rows)
            _insert_price_groups(conn, groups)
            recurring = _insert_recurring(conn, fresh)
        result.written = [b.id for b in fresh]
        result.lines = recurring + len(others)
        record(conn, "cycle.stored", run.period, "", {"bills": len(fresh), "lines": result.lines, "closed": close}, at)
    return result


def close_bill(conn: Connection, bill_id: str) -> None:
    """Mark a stored bill closed: from now on it is never edited."""
    conn.execute(BillRow.__table__.update().where(BillRow.id == bill_id).values(closed=True))


def _keep_closed(conn: Connection, bill: Bill, stored_total: Decimal, result: StoredRun, at: dt.datetime) -> None:
    new_total = _totals(bill)["total"]
    if stored_total == new_total:
        result.unchanged.append(bill.id)
        return
    result.refused.append(bill.id)
    record(
        conn,
        "bill.rewrite_refused",
        bill.id,
        f"bill {bill.id} is closed with total {stored_total}; a recomputed total of {new_total} "
        "is not stored (a closed bill is never edited: bill a correction on a later bill)",
        {"stored_total": stored_total, "new_total": new_total},
        at,
    )


def _drop_draft(conn: Connection, bill_id: str) -> None:
    for table in (BillLineRow, PriceGroupRow, BillingRejectionRow):
        conn.execute(delete(table).where(table.bill_id == bill_id))
    conn.execute(delete(BillRow).where(BillRow.id == bill_id))


def _totals(bill: Bill) -> dict[str, Decimal]:
    """`Bill.totals()`, with the recurring sum taken by Arrow (exact decimal128 addition)
    instead of a Decimal per line: the same figures (tests compare), a second less per 1M lines."""
    sums: dict[str, Decimal] = dict.fromkeys(CATEGORIES, ZERO_CENTS)
    if bill.recurring.num_rows:
        sums["mrc"] += pc.sum(bill.recurring["amount"]).as_py() or ZERO_CENTS
    for line in bill.lines:
        sums[line.category] += line.amount
    sums["total"] = sum(sums.values(), ZERO_CENTS)
    return sums


def _header(bill: Bill, close: bool, at: dt.datetime) -> dict:
    cycle, totals = bill.cycle, _totals(bill)
    return {
        "id": bill.id,
        "account_id": bill.account.id,
        "period": cycle.period,
        "cycle_start": cycle.start,
        "cycle_close": cycle.close,
        "bill_date": cycle.bill_date.value,
        "due_date": cycle.due_date.value,
        **{c: totals[c] for c in CATEGORIES},
        "total": totals["total"],
        "line_count": bill.recurring.num_rows + len(bill.lines),
        "explanation": {"bill_date": cycle.bill_date.as_dict(), "due_date": cycle.due_date.as_dict()},
        "closed": close,
        "stored_at": at,
    }


def _price_groups(bills: list[Bill]) -> list[tuple[str, int, Decimal, str]]:
    """(bill, group, amount, explanation as JSON text) for every price group of the bills;
    the bills of a run share their groups' explanations, so each is serialised once."""
    texts: dict[int, str] = {}
    rows = []
    for bill in bills:
        for group, explained in sorted(bill.recurring_groups.items()):
            text = texts.get(id(explained))
            if text is None:
                to_units(explained.value, MONEY_SCALE, f"bill {bill.id} price group {group}: amount")
                text = texts[id(explained)] = json.dumps(explained.as_dict())
            rows.append((bill.id, int(group), explained.value, text))
    return rows


def _copy_price_groups(conn: Connection, rows: list[tuple[str, int, Decimal, str]]) -> None:
    with _driver(conn).cursor() as cursor:
        with cursor.copy("COPY bill_price_groups (bill_id, price_group, amount, explanation) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert_price_groups(conn: Connection, rows: list[tuple[str, int, Decimal, str]]) -> None:
    scale = _scale(PriceGroupRow.__table__.c.amount)
    cursor = _driver(conn).cursor()
    try:
        cursor.executemany(
            "INSERT INTO bill_price_groups (bill_id, price_group, amount, explanation) VALUES (?, ?, ?, ?)",
            [(b, g, to_units(a, scale), text) for b, g, a, text in rows],
        )
    finally:
        cursor.close()


def _rejections(period: str, bill: Bill) -> list[dict]:
    rows = []
    if bill.rejected_inventory is not None and bill.rejected_inventory.num_rows:
        for r in bill.rejected_inventory.to_pylist():
            rows.append(
                {
                    "period": period,
                    "account_id": r["account_id"],
                    "bill_id": bill.id,
                    "record": r["line_id"],
                    "field": r["field"],
                    "reason": r["reason"],
                    "clause": None,
                }
            )
    for refused in bill.refused:
        rows.append(
            {
                "period": period,
                "account_id": refused.account_id,
                "bill_id": bill.id,
                "record": refused.source,
                "field": refused.code,
                "reason": refused.reason,
                "clause": refused.clause,
            }
        )
    return rows


def _charge_line(line) -> dict:
    # The COPY and executemany paths bypass the column type's check: no silent rounding.
    for name, scale in (("amount", MONEY_SCALE), ("quantity", QUANTITY_SCALE), ("unit_price", QUANTITY_SCALE)):
        value = getattr(line, name)
        if value is not None:
            to_units(value, scale, f"bill {line.bill_id} line {line.line_id}: {name}")
    return {
        "bill_id": line.bill_id,
        "line_id": line.line_id,
        "category": line.category,
        "code": line.code,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "amount": line.amount,
        "clause": line.clause,
        "explanation": line.explanation.as_dict(),
        "true_up": line.true_up,
        "source": line.source,
        "service_date": line.service_date,
    }


def _check_recurring(bill: Bill) -> None:
    amount = bill.recurring.schema.field("amount").type
    if not pa.types.is_decimal(amount) or amount.scale > MONEY_SCALE:
        raise ValueError(
            f"bill {bill.id}: recurring column amount is {amount}; expected a decimal "
            f"with at most {MONEY_SCALE} decimal places (rounded amounts)"
        )


def _recurring_columns(rec: pa.Table) -> dict[str, pa.Array | pa.ChunkedArray]:
    """The recurring table's columns under their bill_lines names (see RECURRING_COLUMNS)."""
    n = rec.num_rows
    return {
        "bill_id": rec["bill_id"],
        "line_id": rec["line_id"],
        "category": pa.repeat(RECURRING_CATEGORY, n),
        "code": rec["usoc"],
        "quantity": pa.repeat(pa.scalar(1, pa.int64()), n),
        "amount": rec["amount"],
        "clause": rec["clause"],
        "true_up": pa.repeat(False, n),
        "wtn": rec["wtn"],
        "usoc": rec["usoc"],
        "service_start": rec["service_start"],
        "service_end": rec["service_end"],
        "days_in_service": rec["days_in_service"],
        "price_group": rec["price_group"],
    }


def _copy_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    """PostgreSQL: COPY a few thousand rows (dicts with the same keys) in text format."""
    if not rows:
        return
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    with _driver(conn).cursor() as cursor:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c] for c in columns]
                )


def _copy_recurring(conn: Connection, bills: list[Bill]) -> int:
    """PostgreSQL: one COPY for every recurring line, written bill by bill as Arrow CSV."""
    driver = _driver(conn)
    options = pcsv.WriteOptions(include_header=False)
    count = 0
    with driver.cursor() as cursor:
        with cursor.copy(f"COPY bill_lines ({', '.join(RECURRING_COLUMNS)}) FROM STDIN (FORMAT csv)") as copy:
            for bill in bills:
                if not bill.recurring.num_rows:
                    continue
                sink = pa.BufferOutputStream()
                pcsv.write_csv(pa.table(_recurring_columns(bill.recurring)), sink, options)
                copy.write(memoryview(sink.getvalue()))
                count += bill.recurring.num_rows
    return count


def _insert_recurring(conn: Connection, bills: list[Bill]) -> int:
    """SQLite: the driver's executemany, fed from the Arrow columns bill by bill; amounts
    in cents and the quantity in millionths, as the `Exact` type stores them. What is the
    same on every recurring line is written into the statement, and the usoc (also the
    line's code) is bound once, so each row binds 10 values instead of 14."""
    quantity = to_units(Decimal(1), QUANTITY_SCALE)
    values = {
        "bill_id": "?1",
        "line_id": "?2",
        "category": f"'{RECURRING_CATEGORY}'",
        "code": "?3",
        "quantity": str(quantity),
        "amount": "?4",
        "clause": "?5",
        "true_up": "0",
        "wtn": "?6",
        "usoc": "?3",
        "service_start": "?7",
        "service_end": "?8",
        "days_in_service": "?9",
        "price_group": "?10",
    }
    sql = (
        f"INSERT INTO bill_lines ({', '.join(RECURRING_COLUMNS)}) "
        f"VALUES ({', '.join(values[c] for c in RECURRING_COLUMNS)})"
    )
    cents = pa.scalar(Decimal(10) ** MONEY_SCALE, pa.decimal128(19, 0))
    count = 0
    cursor = _driver(conn).cursor()
    try:
        for bill in bills:
            rec = bill.recurring
            if not rec.num_rows:
                continue
            amount = pc.cast(pc.multiply(rec["amount"], cents), pa.int64())
            columns = (
                rec["bill_id"].to_pylist(),
                rec["line_id"].to_pylist(),
                rec["usoc"].to_pylist(),
                amount.to_pylist(),
                rec["clause"].to_pylist(),
                rec["wtn"].to_pylist(),
                pc.cast(rec["service_start"], pa.string()).to_pylist(),
                pc.cast(rec["service_end"], pa.string()).to_pylist(),
                rec["days_in_service"].to_pylist(),
                rec["price_group"].to_pylist(),
            )
            cursor.executemany(sql, zip(*columns))
            count += rec.num_rows
    finally:
        cursor.close()
    return count
