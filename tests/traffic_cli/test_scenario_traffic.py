"""Traffic events and `traffic.…` queries in scenario files: what a wrong file reports."""

from __future__ import annotations

import textwrap

from icaops.scenarios.runner import run_scenario

HEAD = """
scenario: t
agreement: centurylink-granite-id-2012
events:
  - {id: cpa, date: 2012-06-20, type: traffic.agreement_signed, kind: amendment}
"""


def run(tmp_path, body: str):
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return run_scenario(path)


def test_unknown_traffic_query_lists_the_known_ones(tmp_path):
    result = run(
        tmp_path,
        """
        expect:
          - {state: traffic.nonsense, on: 2024-01-01, equals: 1}
        """,
    )
    assert not result.passed
    assert "expected traffic.findings[.KIND], traffic.may_accept_clec_traffic" in result.results[0].error


def test_unknown_finding_kind_is_an_error_not_zero(tmp_path):
    result = run(
        tmp_path,
        """
          - {id: day, date: 2024-03-12, type: traffic.calls, calls: [{at: "09:00", calling: "2082638001", called: "2082630001"}]}
        expect:
          - {state: traffic.findings.cpn_spoofed, on: 2024-03-12, equals: 0}
        """,
    )
    assert "traffic.findings.cpn_spoofed: expected one of provider_not_authorized" in result.results[0].error


def test_a_notice_action_other_than_start_or_stop_is_refused(tmp_path):
    result = run(
        tmp_path,
        """
          - {id: n, date: 2020-01-01, type: traffic.provider_notice, provider: P, action: pause}
        expect:
          - {state: traffic.provider.P.authorized, on: 2020-01-02, equals: false}
        """,
    )
    assert "event n: action: expected start or stop, got 'pause'" in result.results[0].error


def test_a_call_without_a_time_names_the_event_and_row(tmp_path):
    result = run(
        tmp_path,
        """
          - {id: day, date: 2024-03-12, type: traffic.calls, calls: [{calling: "2082638001", called: "2082630001"}]}
        expect:
          - {state: traffic.findings, on: 2024-03-12, equals: 0}
        """,
    )
    assert "event day: calls[0]: expected a mapping with at (HH:MM:SS)" in result.results[0].error


def test_calls_after_the_as_of_date_are_not_checked(tmp_path):
    """A query answers from the log as known on `on`: a later day's calls do not count."""
    result = run(
        tmp_path,
        """
          - {id: day, date: 2024-03-12, type: traffic.calls, calls: [{at: "09:00", called: "2082630001", orig_ocn: Z202}]}
        expect:
          - {state: traffic.findings, on: 2024-03-11, equals: 0}
          - {state: traffic.findings.provider_not_authorized, on: 2024-03-12, equals: 0}
        """,
    )
    assert result.passed, [r.error for r in result.results]


def test_traffic_event_types_are_known_to_the_runner(tmp_path):
    result = run(
        tmp_path,
        """
          - {id: x, date: 2020-01-01, type: traffic.provider_removed, provider: P}
        expect:
          - {state: traffic.may_accept_clec_traffic, on: 2020-01-02, equals: true, cites: [CPA.8]}
        """,
    )
    assert result.passed and not result.errors
