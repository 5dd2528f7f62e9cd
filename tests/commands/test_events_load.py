"""`icaops events load` refuses bad events with file, line, field and what was expected, stores
none of a file that has one, and exits 2 (issue 10, section 3; docs/events.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from icaops.cli import app
from icaops.store import make_engine
from icaops.store.models import EventRow

runner = CliRunner()

OPEN = "  - {id: open, date: 2013-01-01, type: billing.account_opened, account: G, name: Granite, cycle_close_day: 3}\n"


def _load(tmp_path: Path, body: str, name: str = "events.yaml") -> tuple[int, str, Path]:
    path = tmp_path / name
    path.write_text("events:\n" + body)
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    result = runner.invoke(app, ["events", "load", str(path), "--db", url], catch_exceptions=False)
    return result.exit_code, result.output, path


def _stored(tmp_path: Path) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'icaops.sqlite'}")
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(EventRow)).scalar_one()


# (the bad event, the line it is on in the file, what the message must say); the file's first
# event opens account G, and is refused with the rest: nothing of the file is stored.
BAD = {
    # An unknown or misspelled event type is refused, with the closest known type.
    "misspelled type": (
        "{id: P1, date: 2013-02-01, type: payment.recieved, account: G, amount: '10.00'}",
        "event P1: type: expected a known event type (did you mean payment.received?), got 'payment.recieved'",
    ),
    # III.9.2/III.9.3: a payment is an amount of money, written exactly.
    "amount not a number": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: abc}",
        "event P1: amount: expected a decimal string such as \"12.34\" or an int, got 'abc'",
    ),
    "amount a bare float": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: 10.5}",
        'event P1: amount: expected a decimal string such as "12.34" or an int, never a bare float',
    ),
    "negative payment": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '-50.00'}",
        "event P1: amount: expected an amount of zero or more, got -50.00",
    ),
    "more decimals than the currency": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '10.005'}",
        "event P1: amount: expected at most 2 decimal places, got 10.005",
    ),
    "26 digits": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '12345678901234567890123456'}",
        "event P1: amount: expected at most 16 digits before the decimal point, got 26",
    ),
    "misspelled field": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '1.00', amonut: '2.00'}",
        "event P1: amonut: expected no field 'amonut' on payment.received (did you mean amount?",
    ),
    # VIII / IV.3: a resold line's retail rate is the base of its resale price.
    "retail rate in words": (
        "{id: S1, date: 2013-02-01, type: service.added, account: G, wtn: '2083451001', retail_mrc: eighteen}",
        "event S1: retail_mrc: expected a decimal string such as \"12.34\" or an int, got 'eighteen'",
    ),
    # VIII: Message Provisioning is priced per message.
    "count in words": (
        "{id: U1, date: 2013-02-01, type: usage.messages, account: G, count: lots}",
        "event U1: count: expected a whole number, got 'lots'",
    ),
    "account never opened": (
        "{id: P1, date: 2013-02-01, type: payment.received, account: GEM, amount: '10.00'}",
        "event P1: account: expected an account opened in the log or earlier in the file by "
        "billing.account_opened (known: G), got 'GEM'",
    ),
    "impossible date": (
        "{id: P1, date: 2013-02-30, type: payment.received, account: G, amount: '10.00'}",
        "event P1: date: expected a real date such as 2012-08-04, got '2013-02-30'",
    ),
    "no type": (
        "{id: P1, date: 2013-02-01, account: G, amount: '10.00'}",
        "event P1: type: expected an event type such as payment.received",
    ),
    "id too long for its column": (
        "{id: " + "x" * 201 + ", date: 2013-02-01, type: trip.dispatched, account: G}",
        "id: expected at most 200 characters",
    ),
    "notice of an unknown kind": (
        "{id: N1, date: 2013-02-01, type: notice.given, kind: terminashun, method: personal}",
        "event N1: kind: expected one of 'termination', ",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_event_is_refused_with_file_line_field_and_nothing_is_stored(tmp_path: Path, case: str):
    """Each bad input of issue 10 §3: refused, named, the whole file not stored, exit 2."""
    event, expected = BAD[case]
    code, output, path = _load(tmp_path, OPEN + f"  - {event}\n")
    flat = " ".join(output.split())
    assert code == 2, output
    assert f"{path}:3: " in flat and expected in flat, output
    assert "nothing of this file stored" in flat
    assert _stored(tmp_path) == 0


def test_an_event_without_id_is_named_by_its_place_in_the_file(tmp_path: Path):
    """The fourth item of a file is `#4` (not its place in the whole log), with its line."""
    body = (
        OPEN
        + "".join(f"  - {{id: T{i}, date: 2013-02-0{i}, type: trip.dispatched, account: G}}\n" for i in (1, 2))
        + "  - {date: 2013-02-05, type: payment.received, account: G, amount: 1.5}\n"
    )
    code, output, path = _load(tmp_path, body)
    assert code == 2
    assert f"{path}:5: event #4: amount:" in " ".join(output.split())


def test_an_account_opened_earlier_in_the_file_or_in_the_log_is_known(tmp_path: Path):
    """The account may be opened by an earlier event of the same file, or by an earlier load."""
    code, output, _ = _load(
        tmp_path, OPEN + "  - {id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '10.00'}\n"
    )
    assert code == 0 and "2 events added" in output
    code, output, _ = _load(
        tmp_path, "  - {id: P2, date: 2013-03-01, type: payment.received, account: G, amount: 25}\n", "more.yaml"
    )
    assert code == 0 and "1 events added" in output
    assert _stored(tmp_path) == 3


def test_reloading_the_same_file_adds_nothing_and_is_not_an_error(tmp_path: Path):
    """Idempotency: the same events (same ids, same content) are stored once."""
    body = OPEN + "  - {id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '10.00'}\n"
    assert _load(tmp_path, body)[0] == 0
    code, output, _ = _load(tmp_path, body)
    assert code == 0 and "0 events added" in output
    assert _stored(tmp_path) == 2


def test_an_id_reused_with_other_content_refuses_the_file(tmp_path: Path):
    """An id already in the log with other content is refused, and so is the rest of its file."""
    _load(tmp_path, OPEN + "  - {id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '10.00'}\n")
    code, output, path = _load(
        tmp_path,
        "  - {id: P2, date: 2013-03-01, type: payment.received, account: G, amount: '5.00'}\n"
        "  - {id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '99.00'}\n",
        "again.yaml",
    )
    assert code == 2
    assert (
        f"{path}:3: event P1: id: expected a unique id (already used by the payment.received event of 2013-02-01"
        in " ".join(output.split())
    )
    assert _stored(tmp_path) == 2


def test_each_file_is_all_or_nothing_and_any_refusal_exits_2(tmp_path: Path):
    """Two files: the good one is stored, the bad one not; the command still exits 2."""
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("events:\n" + OPEN)
    bad.write_text("events:\n  - {id: P1, date: 2013-02-01, type: payment.received, account: G, amount: '-1'}\n")
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    result = runner.invoke(app, ["events", "load", str(good), str(bad), "--db", url], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{good}: 1 events added" in result.output
    assert "1 of 2 files refused" in result.output
    assert _stored(tmp_path) == 1


def test_a_price_trigger_field_misspelled_is_refused(tmp_path: Path):
    """VIII: a priced event's choice fields are its price triggers' keys (csr.searched: channel)."""
    code, output, _ = _load(
        tmp_path, OPEN + "  - {id: C1, date: 2013-02-01, type: csr.searched, account: G, chanel: manual}\n"
    )
    assert code == 2
    assert "event C1: chanel: expected no field 'chanel' on csr.searched (did you mean channel?" in " ".join(
        output.split()
    )
