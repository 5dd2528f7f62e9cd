"""DoS windows (CPA.8): the thresholds of the terms, compared exactly at their boundaries."""

from __future__ import annotations

import pyarrow as pa
import pytest

from icaops.traffic.pipeline.dos import dos_windows
from icaops.traffic.pipeline.params import params_from_terms
from icaops.traffic.pipeline.run import BUCKET_SCHEMA

START = 1_709_564_400  # 2024-03-04 15:00:00 UTC, a window boundary for any window that divides an hour


@pytest.fixture(scope="module")
def params(agreement):
    return params_from_terms(agreement.terms)


def buckets(attempts: int, answered: int, short: int, *, direction: str = "clec_to_ilec") -> pa.Table:
    """One trunk group's and one provider's counts, all in the first bucket of one window."""
    return pa.Table.from_pylist([{
        "bucket": START, "trunk_group": "TG01", "provider_id": "vp", "clec_ocn": "Z300", "direction": direction,
        "jurisdiction": "local", "attempts": attempts, "answered": answered, "short_calls": short,
        "talk_tenths": answered * 100}], schema=BUCKET_SCHEMA)


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


def test_traffic_centurylink_sends_is_not_counted(params):
    """CPA.8 is about traffic CenturyLink receives from the provider; its own traffic to the CLEC is not counted."""
    assert dos_windows(buckets(params.min_attempts, 0, 0, direction="ilec_to_clec"), params).num_rows == 0


def test_buckets_add_up_within_one_window(params):
    """Tumbling windows of window_seconds: counts of buckets in the same window are summed."""
    half = params.min_attempts // 2
    rows = buckets(half, 0, 0).to_pylist() + [
        {**buckets(half, 0, 0).to_pylist()[0], "bucket": START + params.window_seconds - params.bucket_seconds}]
    table = pa.Table.from_pylist(rows, schema=BUCKET_SCHEMA)
    assert dos_windows(table, params)["attempts"].to_pylist() == [2 * half, 2 * half]
