"""DoS windows (CPA.8): the thresholds of the terms, compared exactly at their boundaries, over every
sliding window (docs/interpretations.md#dos-windows)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from icaops.traffic.pipeline import calls_from_arrow, check_traffic
from icaops.traffic.pipeline.dos import WINDOW_COUNTS_SCHEMA, dos_windows
from icaops.traffic.pipeline.onepass import hot_minutes
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
        schema=WINDOW_COUNTS_SCHEMA,
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
    """Windows of window_seconds: the calls of one window are counted together, wherever they fall in it."""
    half = params.min_attempts // 2 + 1
    w = params.window_seconds
    first = burst(half, ind="2", spread=w // 2)
    second = burst(half, ind="2", spread=w // 2, first_no=9000)
    second = [{**c, "connect_time_local": c["connect_time_local"] + w // 2} for c in second]
    result = check_traffic(calls_from_arrow(fixture.to_table(first + second)), duck_checks)
    assert result.dos_windows["attempts"].to_pylist() == [2 * half, 2 * half]


def flood(per_second: int, first: dt.datetime, seconds: int, *, first_no: int = 20_000) -> list[dict]:
    """`per_second` answered two-minute calls from dosco on TG42 in each of `seconds` seconds from `first`."""
    return [
        fixture.call(
            first_no + i,
            at=first + dt.timedelta(seconds=i // per_second),
            calling=f"2086345{i % 1000:03d}",
            called=fixture.ILEC_SANDPOINT,
            orig_ocn="Z201",
            trunk="TG42",
            seconds=120,
        )
        for i in range(per_second * seconds)
    ]


def test_a_flood_across_a_minute_boundary_is_found(params, duck_checks):
    """CPA.8 / term max_attempts_per_second (50/s over 60 s): 100 answered attempts a second from
    09:30:30 to 09:31:29 local (6,000 in 60 s) split 3,000 / 3,000 across the minute boundary: no
    clock minute holds more than 3,000 (= 50/s, no breach), but the window 09:30:30-09:31:30 holds
    all 6,000 (100/s). Windows breach where they hold more than 3,000 attempts, i.e. overlap the
    flood by more than 30 s: those starting 09:30:01 to 09:30:59, one episode ending 09:31:59."""
    start = fixture.at(30, 30)
    result = check_traffic(calls_from_arrow(fixture.to_table(flood(100, start, 60))), duck_checks)
    utc = dt.UTC
    local = fixture.at(0).replace(tzinfo=ZoneInfo("America/Chicago"))
    offset = local.utcoffset()
    assert offset is not None

    def instant(minute: int, second: int) -> dt.datetime:
        return (fixture.at(minute, second) - offset).replace(tzinfo=utc)

    rows = [
        (w["scope"], w["key"], w["window_start"], w["window_end"], w["attempts"], w["breached"])
        for w in result.dos_windows.to_pylist()
    ]
    assert rows == [
        ("provider", "dosco", instant(30, 30), instant(31, 30), 6000, params.threshold_text["attempts_per_second"]),
        ("trunk_group", "TG42", instant(30, 30), instant(31, 30), 6000, params.threshold_text["attempts_per_second"]),
    ]
    assert {(w["episode_start"], w["episode_end"]) for w in result.dos_windows.to_pylist()} == {
        (instant(30, 1), instant(31, 59))
    }
    details = [r["detail"] for r in result.findings.to_pylist() if r["kind"] == "dos_trunk_group"]
    assert details == [
        "6000 attempts in trunk group TG42 between 2024-03-04 09:30:30 and 09:31:30 CST (100.00/s, 6000 "
        "answered, 0 short) breach attempts_per_second>50; windows breaching a threshold from 09:30:01 to "
        "09:31:59 CST; expected traffic within the DoS thresholds"
    ]


def test_a_flood_at_the_rate_limit_in_every_window_is_not_found(params, duck_checks):
    """CPA.8: the limit itself is no breach. 100 attempts a second in two bursts, 09:30:30-09:30:59 and
    09:31:30-09:31:59: every 60-second window holds at most 30 s of bursts, 3,000 attempts = 50/s
    exactly (the windows starting 09:30:30 to 09:31:00 hold exactly that); none breaches."""
    calls = flood(100, fixture.at(30, 30), 30) + flood(100, fixture.at(31, 30), 30, first_no=40_000)
    result = check_traffic(calls_from_arrow(fixture.to_table(calls)), duck_checks)
    assert result.dos_windows.num_rows == 0 and result.events == ()
    assert not [r for r in result.findings.to_pylist() if r["kind"].startswith("dos_")]
    # One attempt more in the second burst's first second tips the windows that hold it.
    tipped = calls + flood(1, fixture.at(31, 30), 1, first_no=60_000)
    found = check_traffic(calls_from_arrow(fixture.to_table(tipped)), duck_checks)
    assert found.dos_windows["attempts"].to_pylist() == [3001, 3001]


def test_overlapping_breached_windows_are_one_episode_with_its_busiest_window(params):
    """CPA.8: windows are judged one by one; those that overlap or touch make one finding, whose
    evidence is the busiest window (the earliest of equals); a window after a gap starts another."""
    w = params.window_seconds
    over = int(params.max_attempts_per_second * w) + 1
    rows = [
        {
            "scope": "trunk_group",
            "key": "TG01",
            "window_start": START + s,
            "attempts": n,
            "answered": n,
            "short_calls": 0,
        }
        for s, n in ((0, over), (10, over + 5), (w + 10, over + 5), (w + 11, over), (5 * w, over))
    ]
    out = dos_windows(pa.Table.from_pylist(rows, schema=WINDOW_COUNTS_SCHEMA), params).to_pylist()
    epoch = dt.datetime.fromtimestamp
    assert [(r["window_start"], r["attempts"], r["episode_start"], r["episode_end"]) for r in out] == [
        (epoch(START + 10, dt.UTC), over + 5, epoch(START, dt.UTC), epoch(START + 2 * w + 11, dt.UTC)),
        (epoch(START + 5 * w, dt.UTC), over, epoch(START + 5 * w, dt.UTC), epoch(START + 6 * w, dt.UTC)),
    ]


def test_hot_minutes_hold_every_window_that_can_reach_the_minimum(params):
    """CPA.8 / term min_attempts_in_window: only minutes of a run of two consecutive minutes (a
    60-second window touches at most two) with the minimum attempts of one key are counted per
    second; a key under the minimum in every pair of minutes leaves none."""
    n = params.min_attempts
    minutes = pa.table(
        {
            "scope": pa.array([0, 0, 0, 1, 1], pa.int8()),
            "key": pa.array([7, 7, 8, 7, 7], pa.int64()),
            "t": pa.array([START, START + 60, START + 600, START, START + 120], pa.int64()),
            "n": pa.array([n // 2, n - n // 2, n - 1, n - 1, n - 1], pa.int64()),
        }
    )
    hot = hot_minutes(minutes, params)["t"].to_pylist()
    assert hot == list(range(START, START + 120))
    assert hot_minutes(minutes.slice(2), params).num_rows == 0
