"""`make demo`'s gateway part: the demo users in the demo database, an order, a no-fault dispatch
and a refused CSR search through the API, the charges on the next bill closed through
`POST /customerBill/run`; both parties' obligations, the iCalendar feeds and a notice letter."""

from __future__ import annotations

import contextlib
import io
import stat
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa

from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.app.audit import audit_entries
from icaops.app.identity import authenticate, login
from icaops.commands.demo import run_billing_and_gateway
from icaops.commands.demo_gateway import DEMO_USERS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo's billing, gateway and obligations parts with 40 resold lines; (its folder, what it printed)."""
    out = tmp_path_factory.mktemp("demo")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run_billing_and_gateway(open_agreement(DEFAULT_AGREEMENT), out, 40)
    return out, printed.getvalue()


def test_the_order_and_the_no_fault_dispatch_reach_the_next_bill(demo_run: tuple[Path, str]) -> None:
    """IV.9.1 committed due date; VIII electronic service order $8.67 and V.2.5 no-fault dispatch
    $65.00 on the bill of the next cycle, closed through the API on its Bill Date (II.2.8)."""
    _, text = demo_run
    assert "committed due date → 2012-09-17" in text
    assert "state completed" in text
    assert "GRANITE:2012-10:nrc:N-100:order.submitted:service_order_electronic → $8.67" in text
    assert "GRANITE:2012-10:nrc:T1:D1:dispatch.no_fault:dispatch_no_fault → $65.00" in text


def test_the_csr_search_without_an_authorisation_is_refused_and_audited(demo_run: tuple[Path, str]) -> None:
    """II.2.26, VI.8.4.2: 422 refused, kept, with its clause; the refusal in the audit log."""
    out, text = demo_run
    assert (
        "POST /csrInquiry → HTTP 422 refused, kept: True" in text
        and "authorization_missing" in text
        and "[II.2.26]" in text
    )
    engine = sa.create_engine(f"sqlite:///{out / 'icaops.sqlite'}")
    rows = [a for a in audit_entries(engine) if a.action == "csr.requested.kept_refused"]
    assert len(rows) == 1 and "authorization_missing" in (rows[0].reason or "")
    engine.dispose()


def test_the_demo_users_sign_in_with_the_owner_only_file(demo_run: tuple[Path, str]) -> None:
    """One user per role; passwords and tokens only in an owner-only file; both work."""
    import datetime as dt

    out, text = demo_run
    users = out / "demo-users.tsv"
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    rows = [l.split("\t") for l in users.read_text().splitlines() if not l.startswith("#")]
    assert sorted(r[2] for r in rows) == sorted(u.role for u in DEMO_USERS)
    engine = sa.create_engine(f"sqlite:///{out / 'icaops.sqlite'}")
    now = dt.datetime.now(dt.UTC)
    for _key, org, role, email, password, token in rows:
        assert password not in text and token not in text
        assert login(engine, email, password, now).role == role
        assert authenticate(engine, f"Bearer {token}", now).org_id == org
    engine.dispose()


def test_obligations_of_both_parties_their_feeds_and_a_letter(demo_run: tuple[Path, str]) -> None:
    """Issue 13: both parties' open obligations with clauses and explained dates; the iCalendar
    feeds parse (RFC 5545); the notice letter is written as text and PDF (III.34, III.9.5.2)."""
    out, text = demo_run
    assert "What the ilec owes as of 2012-10-24" in text and "What the clec owes as of 2012-10-24" in text
    assert "payment:GRANITE:2012-09 due → 2012-10-04" in text and "violated since" in text
    for party in ("clec", "ilec"):
        cal = icalendar.Calendar.from_ical((out / f"obligations-{party}.ics").read_bytes())
        assert len(cal.walk("VEVENT")) >= 1
    letter = out / "notices" / "GRANITE-disconnection-2012-10-24"
    assert letter.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert "III.9.5.2" in letter.with_suffix(".txt").read_text()
