"""A user's mistake is a message naming the input and what was expected, with exit code 2 and
no traceback; nothing is stored for it (issue: bad input that gets in)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.cli import app
from tests.commands.test_billing_cli import LOG

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def db(tmp_path: Path) -> str:
    (tmp_path / "log.yaml").write_text(LOG)
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    assert _run("events", "load", str(tmp_path / "log.yaml"), "--db", url).exit_code == 0
    return url


@pytest.mark.parametrize(
    "args, expected",
    [
        (["deadline", "bill_due_date", "--from", "08/04/2012"], "--from '08/04/2012': expected a date YYYY-MM-DD"),
        (["deadline", "bill_due_date", "--from", "2012-02-30"], "--from '2012-02-30': expected a date YYYY-MM-DD"),
        (["account", "status", "G", "--as-of", "24/10/2012"], "--as-of '24/10/2012': expected a date YYYY-MM-DD"),
        (["terms", "show", "--agreement", "no-such-agreement"], "no agreement 'no-such-agreement'"),
        (["terms", "show", "--set", "novalue"], "--set 'novalue': expected KEY=VALUE"),
    ],
)
def test_bad_options_are_messages_with_exit_2(args: list[str], expected: str):
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_an_unreachable_database_is_named_without_its_password(tmp_path: Path):
    result = _run(
        "account", "status", "G", "--as-of", "2013-01-01", "--db", "postgresql://ops:s3cret@127.0.0.1:1/icaops"
    )
    assert result.exit_code == 2
    assert "cannot open the database" in result.output and "s3cret" not in result.output
    assert "ops:***@127.0.0.1:1" in result.output


def test_a_malformed_database_url_is_refused():
    result = _run("account", "status", "G", "--as-of", "2013-01-01", "--db", "not a url")
    assert result.exit_code == 2 and "not a database URL" in result.output


def test_a_missing_events_file_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ICAOPS_DATABASE_URL", raising=False)
    result = _run("events", "load", "missing.yaml")
    assert result.exit_code == 2 and "missing.yaml: no such file" in result.output
    assert not (tmp_path / ".icaops").exists()


def test_a_malformed_events_file_names_its_line(tmp_path: Path, db: str):
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - id: [a\n")
    result = _run("events", "load", str(bad), "--db", db)
    assert result.exit_code == 2 and f"{bad}:" in result.output and "valid YAML" in result.output


def test_a_period_is_billed_once_however_it_is_spelled(db: str, tmp_path: Path):
    """III.9.2: one bill per account and cycle; `2013-3` is the cycle `2013-03`."""
    first = _run("bill", "run", "--period", "2013-03", "--out", str(tmp_path / "a"), "--db", db)
    again = _run("bill", "run", "--period", "2013-3", "--out", str(tmp_path / "b"), "--db", db)
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "G:2013-03:" in again.output and "G:2013-3" not in again.output
    status = _run("account", "status", "G", "--as-of", "2013-03-20", "--db", db)
    assert "balance → $323.40" in status.output  # not twice the bill


@pytest.mark.parametrize("period", ["09/2012", "2012-13", "2012", "september"])
def test_a_malformed_period_is_refused(db: str, period: str):
    result = _run("bill", "run", "--period", period, "--db", db)
    assert result.exit_code == 2 and f"--period {period!r}: expected YYYY-MM" in result.output


def test_bill_run_on_an_empty_log_says_so(tmp_path: Path):
    result = _run("bill", "run", "--period", "2013-03", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert result.exit_code == 2 and "no account opened in the log" in result.output


def test_version_and_debug():
    assert _run("--version").output.startswith("icaops ")
    result = runner.invoke(app, ["--debug", "deadline", "bill_due_date", "--from", "2012-02-30"])
    assert result.exception is not None and type(result.exception).__name__ == "UserError"


def test_a_bug_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch):
    import icaops.commands.deadlines as deadlines

    def broken(*_a: object, **_k: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(deadlines, "compute_named", broken)
    result = _run("deadline", "bill_due_date", "--from", "2012-08-04")
    assert result.exit_code == 1
    assert "internal error: ZeroDivisionError: boom" in result.output and "Traceback" not in result.output
    assert os.linesep.join(result.output.splitlines()[:1]).startswith("internal error")


def test_an_unknown_section_lists_the_sections():
    result = _run("terms", "show", "--section", "bogus")
    assert (
        result.exit_code == 2
        and "--section 'bogus': no term starts with it; sections: audits, billing" in result.output
    )


def test_an_unknown_deadline_offers_the_closest_names():
    result = _run("deadline", "bill_due", "--from", "2012-08-04")
    assert result.exit_code == 2 and "did you mean bill_date or bill_due_date?" in result.output


def test_today_is_the_agreements_central_date():
    """II.2.10: the agreement runs on Central time; 03:00 UTC on the 5th is still the 4th there."""
    import datetime as dt

    from icaops.app.agreements import open_agreement
    from icaops.app.clock import today

    agreement = open_agreement()
    assert today(agreement, dt.datetime(2012, 8, 5, 3, 0, tzinfo=dt.UTC)) == dt.date(2012, 8, 4)
    assert today(agreement, dt.datetime(2012, 8, 5, 6, 0, tzinfo=dt.UTC)) == dt.date(2012, 8, 5)


def test_account_status_defaults_to_today(db: str):
    result = _run("account", "status", "G", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Account G as of 20" in result.output and "balance →" in result.output


def test_no_python_words_in_user_output(db: str):
    """Terms and answers read as words (yes/no, half_up), not Python constants (True, ROUND_HALF_UP)."""
    for args in (["terms", "show"], ["account", "status", "G", "--as-of", "2013-04-20", "--db", db]):
        output = _run(*args).output
        for word in ("True", "False", "ROUND_", "None", "Decimal("):
            assert word not in output, (args, word)


def test_money_is_printed_one_way(db: str):
    """III.9.2: amounts are whole cents in U.S. funds: every amount of the status reads $1,234.56."""
    import re

    output = _run("account", "status", "G", "--as-of", "2013-04-20", "--db", db).output
    answers = re.findall(r"^(balance|past due|credit on account|deposit held) → (\S+)$", output, re.M)
    assert len(answers) == 4 and all(re.fullmatch(r"-?\$\d{1,3}(,\d{3})*\.\d{2}", v) for _, v in answers), answers


def test_money_text_rounds_and_groups():
    from decimal import Decimal

    from icaops.app.agreements import open_agreement
    from icaops.money import money_text

    money = open_agreement().terms.money
    assert money_text(Decimal("1234567.005"), money) == "$1,234,567.01"  # half_up (money.rounding)
    assert money_text(Decimal("-12"), money) == "-$12.00"
    assert money_text(Decimal("0"), money) == "$0.00"


def test_an_order_recorded_late_but_dated_earlier_goes_on_the_next_bill(tmp_path: Path):
    """VIII: Account Establishment once, on the first order's bill; III.9.2: a closed bill never
    changes, so an order recorded after the close (dated before the first) goes on the next bill
    without moving Account Establishment (it used to stop `bill run` with a ledger key conflict)."""
    import csv

    url = f"sqlite:///{tmp_path / 'late.sqlite'}"
    first = tmp_path / "first.yaml"
    first.write_text(
        "events:\n"
        "  - {id: open, date: 2012-08-01, type: billing.account_opened, account: G, cycle_close_day: 3}\n"
        "  - {id: O2, date: 2012-08-20, type: order.submitted, account: G, channel: electronic, variant: standard}\n"
    )
    late = tmp_path / "late.yaml"
    late.write_text(
        "events:\n"
        "  - {id: O1, date: 2012-08-10, type: order.submitted, account: G, channel: electronic, variant: standard}\n"
    )
    assert _run("events", "load", str(first), "--db", url).exit_code == 0
    assert _run("bill", "run", "--period", "2012-09", "--out", str(tmp_path / "b"), "--db", url).exit_code == 0
    assert _run("events", "load", str(late), "--db", url).exit_code == 0
    result = _run("bill", "run", "--period", "2012-10", "--out", str(tmp_path / "b"), "--db", url)
    assert result.exit_code == 0, result.output
    codes = {
        period: [r["line_id"] for r in csv.DictReader((tmp_path / "b" / f"G_{period}.csv").open())]
        for period in ("2012-09", "2012-10")
    }
    assert sum("account_establishment" in line for lines in codes.values() for line in lines) == 1
    assert any("O2:account_establishment" in line for line in codes["2012-09"])
    assert any(":nrc:O1:service_order_electronic" in line for line in codes["2012-10"])
