"""`icaops obligations [ical|digest]` end to end on a SQLite log (docs/obligations.md)."""

from __future__ import annotations

from pathlib import Path

import icalendar
from typer.testing import CliRunner

from icaops.cli import app

runner = CliRunner()

LOG = """
- {id: open, date: 2015-07-01, type: billing.account_opened, account: GRANITE}
- {id: B1, date: 2015-09-15, type: bill.issued, account: GRANITE, bill: B1, amount: "3200.00"}
- {id: U1, date: 2015-10-01, type: notice.given, kind: unauthorized_change, method: personal, by: ilec}
"""


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_list_explain_ical_and_digest(tmp_path: Path) -> None:
    """III.9.2 and III.50.1 obligations of Granite, as a table, a calendar and a digest."""
    db = f"sqlite:///{tmp_path / 'icaops.sqlite'}"
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    _run("events", "load", str(log), "--db", db)
    listing = _run("obligations", "--party", "clec", "--as-of", "2015-10-16", "--explain", "--db", db)
    assert "payment:B1" in listing and "violated since 2015-10-16" in listing
    assert "unauthorized_change_documentation:U1" in listing and "III.50.1" in listing
    assert "Bill Due Date" in listing  # --explain shows the due date's steps
    out = tmp_path / "granite.ics"
    _run("obligations", "ical", "--party", "clec", "--as-of", "2015-10-16", "--out", str(out), "--db", db)
    uids = {str(e["uid"]) for e in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert "payment:B1@centurylink-granite-id-2012" in uids
    digest = _run("obligations", "digest", "--party", "clec", "--as-of", "2015-10-16", "--db", db)
    assert "Violated since yesterday" in digest and "payment:B1" in digest
    bad = runner.invoke(app, ["obligations", "--party", "granite", "--db", db])
    assert bad.exit_code == 2 and "--party 'granite': expected ilec or clec" in bad.output
