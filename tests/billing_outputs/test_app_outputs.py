"""`bill run` writes the invoice with the account summary read from the log (III.9.2, III.9.3, III.9.4),
and 811 files with control numbers from the store's counter and the production/test indicator (VI.10.1.2)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import x12
from typer.testing import CliRunner

from icaops.app.agreements import open_agreement
from icaops.app.invoice_summary import account_summary
from icaops.app.workspace import open_workspace
from icaops.billing.books import Books
from icaops.cli import app

LOG = """
events:
  - {id: open, date: 2013-01-01, type: billing.account_opened, account: G, name: Granite, cycle_close_day: 3}
  - {id: S1, date: 2012-12-01, type: service.added, account: G, wtn: "2083451001", usoc: 1FR, class_of_service: residential, retail_mrc: "18.50"}
  - {id: O1, date: 2013-02-10, type: order.submitted, account: G, channel: electronic, variant: standard}
"""
LATER = """
events:
  - {id: P1, date: 2013-03-25, type: payment.received, account: G, amount: "100.00"}
  - {id: D1, date: 2013-03-20, type: billing_dispute.filed, account: G, bill: "G:2013-03", amount: "8.67", reason: "order O1 not placed"}
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _isa(path: Path) -> x12.X12Interchange:
    return x12.parse_x12_interchange(x12.tokenize_x12(path.read_bytes()))


def test_second_invoice_carries_the_previous_balance_payments_and_late_charges(tmp_path: Path):
    """III.9.2, III.9.3, III.9.4: the April invoice starts from March's total, takes off the payment received
    since March's Bill Date, adds the late payment charge on the unpaid rest, and says what is in dispute."""
    db = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    (tmp_path / "log.yaml").write_text(LOG)
    (tmp_path / "later.yaml").write_text(LATER)
    out = tmp_path / "bills"
    _run("events", "load", str(tmp_path / "log.yaml"), "--db", db)
    _run("bill", "run", "--period", "2013-03", "--out", str(out), "--db", db)
    _run("events", "load", str(tmp_path / "later.yaml"), "--db", db)
    _run("bill", "run", "--period", "2013-04", "--out", str(out), "--db", db, "--x12-usage", "production")

    ws = open_workspace(db, open_agreement("centurylink-granite-id-2012"))
    books = Books(ws.agreement, ws.events())
    history = books.history("G", books.history("G", ws.events()[-1].date).bills["G:2013-04"].bill_date)
    march, april = history.full_bills["G:2013-03"], history.full_bills["G:2013-04"]
    s = account_summary(books, april)
    assert (s.previous_bill_id, s.previous_balance, s.payments) == ("G:2013-03", march.total, Decimal("100.00"))
    assert s.late_charges == april.totals()["late_charge"] > 0
    assert s.in_dispute == Decimal("8.67")
    assert s.total_due == march.total - Decimal("100.00") + april.total
    first = account_summary(books, march)
    assert (first.previous_balance, first.payments, first.total_due) == (Decimal("0.00"), Decimal("0.00"), march.total)

    page = (out / "G_2013-04.html").read_text()
    assert f"bill G:2013-03 of {s.previous_bill_date.isoformat()}" in page
    assert re.search(r"Total amount due by the Bill Due Date.*?" + re.escape(f"{s.total_due:,}"), page, re.S)

    march_811, april_811 = _isa(out / "G_2013-03.811"), _isa(out / "G_2013-04.811")
    assert march_811.control_number != april_811.control_number
    assert (march_811.usage_indicator, april_811.usage_indicator) == (b"T", b"P")
