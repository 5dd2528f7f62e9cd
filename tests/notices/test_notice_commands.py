"""`icaops notice draft|send` (issue 13 item 3): a draft writes the letter and records nothing;
sending records the `notice.given` event and writes the letter, all or nothing, audited."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from icaops.cli import app
from icaops.store import make_engine
from icaops.store.models import EventRow

runner = CliRunner()

OPEN = "- {id: open, date: 2012-08-01, type: billing.account_opened, account: GRANITE, name: Granite, cycle_close_day: 3}\n"


def _setup(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    events = tmp_path / "events.yaml"
    events.write_text(OPEN)
    assert runner.invoke(app, ["events", "load", str(events), "--db", url], catch_exceptions=False).exit_code == 0
    return url


def _notice(url: str, out: Path, verb: str, *args: str):
    base = ["notice", verb, "default", "--account", "GRANITE", "--as-of", "2013-03-04", "--out", str(out), "--db", url]
    return runner.invoke(app, base + list(args), catch_exceptions=False)


def _notices(url: str) -> list[tuple[str, str]]:
    with make_engine(url).connect() as conn:
        rows = conn.execute(select(EventRow.event_id, EventRow.tenant).where(EventRow.type == "notice.given"))
        return [tuple(r) for r in rows]


def test_draft_writes_text_and_pdf_and_records_nothing(tmp_path):
    """III.34.1(b): mailed Monday 2013-03-04 First Class, the notice counts as received Thursday
    2013-03-07; the draft says so, and the log is unchanged."""
    url = _setup(tmp_path)
    out = tmp_path / "letters"
    result = _notice(url, out, "draft", "--method", "first_class_mail")
    assert result.exit_code == 0, result.output
    text = (out / "GRANITE-default-2013-03-04.txt").read_text()
    assert "Received: Thursday 2013-03-07." in text and "Clause III.2.6 of the Agreement" in text
    assert (out / "GRANITE-default-2013-03-04.pdf").read_bytes().startswith(b"%PDF-")
    assert _notices(url) == []


def test_send_records_the_notice_given_event_and_writes_the_letter(tmp_path):
    """III.34.1(c): certified mail counts on the receipt's date, 2013-03-06; the recorded notice is
    the account's, and the cure period of III.2.6 runs from it (30 days: 2013-04-05)."""
    url = _setup(tmp_path)
    out = tmp_path / "letters"
    result = _notice(url, out, "send", "--method", "certified_mail", "--receipt-date", "2013-03-06")
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output and "2013-04-05" in result.output
    assert _notices(url) == [("GRANITE-default-2013-03-04", "GRANITE")]
    assert "Received: Wednesday 2013-03-06." in (out / "GRANITE-default-2013-03-04.txt").read_text()
    audited = runner.invoke(app, ["audit", "list", "--db", url], catch_exceptions=False).output
    assert "notice.sent" in audited
    again = _notice(url, out, "send", "--method", "certified_mail", "--receipt-date", "2013-03-06")
    assert again.exit_code == 0 and "already in the log" in again.output
    assert len(_notices(url)) == 1


def test_a_refused_send_records_nothing_and_writes_nothing(tmp_path):
    """All or nothing: another notice under a recorded notice's id is refused by the log; no
    letter is left behind."""
    url = _setup(tmp_path)
    first = _notice(url, tmp_path / "a", "send", "--method", "personal")
    assert first.exit_code == 0, first.output
    out = tmp_path / "b"
    clash = _notice(url, out, "send", "--method", "first_class_mail")
    assert clash.exit_code == 2 and "refused by the log" in clash.output
    assert not out.exists() or list(out.iterdir()) == []
    assert len(_notices(url)) == 1


def test_send_by_certified_mail_needs_the_receipt_date(tmp_path):
    """III.34.1(c): the log dates every notice; without the receipt's date nothing is recorded."""
    url = _setup(tmp_path)
    result = _notice(url, tmp_path / "out", "send", "--method", "certified_mail")
    assert result.exit_code == 2 and "--receipt-date" in result.output and "III.34.1" in result.output
    assert _notices(url) == []


def test_user_errors_name_the_option(tmp_path):
    """An unknown account, e-mail for a Default notice (III.34.1) and a deposit request by Granite
    (III.6: "Upon request by CenturyLink") are refused with the option at fault."""
    url = _setup(tmp_path)
    out = tmp_path / "out"
    unknown = runner.invoke(
        app,
        ["notice", "draft", "audit", "--account", "NOPE", "--as-of", "2013-03-04", "--method", "personal", "--db", url],
    )
    assert unknown.exit_code == 2 and "--account 'NOPE'" in unknown.output
    email = _notice(url, out, "draft", "--method", "email")
    assert email.exit_code == 2 and "--method" in email.output and "III.34.1" in email.output
    deposit = runner.invoke(
        app,
        [
            "notice",
            "draft",
            "deposit_request",
            "--by",
            "clec",
            "--as-of",
            "2013-03-04",
            "--method",
            "personal",
            "--db",
            url,
        ],
    )
    assert deposit.exit_code == 2 and "--by" in deposit.output and "III.6" in deposit.output
