"""`icaops events load`, `bill run`, `bill show`, `explain`, `account status` on a SQLite store
(III.9.2 Bill Date and Due Date, III.9.3 late charges, III.9.5 treatment, VIII prices)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from icaops.cli import app

runner = CliRunner()

LOG = """
events:
  - {id: open, date: 2013-01-01, type: billing.account_opened, account: G, name: Granite, cycle_close_day: 3}
  - {id: S1, date: 2012-12-01, type: service.added, account: G, wtn: "2083451001", usoc: 1FR, class_of_service: residential, retail_mrc: "18.50"}
  - {id: O1, date: 2013-02-10, type: order.submitted, account: G, channel: electronic, variant: standard}
  - {id: T1, date: 2013-02-20, type: trip.dispatched, account: G}
"""


def _run(*args: str, db: str):
    result = runner.invoke(app, [*args, "--db", db], catch_exceptions=False)
    return result


@pytest.fixture()
def db(tmp_path: Path) -> str:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    result = _run("events", "load", str(log), db=url)
    assert result.exit_code == 0, result.output
    assert "4 events added" in result.output
    return url


def test_events_load_is_idempotent(db: str, tmp_path: Path):
    """Feeding the same events twice changes nothing (DEVELOPERS: replay is idempotent)."""
    result = _run("events", "load", str(tmp_path / "log.yaml"), db=db)
    assert "0 events added" in result.output


def test_events_load_stores_nothing_of_a_file_with_a_bad_event(tmp_path: Path):
    """A refused event is reported with its file, line, field and what was expected; none of
    the file's events is stored (all or nothing), and the command exits 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            [
                {"id": "x", "date": "2013-13-01", "type": "payment.received", "account": "G", "amount": "1.00"},
                {"id": "ok", "date": "2013-01-01", "type": "billing.account_opened", "account": "G"},
            ],
            default_flow_style=True,
        )
    )
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    result = _run("events", "load", str(bad), db=url)
    assert result.exit_code == 2, result.output
    assert f"{bad}:1: event x: date: expected a real date such as 2012-08-04, got '2013-13-01'" in result.output
    assert "nothing of this file stored" in result.output
    status = _run("account", "status", "G", "--as-of", "2013-02-01", db=url)
    assert status.exit_code == 2 and "not opened in the log" in status.output


def test_bill_run_writes_invoice_csv_and_811(db: str, tmp_path: Path):
    """III.9.2: the cycle closing 2013-03-03 is billed 2013-03-04, due 2013-04-03; VIII prices."""
    out = tmp_path / "bills"
    result = _run("bill", "run", "--period", "2013-03", "--out", str(out), db=db)
    assert result.exit_code == 0, result.output
    # 18.50 x (1 - 0.1586) = 15.5659 -> 15.57; account establishment 224.07 + order 8.67 + trip 27.16;
    # FUSC 17.40 % x (15.57 + 259.90) = 47.93178 -> 47.93. Total 15.57 + 259.90 + 47.93 = 323.40
    assert "G:2013-03: 5 lines, total $323.40, due 2013-04-03" in result.output
    rows = list(csv.DictReader((out / "G_2013-03.csv").open()))
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("323.40")
    assert (out / "G_2013-03.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "G_2013-03.811").read_text().startswith("ISA")
    assert "Bill Due Date" in (out / "G_2013-03.html").read_text()


def test_bill_run_twice_bills_once(db: str, tmp_path: Path):
    """A closed bill is never billed again (III.9.2): running the period again changes nothing."""
    for _ in range(2):
        _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path), db=db)
    result = _run("account", "status", "G", "--as-of", "2013-03-10", db=db)
    assert "balance → $323.40" in result.output


def test_bill_show_and_explain(db: str, tmp_path: Path):
    """Every amount is explained by its clauses: the resale line (IV.3.1) and the FUSC (III.9.6)."""
    _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path), db=db)
    shown = _run("bill", "show", "G:2013-03", db=db)
    assert "Bill Due Date → 2013-04-03" in shown.output and "323.40" in shown.output
    line = _run("explain", "G:2013-03:2083451001", db=db)
    assert "15.57" in line.output and "[IV.3.1.2]" in line.output
    fusc = _run("explain", "G:2013-03:surcharge:fusc", db=db)
    assert "47.93" in fusc.output and "[III.9.6]" in fusc.output
    missing = _run("explain", "G:2013-03:nope", db=db)
    assert missing.exit_code == 2 and "has no line 'nope'" in missing.output


def test_account_status_after_the_due_date(db: str, tmp_path: Path):
    """III.9.3: unpaid after the due date is past due and accrues late charges; III.6.1(c): a
    deposit may be requested; III.9.5.2: earliest disconnection 10 Business Days after notice."""
    _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path), db=db)
    result = _run("account", "status", "G", "--as-of", "2013-04-15", db=db)
    assert result.exit_code == 0, result.output
    assert "past due → $323.40" in result.output
    assert "deposit may be requested → yes" in result.output
    # notice assumed received Monday 2013-04-15 + 10 Business Days = Monday 2013-04-29
    assert "earliest disconnection → 2013-04-29" in result.output
    unknown = _run("account", "status", "X", "--as-of", "2013-04-15", db=db)
    assert unknown.exit_code == 2


def test_usage_from_a_traffic_check_is_billed_per_message(db: str, tmp_path: Path):
    """VI.9 / VIII: messages of the resold line 2083451001 in the cycle are billed at the
    per-message price; a number that is not a resold line is listed and not billed."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    check = tmp_path / "check"
    check.mkdir()
    pq.write_table(
        pa.table(
            {
                "billing_number": ["2083451001", "2083451001", "2089990000"],
                "message_type": ["01"] * 3,
                "call_date": pa.array([dt.date(2013, 2, 11), dt.date(2013, 2, 12), dt.date(2013, 2, 12)], pa.date32()),
                "messages": [60000, 40000, 5],
            }
        ),
        check / "message_counts.parquet",
    )
    result = _run("events", "usage", str(check), db=db)
    text = " ".join(result.output.split())
    assert "100,000 messages on 2 account-days, 2 events added; 1 counts not billed (5 messages)" in text
    assert "2089990000" in result.output
    again = _run("events", "usage", str(check), db=db)
    assert "0 events added" in " ".join(again.output.split())  # the same file twice bills once
    _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path), db=db)
    line = _run("explain", "G:2013-03:usage:message_provisioning", db=db)
    # 100,000 x $0.000581 = $58.10
    assert "58.10" in line.output and "[VIII]" in line.output
