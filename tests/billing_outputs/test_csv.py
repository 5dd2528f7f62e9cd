"""The line-item CSV: one row per line (each WTN included), exact decimal strings, sums to the bill total."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from icaops.billing.outputs import CSV_COLUMNS, lines_csv, write_lines_csv
from icaops.billing.outputs.view import plain
from icaops.money import round_money

from .helpers import agreement, big_bill, small_bill

CENTS = re.compile(r"-?\d+\.\d{2}")
DECIMAL = re.compile(r"-?\d+(\.\d+)?")


def _rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def test_amounts_sum_to_the_bill_total_to_the_cent():
    """III.9.2: the amount column adds up to the amount due, exactly."""
    for bill in (small_bill(), big_bill(5_000)):
        rows = _rows(lines_csv(bill))
        assert sum((Decimal(r["amount"]) for r in rows), Decimal(0)) == bill.total
        assert all(CENTS.fullmatch(r["amount"]) for r in rows)


def test_one_row_per_line_item_including_each_wtn():
    bill = big_bill(5_000)
    rows = _rows(lines_csv(bill))
    assert len(rows) == bill.recurring.num_rows + len(bill.lines)
    assert len({r["line_id"] for r in rows}) == len(rows)
    assert all(r["line_id"].startswith(f"{bill.id}:") for r in rows)
    wtn_rows = [r for r in rows if r["category"] == "mrc"]
    assert [r["wtn"] for r in wtn_rows] == bill.recurring.column("wtn").to_pylist()
    for r in wtn_rows[:200]:
        assert r["quantity"] == "1" and r["unit_price"] == r["amount"]
        assert r["clause"] in r["clauses"].split() and r["price_group"].isdigit()


def test_other_lines_carry_clause_explanation_and_true_up():
    """VIII prices, III.9.3 late charge, III.45 separate surcharge, III.46.2 interim price marked for true-up."""
    bill = small_bill()
    rows = {r["line_id"]: r for r in _rows(lines_csv(bill))}
    for line in bill.lines:
        row = rows[line.line_id]
        assert (row["category"], row["code"], row["clause"], row["amount"]) == (
            line.category,
            line.code,
            line.clause,
            format(line.amount, "f"),
        )
        assert set(line.explanation.clauses) <= set(row["clauses"].split())
        assert row["explanation"] == " | ".join(
            f"{i}. {plain(s.render())}" for i, s in enumerate(line.explanation.steps, 1)
        )
        assert row["true_up"] == ("Y" if line.true_up else "")
        assert DECIMAL.fullmatch(row["quantity"])
        assert row["unit_price"] == ("" if line.unit_price is None else format(line.unit_price, "f"))
    by_category = {r["category"]: r for r in rows.values()}
    assert "III.9.3" in by_category["late_charge"]["clauses"]
    assert "III.45" in by_category["surcharge"]["clauses"]
    assert by_category["credit"]["amount"].startswith("-")
    usage = by_category["usage"]
    assert round_money(Decimal(usage["quantity"]) * Decimal(usage["unit_price"]), agreement().terms.money) == Decimal(
        usage["amount"]
    )
    assert "VIII" in usage["clauses"]


def test_streaming_in_small_batches_gives_the_same_file(tmp_path):
    bill = big_bill(5_000)
    path = tmp_path / "lines.csv"
    written = write_lines_csv(bill, path, batch_size=777)
    assert written == bill.recurring.num_rows + len(bill.lines)
    assert path.read_text(encoding="utf-8") == lines_csv(bill)


def test_many_bills_in_one_file():
    one, two = small_bill(), big_bill(5_000)
    rows = _rows(lines_csv([one, two]))
    assert len(rows) == one.recurring.num_rows + len(one.lines) + two.recurring.num_rows + len(two.lines)
    assert sum((Decimal(r["amount"]) for r in rows), Decimal(0)) == one.total + two.total


def test_one_physical_line_per_bill_line_with_account_and_dates():
    """III.9.2: each row names the account, the Bill Date and the Bill Due Date; no value holds a line break,
    so the file has exactly one physical line per bill line (and a header)."""
    from dataclasses import replace

    bill = small_bill()
    lines = list(bill.lines)
    lines[0] = replace(lines[0], description="two\nlines\r\nand a\u2028separator")
    bill = replace(bill, lines=tuple(lines))
    text = lines_csv(bill)
    physical = text.splitlines()
    assert len(physical) == 1 + bill.recurring.num_rows + len(bill.lines)
    rows = _rows(text)
    assert {(r["account"], r["bill_date"], r["due_date"]) for r in rows} == {
        (bill.account.id, bill.cycle.bill_date.value.isoformat(), bill.cycle.due_date.value.isoformat())
    }
    assert rows[bill.recurring.num_rows]["description"] == "two lines and a separator"


def test_line_ids_are_the_ids_explain_takes():
    """Every line id is BILL_ID:LINE, the id `icaops explain` takes (a WTN's line too)."""
    bill = small_bill()
    rows = _rows(lines_csv(bill))
    assert [r["line_id"] for r in rows if r["category"] == "mrc"] == [
        f"{bill.id}:{i}" for i in bill.recurring.column("line_id").to_pylist()
    ]
    assert all(bill.line(r["line_id"]) is not None for r in rows if r["category"] != "mrc")
