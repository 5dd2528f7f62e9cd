"""Saving a billing cycle in bulk: every line of every bill (the per-WTN recurring rows
included) with exact amounts, headers whose totals are the bills' (III.9.2), rejections
kept with their reasons, and closed bills never rewritten."""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from icaops.billing.model import Account
from icaops.billing.run import run_cycle
from icaops.samples.inventory import resale_inventory
from icaops.store.audit import audit_rows
from icaops.store.bulk import _totals, store_run, writer
from icaops.store.models import BillingRejectionRow, BillLineRow, BillRow, PriceGroupRow

ACCOUNTS = [Account(f"CLEC{i:03d}", f"CLEC {i:03d}", cycle_close_day=3) for i in range(3)]


@pytest.fixture(scope="module")
def run(terms):
    """A cycle of 3 accounts and 1,500 resale lines, some of them invalid (rejected)."""
    inventory = resale_inventory(1500, [a.id for a in ACCOUNTS], invalid_share=0.02)
    result = run_cycle(ACCOUNTS, inventory, "2012-08", terms)
    assert result.rejected_inventory.num_rows > 0 and all(b.lines for b in result.bills.values())
    return result


def _ids(run) -> list[str]:
    return sorted(b.id for b in run.bills.values())


def _lines(conn, bill_id):
    return {r.line_id: r for r in conn.execute(select(BillLineRow).where(BillLineRow.bill_id == bill_id))}


def test_every_line_is_stored_with_its_exact_amount(engine, run):
    stored = store_run(engine, run)
    assert stored.lines == run.line_count and sorted(stored.written) == _ids(run)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BillLineRow)).scalar_one() == run.line_count
        for bill in run.bills.values():
            lines = _lines(conn, bill.id)
            for row in bill.recurring.to_pylist():
                line = lines[row["line_id"]]
                assert (
                    line.amount,
                    line.wtn,
                    line.usoc,
                    line.service_start,
                    line.service_end,
                    line.price_group,
                    line.clause,
                    line.category,
                ) == (
                    row["amount"],
                    row["wtn"],
                    row["usoc"],
                    row["service_start"],
                    row["service_end"],
                    row["price_group"],
                    row["clause"],
                    "mrc",
                )
                assert type(line.amount) is Decimal and line.explanation is None
            for charge in bill.lines:
                line = lines[charge.line_id]
                assert (line.amount, line.category, line.code, line.clause, line.quantity, line.true_up) == (
                    charge.amount,
                    charge.category,
                    charge.code,
                    charge.clause,
                    charge.quantity,
                    charge.true_up,
                )
                assert line.explanation == charge.explanation.as_dict()


def test_headers_carry_the_bills_totals_and_dates(engine, run):
    """Bill Date and Bill Due Date (III.9.2) and every category total, as the bill computed them;
    the lines add up to the header."""
    store_run(engine, run)
    with engine.connect() as conn:
        for bill in run.bills.values():
            header = conn.execute(select(BillRow).where(BillRow.id == bill.id)).one()
            totals = bill.totals()
            assert _totals(bill) == totals
            assert {c: getattr(header, c) for c in totals} == totals
            assert (header.bill_date, header.due_date) == (bill.cycle.bill_date.value, bill.cycle.due_date.value)
            assert header.explanation["due_date"]["clauses"] == list(bill.cycle.due_date.clauses)
            assert header.closed is True and header.line_count == bill.recurring.num_rows + len(bill.lines)
            line_sum = conn.execute(
                select(func.sum(BillLineRow.amount)).where(BillLineRow.bill_id == bill.id)
            ).scalar_one()
            assert line_sum == totals["total"]


def test_no_line_without_its_bill_and_price_groups_explain_recurring_lines(engine, run):
    store_run(engine, run)
    with engine.connect() as conn:
        orphans = conn.execute(
            select(func.count()).select_from(BillLineRow).where(BillLineRow.bill_id.not_in(select(BillRow.id)))
        ).scalar_one()
        assert orphans == 0
        unexplained = conn.execute(
            select(func.count())
            .select_from(BillLineRow)
            .where(
                BillLineRow.price_group.is_not(None),
                ~select(PriceGroupRow.bill_id)
                .where(
                    PriceGroupRow.bill_id == BillLineRow.bill_id, PriceGroupRow.price_group == BillLineRow.price_group
                )
                .exists(),
            )
        ).scalar_one()
        assert unexplained == 0
        bill = next(iter(run.bills.values()))
        group, explained = next(iter(bill.recurring_groups.items()))
        row = conn.execute(
            select(PriceGroupRow).where(PriceGroupRow.bill_id == bill.id, PriceGroupRow.price_group == group)
        ).one()
        assert row.amount == explained.value and row.explanation == explained.as_dict()


