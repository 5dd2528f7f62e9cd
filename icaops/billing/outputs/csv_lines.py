"""The bill as CSV: one row per line item, recurring per WTN first, then every other line.

Columns (`CSV_COLUMNS`): bill_id, account, bill_date, due_date, line_id, category, code,
description, wtn, service_start, service_end, quantity, unit_price, amount, clause, clauses,
price_group, true_up, explanation. Amounts are exact decimal strings (`15.57`, `-5.00`),
never floats, so the amount column sums to the bill total to the cent. `clause` is the
clause that sets the line's price; `clauses` every clause its computation cites. A
recurring line's explanation is its price group's, printed once in the invoice
(`price_group`). Every line id is `BILL_ID:…` (a WTN's is `BILL_ID:LINE`, as `icaops
explain` takes it), and every row is one physical line: line breaks inside a value (an
explanation's steps, a description) become ` | ` or a space.

The writer streams: recurring lines go from Arrow record batches to the CSV writer batch
by batch, so a bill of a million WTNs never becomes a Python list of a million rows.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ...privatefiles import private_path
from ..model import Bill, ChargeLine
from .view import plain

__all__ = ["CSV_COLUMNS", "csv_batches", "lines_csv", "write_csv", "write_lines_csv"]

CSV_COLUMNS = (
    "bill_id",
    "account",
    "bill_date",
    "due_date",
    "line_id",
    "category",
    "code",
    "description",
    "wtn",
    "service_start",
    "service_end",
    "quantity",
    "unit_price",
    "amount",
    "clause",
    "clauses",
    "price_group",
    "true_up",
    "explanation",
)
_SCHEMA = pa.schema([pa.field(name, pa.string()) for name in CSV_COLUMNS])


def _text(array: pa.Array) -> pa.Array:
    return pc.cast(array, pa.string())


def _one_line(array: pa.Array) -> pa.Array:
    """A string column with no line break inside a value."""
    return pc.replace_substring_regex(array, r"[\r\n\x0b\x0c\x1c-\x1e\x{85}\x{2028}\x{2029}]+", " ")


def _flat(text: str | None) -> str | None:
    return None if text is None else " ".join(text.splitlines())


def _group_clauses(bill: Bill) -> pa.Array:
    """Space-separated clauses of each price group, indexed by group id."""
    size = max(bill.recurring_groups, default=-1) + 1
    cited: list[str | None] = [None] * size
    for gid, explained in bill.recurring_groups.items():
        cited[gid] = " ".join(explained.clauses)
    return pa.array(cited, pa.string())


def _recurring_batch(batch: pa.RecordBatch, clauses_by_group: pa.Array, bill: Bill) -> pa.RecordBatch:
    """CSV rows of per-WTN recurring lines, computed column-wise."""
    n = batch.num_rows
    fixed = _fixed(bill)
    amount = _text(batch.column("amount"))
    description = pc.binary_join_element_wise(
        "Monthly recurring charge (",
        _text(batch.column("days_in_service")),
        " days in service)",
        "",
    )
    group = batch.column("price_group")
    columns = {
        "bill_id": batch.column("bill_id"),
        **{k: pa.array([v] * n, pa.string()) for k, v in fixed.items()},
        "line_id": pc.binary_join_element_wise(batch.column("bill_id"), _text(batch.column("line_id")), ":"),
        "category": pa.array(["mrc"] * n, pa.string()),
        "code": batch.column("usoc"),
        "description": description,
        "wtn": batch.column("wtn"),
        "service_start": _text(batch.column("service_start")),
        "service_end": _text(batch.column("service_end")),
        "quantity": pa.array(["1"] * n, pa.string()),
        "unit_price": amount,
        "amount": amount,
        "clause": batch.column("clause"),
        "clauses": pc.take(clauses_by_group, group),
        "price_group": _text(group),
        "true_up": pa.array([""] * n, pa.string()),
        "explanation": pa.nulls(n, pa.string()),
    }
    return pa.RecordBatch.from_arrays([_one_line(columns[c]) for c in CSV_COLUMNS], schema=_SCHEMA)


def _fixed(bill: Bill) -> dict[str, str]:
    """The columns every row of one bill shares."""
    return {
        "account": bill.account.id,
        "bill_date": bill.cycle.bill_date.value.isoformat(),
        "due_date": bill.cycle.due_date.value.isoformat(),
    }


def _exact(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _row(line: ChargeLine, fixed: dict[str, str]) -> dict[str, str | None]:
    when = line.service_date.isoformat() if line.service_date else None
    return {
        "bill_id": line.bill_id,
        **fixed,
        "line_id": _flat(line.line_id),
        "category": line.category,
        "code": _flat(line.code),
        "description": _flat(line.description),
        "wtn": None,
        "service_start": when,
        "service_end": when,
        "quantity": _exact(line.quantity),
        "unit_price": _exact(line.unit_price),
        "amount": _exact(line.amount),
        "clause": line.clause,
        "clauses": " ".join(dict.fromkeys((line.clause, *line.explanation.clauses))),
        "price_group": None,
        "true_up": "Y" if line.true_up else "",
        "explanation": " | ".join(f"{i}. {_flat(plain(s.render()))}" for i, s in enumerate(line.explanation.steps, 1)),
    }


def csv_batches(bill: Bill, batch_size: int = 65_536) -> Iterator[pa.RecordBatch]:
    """The bill's CSV rows as record batches: recurring per WTN, then the other lines."""
    if bill.recurring.num_rows:
        clauses_by_group = _group_clauses(bill)
        for batch in bill.recurring.to_batches(max_chunksize=batch_size):
            if batch.num_rows:
                yield _recurring_batch(batch, clauses_by_group, bill)
    if bill.lines:
        fixed = _fixed(bill)
        yield pa.RecordBatch.from_pylist([_row(l, fixed) for l in bill.lines], schema=_SCHEMA)


def write_lines_csv(bills: Bill | Iterable[Bill], sink: str | os.PathLike | IO[bytes], batch_size: int = 65_536) -> int:
    """Write one or many bills' line items to `sink` (a path or a binary file) as UTF-8 CSV; the number of rows written."""
    bills = [bills] if isinstance(bills, Bill) else bills
    if isinstance(sink, (str, os.PathLike)):
        # owner-only (CPNI), and a failed write never leaves a truncated file under the real name
        with private_path(sink) as partial:
            return _write(bills, str(partial), batch_size)
    return _write(bills, sink, batch_size)


def _write(bills: Iterable[Bill], target: str | IO[bytes], batch_size: int) -> int:
    written = 0
    with pacsv.CSVWriter(target, _SCHEMA, write_options=pacsv.WriteOptions(include_header=True)) as writer:
        for bill in bills:
            for batch in csv_batches(bill, batch_size):
                writer.write_batch(batch)
                written += batch.num_rows
    return written


def lines_csv(bills: Bill | Iterable[Bill]) -> str:
    """The CSV of `write_lines_csv` as a string."""
    buffer = io.BytesIO()
    write_lines_csv(bills, buffer)
    return buffer.getvalue().decode("utf-8")


write_csv = write_lines_csv  # earlier name, still called by icaops/commands/billing.py
