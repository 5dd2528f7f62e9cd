"""DoS windows (CPA.8): the thresholds of the terms, compared exactly at their boundaries."""

from __future__ import annotations

import pyarrow as pa
import pytest

from icaops.traffic.pipeline import calls_from_arrow, check_traffic
from icaops.traffic.pipeline.dos import dos_windows
from icaops.traffic.pipeline.onepass import WINDOW_COUNT_SCHEMA
from icaops.traffic.pipeline.params import params_from_terms
from tests.traffic_pipeline import fixture

START = 1_709_564_400  # 2024-03-04 15:00:00 UTC, a window boundary for any window that divides an hour


@pytest.fixture(scope="module")
def params(agreement):
    return params_from_terms(agreement.terms)


def buckets(attempts: int, answered: int, short: int) -> pa.Table:
    """One trunk group's and one provider's counts in one window."""
    return pa.Table.from_pylist(
        [
            {
                "scope": scope,
                "key": key,
                "window_start": START,
                "attempts": attempts,
                "answered": answered,
                "short_calls": short,
            }
            for scope, key in (("trunk_group", "TG01"), ("provider", "vp"))
        ],
        schema=WINDOW_COUNT_SCHEMA,
    )


def breached(table: pa.Table) -> set[str]:
    return set(table["breached"].to_pylist())


def test_attempts_per_second_above_the_maximum(params):
    """CPA.8 / term max_attempts_per_second: exactly the maximum is no breach, one attempt more is."""
    at_max = int(params.max_attempts_per_second * params.window_seconds)
    assert dos_windows(buckets(at_max, at_max, 0), params).num_rows == 0
    over = dos_windows(buckets(at_max + 1, at_max + 1, 0), params)
    assert over.num_rows == 2 and breached(over) == {params.threshold_text["attempts_per_second"]}
    assert set(over["scope"].to_pylist()) == {"trunk_group", "provider"}


def test_windows_below_the_minimum_attempts_are_not_judged(params):
    """CPA.8 / term min_attempts_in_window: a quiet window with no answers is not a flood."""
    n = params.min_attempts
    assert dos_windows(buckets(n - 1, 0, 0), params).num_rows == 0
    assert breached(dos_windows(buckets(n, 0, 0), params)) == {params.threshold_text["answer_seizure_ratio"]}


def test_answer_seizure_ratio_below_the_minimum(params):
    """CPA.8 / term min_answer_seizure_ratio: exactly the minimum is no breach."""
    n = params.min_attempts * 2  # under the attempts-per-second maximum
    exact = int(params.min_answer_seizure_ratio * n)
    assert dos_windows(buckets(n, exact, 0), params).num_rows == 0
    assert breached(dos_windows(buckets(n, exact - 1, 0), params)) == {params.threshold_text["answer_seizure_ratio"]}


def test_short_call_ratio_above_the_maximum(params):
    """CPA.8 / term max_short_call_ratio: share of answered calls shorter than short_call_seconds."""
    n = params.min_attempts * 2
    exact = int(params.max_short_call_ratio * n)
    assert dos_windows(buckets(n, n, exact), params).num_rows == 0
    hit = dos_windows(buckets(n, n, exact + 1), params)
    assert breached(hit) == {params.threshold_text["short_call_ratio"]}
    assert hit["short_call_ratio"].to_pylist()[0] == pytest.approx((exact + 1) / n)


def burst(n: int, *, ind: str, minute: int = 30, spread: int = 60, first_no: int = 5000) -> list[dict]:
    """`n` unanswered calls from dosco's block to a CenturyLink number on one trunk group, over `spread` seconds."""
    return [
        fixture.call(
            first_no + i,
            at=fixture.at(minute, i * spread // n),
            calling=f"2086345{i % 1000:03d}",
            called=fixture.ILEC_SANDPOINT,
            orig_ocn="Z201",
            trunk="TG42",
            seconds=0,
            ind=ind,
            sending=fixture.CLEC_OCN if ind == "2" else None,
        )
        for i in range(n)
    ]


def test_traffic_centurylink_sends_is_not_counted(params, duck_checks):
    """CPA.8 is about traffic CenturyLink receives from the provider; its own traffic to the CLEC is not counted."""
    sent = check_traffic(calls_from_arrow(fixture.to_table(burst(params.min_attempts, ind="1"))), duck_checks)
    assert sent.dos_windows.num_rows == 0
    received = check_traffic(calls_from_arrow(fixture.to_table(burst(params.min_attempts, ind="2"))), duck_checks)
    assert {(r["scope"], r["key"]) for r in received.dos_windows.to_pylist()} == {
        ("trunk_group", "TG42"),
        ("provider", "dosco"),
    }


def test_resale_usage_is_not_counted(params, duck_checks):
    """CPA.8 counts traffic on the CLEC's trunks; message records of resold lines (EMI category 01) are not."""
    resale = [
        {**c, "record_type": "010101", "trunk_group": None, "orig_term_ind": None, "conversation_tenths": None}
        for c in burst(params.min_attempts, ind="2")
    ]
    assert check_traffic(calls_from_arrow(fixture.to_table(resale)), duck_checks).dos_windows.num_rows == 0


def test_calls_add_up_within_one_window(params, duck_checks):
    """Tumbling windows of window_seconds: the calls of one window are counted together, wherever they fall in it."""
    half = params.min_attempts // 2 + 1
    w = params.window_seconds
    first = burst(half, ind="2", spread=w // 2)
    second = burst(half, ind="2", spread=w // 2, first_no=9000)
    second = [{**c, "connect_time_local": c["connect_time_local"] + w // 2} for c in second]
    result = check_traffic(calls_from_arrow(fixture.to_table(first + second)), duck_checks)
    assert result.dos_windows["attempts"].to_pylist() == [2 * half, 2 * half]