def test_rejected_inventory_is_kept_with_its_reason(engine, run):
    """A line that cannot be billed is not silently dropped: it is stored with the field and why."""
    store_run(engine, run)
    with engine.connect() as conn:
        rows = conn.execute(
            select(BillingRejectionRow.record, BillingRejectionRow.field, BillingRejectionRow.reason)
        ).all()
    expected = run.rejected_inventory.to_pylist()
    assert Counter((r.record, r.field, r.reason) for r in rows) == Counter(
        (e["line_id"], e["field"], e["reason"]) for e in expected
    )


def test_storing_a_run_twice_changes_nothing(engine, run):
    store_run(engine, run)
    again = store_run(engine, run)
    assert not again.written and not again.refused and sorted(again.unchanged) == _ids(run)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BillLineRow)).scalar_one() == run.line_count


def test_a_closed_bill_is_not_rewritten_by_a_different_run(engine, run, terms):
    """A recomputed bill under a closed bill's id is refused and audited; the stored bill stays."""
    store_run(engine, run)
    fewer = resale_inventory(900, [a.id for a in ACCOUNTS], invalid_share=0.02)
    other = run_cycle(ACCOUNTS, fewer, "2012-08", terms)
    result = store_run(engine, other)
    assert sorted(result.refused) == _ids(run) and not result.written
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BillLineRow)).scalar_one() == run.line_count
        [audit] = audit_rows(conn, subject=next(iter(run.bills.values())).id, action="bill.rewrite_refused")
        assert "never edited" in audit.reason


def test_an_open_bill_is_replaced_by_its_recomputation(engine, run, terms):
    store_run(engine, run, close=False)
    fewer = run_cycle(ACCOUNTS, resale_inventory(900, [a.id for a in ACCOUNTS]), "2012-08", terms)
    result = store_run(engine, fewer, close=False)
    assert sorted(result.written) == _ids(fewer)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BillLineRow)).scalar_one() == fewer.line_count


def test_writer_migrates_and_writes(tmp_path, run):
    """`writer(url)` is what bench/billing.py uses: it migrates a new database first."""
    write = writer(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert write(run).lines == run.line_count


def test_an_unrounded_line_is_refused_and_nothing_is_stored(engine, run):
    """Amounts billed are whole cents (III.9.2): a line that is not is refused, naming the
    bill, the line and the field, and the run is not stored at all (not rounded silently)."""
    bill = next(iter(run.bills.values()))
    bad_line = dataclasses.replace(bill.lines[0], amount=bill.lines[0].amount + Decimal("0.001"))
    bad_bill = dataclasses.replace(bill, lines=(bad_line, *bill.lines[1:]))
    bad = dataclasses.replace(run, bills={**run.bills, bill.account.id: bad_bill})
    with pytest.raises(
        ValueError, match=f"bill {bill.id} line {bad_line.line_id}: amount: .* more than 2 decimal places"
    ):
        store_run(engine, bad)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(BillRow)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(BillLineRow)).scalar_one() == 0


def test_a_cycle_is_billed_once_however_its_period_is_spelled(engine, run):
    """III.9.2: one bill per account and cycle. A bill of the same cycle under another id (the
    period spelled `2012-8`) is refused by the store, and the database's unique index is the
    backstop for any other writer."""
    from sqlalchemy import insert as sql_insert
    from sqlalchemy.exc import IntegrityError

    from icaops.store.bulk import CycleAlreadyBilled

    store_run(engine, run)
    bill = next(iter(run.bills.values()))
    respelled = dataclasses.replace(bill, cycle=dataclasses.replace(bill.cycle, period="2012-8"))
    assert respelled.id != bill.id
    again = dataclasses.replace(run, bills={respelled.id: respelled})
    with pytest.raises(CycleAlreadyBilled, match="already billed as"):
        store_run(engine, again)
    with engine.connect() as conn:
        row = conn.execute(select(BillRow).where(BillRow.id == bill.id)).mappings().one()
    forged = {**dict(row.items()), "id": respelled.id, "period": "2012-8"}
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(sql_insert(BillRow), [forged])
