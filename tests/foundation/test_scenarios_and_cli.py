"""The scenario runner and the CLI: pass/fail per expectation, explanations, exit codes, errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.cli import app
from icaops.scenarios.runner import run_scenario

runner = CliRunner()


def _scenario(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """
scenario: Labor Day 2012
agreement: centurylink-granite-id-2012
events:
  - {id: setup, date: 2012-07-02, type: account.setup_completed}
  - {id: setup, date: 2012-07-02, type: account.setup_completed}
  - {id: N1, date: 2014-03-03, type: notice.given, kind: termination, method: first_class_mail, by: clec}
expect:
  - deadline: bill_due_date
    from: 2012-08-04
    equals: 2012-09-04
    cites: [III.9.2]
  - term: resale.discount_rate
    equals: "0.1586"
  - state: orders.allowed
    on: 2012-08-19
    equals: true
  - state: agreement.termination_date
    equals: 2014-06-20
  - late_charge: {}
    balance: "1000.00"
    bill_date: 2012-08-04
    paid_on: 2012-10-04
    equals: "30.53"
"""


def test_scenario_passes_with_explanations(tmp_path):
    """A scenario's expectations are checked and each carries the clauses behind it."""
    result = run_scenario(_scenario(tmp_path, GOOD))
    assert result.errors == ()
    assert [r.passed for r in result.results] == [True] * 5
    assert "III.9.2" in result.results[0].explanation.clauses
    assert "III.34.1" in result.results[3].explanation.clauses  # first-class mail receipt


def test_repeated_event_changes_nothing(tmp_path):
    """Feeding the same event twice changes nothing (idempotent log)."""
    result = run_scenario(_scenario(tmp_path, GOOD))
    assert not result.errors


def test_wrong_expectation_fails_and_missing_citation_fails(tmp_path):
    """A wrong value fails; a right value whose explanation lacks a demanded clause also fails."""
    body = GOOD.replace("equals: 2012-09-04\n    cites: [III.9.2]", "equals: 2012-09-03\n    cites: [III.9.2]")
    assert not run_scenario(_scenario(tmp_path, body)).results[0].passed
    body = GOOD.replace("cites: [III.9.2]", "cites: [III.9.2, III.9.4]")
    res = run_scenario(_scenario(tmp_path, body, "t.yaml")).results[0]
    assert not res.passed and "does not cite III.9.4" in res.error


@pytest.mark.parametrize(
    "mutation, message",
    [
        (("deadline: bill_due_date", "deadlin: bill_due_date"), "first key is one of"),
        (('equals: "0.1586"', 'value: "0.1586"'), "expect[1].equals: expected the expected value"),
        (("date: 2014-03-03", "date: 2014-13-03"), "event N1: date: expected an ISO date"),
        (
            (
                "{id: setup, date: 2012-07-02, type: account.setup_completed}\n  - {id: setup",
                "{id: setup, date: 2012-07-02, type: account.setup_completed}\n  - {id: setup, kind: x",
            ),
            "event setup: id: expected a unique id",
        ),
        (
            (
                "agreement: centurylink-granite-id-2012",
                "agreement: centurylink-granite-id-2012\noverrides: {billing.late_payment.nope: 1}",
            ),
            "billing.late_payment.nope: expected the key of an existing term",
        ),
        (
            ("method: first_class_mail", "method: email"),
            "event N1: method: expected e-mail is not a valid way to give notice",
        ),
    ],
)
def test_scenario_file_errors_name_file_and_field(tmp_path, mutation, message):
    """Errors in scenario files name the file, the event or key, and what was expected."""
    result = run_scenario(_scenario(tmp_path, GOOD.replace(*mutation)))
    assert any(message in e for e in result.errors), result.errors
    assert not result.passed


def test_cli_scenario_run_exit_codes_and_json(tmp_path):
    """`icaops scenario run`: exit 0 when all pass, 1 on a failure; --json for machines."""
    good = _scenario(tmp_path, GOOD)
    out = runner.invoke(app, ["scenario", "run", str(good)])
    assert out.exit_code == 0, out.output
    assert (
        "1 scenario files: 1 passed, 0 failed; 5 expectations: 5 passed, 0 failed" in out.output
        and "[III.9.2]" in out.output
    )
    bad = _scenario(tmp_path, GOOD.replace("equals: 2014-06-20", "equals: 2014-07-20"), "bad.yaml")
    out = runner.invoke(app, ["scenario", "run", str(good), str(bad), "--json"])
    assert out.exit_code == 1
    data = json.loads(out.output)
    assert [d["passed"] for d in data] == [True, False]
    failed = next(r for r in data[1]["results"] if not r["passed"])
    assert failed["expected"] == "2014-07-20" and failed["actual"] == "2014-06-20"
    broken = _scenario(tmp_path, "scenario: x\n", "broken.yaml")
    assert runner.invoke(app, ["scenario", "run", str(broken)]).exit_code == 2


def test_cli_terms_show_and_explain():
    """`icaops terms show` lists key, value, clause; `terms explain` shows quote and source."""
    out = runner.invoke(app, ["terms", "show", "--section", "billing.late_payment"])
    assert out.exit_code == 0 and "rate_per_month" in out.output and "III.9.3" in out.output
    out = runner.invoke(app, ["terms", "explain", "resale.discount_rate"])
    assert out.exit_code == 0 and "Resale Discount 15.86%" in out.output and "resale.yaml" in out.output
    out = runner.invoke(app, ["terms", "explain", "resale.nope"])
    assert out.exit_code == 2 and "no term" in out.output


def test_cli_deadline_explains_clause_by_clause():
    """`icaops deadline KIND --from DATE` prints the date and its steps with clauses."""
    out = runner.invoke(app, ["deadline", "bill_due_date", "--from", "2012-08-04"])
    assert out.exit_code == 0 and "2012-09-04" in out.output and "Labor Day" in out.output
    out = runner.invoke(
        app, ["deadline", "notice_received", "--from", "2021-12-30", "--method", "first_class_mail", "--json"]
    )
    data = json.loads(out.output)
    assert data["value"] == "2022-01-05" and data["clauses"] == ["III.34.1"]
    out = runner.invoke(
        app,
        [
            "deadline",
            "bill_due_date",
            "--from",
            "2012-08-04",
            "--set",
            "calendar.bank_holidays={kind: dates, dates: []}",
        ],
    )
    assert "2012-09-03" in out.output  # with no bank holidays Labor Day does not roll
    assert runner.invoke(app, ["deadline", "list"]).exit_code == 0
    assert runner.invoke(app, ["deadline", "no_such", "--from", "2012-08-04"]).exit_code == 2


@pytest.mark.slow
def test_cli_demo_runs(tmp_path):
    """`make demo` runs the main job: key terms and explained deadlines."""
    out = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "Bill Due Date" in out.output and "[III.9.5.2]" in out.output
    assert "POST /customerBill/run" in out.output and "icaops serve --db sqlite:///" in out.output
    assert "http://127.0.0.1:8000/portal/" in out.output  # the web portal next to the API (docs/portal.md)
