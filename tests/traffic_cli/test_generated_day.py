"""The generated day: deterministic, sized, and planted with what the checks must find (CPA.1.1-10)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.compute as pc
import pytest

from icaops.traffic.ingest import ingest_file
from icaops.traffic.pipeline import calls_from_arrow, check_traffic, connect, prepare_checks
from icaops.traffic.records import CALL_RECORD_SCHEMA
from icaops.traffic.samples.day import generate_day, write_day
from icaops.traffic.samples.day_spec import SpecError, demo_registry, load_day_spec
from tests.traffic_cli.conftest import SMALL_DAY


def _minute_counts(calls, mask) -> dict[int, int]:
    minutes = calls.column("connect_time").cast("int64").to_numpy()[mask] // 60
    keys, counts = np.unique(minutes, return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist()))


def test_same_seed_same_day_and_exact_size(small_day, spec, reference, agreement):
    again = generate_day(spec, reference, agreement.terms, calls=SMALL_DAY, seed=0, source_file="small-day.parquet")
    assert again.calls.equals(small_day.calls)
    assert small_day.calls.num_rows == SMALL_DAY
    assert small_day.calls.schema.equals(CALL_RECORD_SCHEMA, check_metadata=False)
    other = generate_day(spec, reference, agreement.terms, calls=SMALL_DAY, seed=1)
    assert not other.calls.column("record_id").equals(small_day.calls.column("record_id"))


def test_every_call_has_its_own_identity_and_the_day_is_in_time_order(small_day):
    calls = small_day.calls
    assert pc.count_distinct(calls.column("record_id")).as_py() == calls.num_rows
    times = calls.column("connect_time_local").cast("int64").to_numpy()
    assert (np.diff(times) >= 0).all()
    assert set(calls.column("call_date").to_pylist()) == {dt.date(2024, 3, 12)}


def test_dos_burst_exceeds_the_terms_thresholds_in_every_planted_window(small_day, agreement):
    """CPA.8: attempts per window above both min_attempts_in_window and max_attempts_per_second x window."""
    t = agreement.terms.carrier_partner.dos_thresholds.value
    floor = max(t.min_attempts_in_window, math.floor(t.max_attempts_per_second * t.window_seconds))
    calls = small_day.calls
    on_tg = pc.fill_null(pc.equal(calls.column("trunk_group"), small_day.dos_trunk_group), False).to_numpy(
        zero_copy_only=False
    )
    counts = _minute_counts(calls, on_tg)
    assert len(small_day.dos_windows) == 3
    for start, end in small_day.dos_windows:
        assert (end - start).total_seconds() == t.window_seconds
        assert counts[int(start.timestamp()) // 60] > floor


def test_burst_follows_the_terms_when_they_change(spec, reference, agreement):
    """The burst is sized from carrier_partner.dos_thresholds, never from a constant (CPA.8)."""
    stricter = agreement.with_overrides(
        {
            "carrier_partner.dos_thresholds": {
                "window_seconds": 60,
                "max_attempts_per_second": "80",
                "short_call_seconds": 6,
                "max_short_call_ratio": "0.60",
                "min_answer_seizure_ratio": "0.15",
                "min_attempts_in_window": 600,
            }
        },
        source="test",
    ).terms
    day = generate_day(spec, reference, stricter, calls=SMALL_DAY)
    # (80/s x 60 s + 1 attempt, to exceed the limit) x factor 1.25, for three one-minute windows
    assert day.planted["dos_burst_calls"] == math.ceil((80 * 60 + 1) * 1.25) * 3


def test_outside_the_burst_no_trunk_group_reaches_the_minimum_attempts(small_day, agreement):
    """Ordinary traffic stays below the DoS gate, so only the planted flood is detected (CPA.8)."""
    t = agreement.terms.carrier_partner.dos_thresholds.value
    calls = small_day.calls
    utc = calls.column("connect_time").cast("int64").to_numpy()
    in_burst = np.zeros(calls.num_rows, dtype=bool)
    for start, end in small_day.dos_windows:
        in_burst |= (utc >= start.timestamp()) & (utc < end.timestamp())
    tgs = np.array(calls.column("trunk_group").to_pylist(), dtype=object)
    for tg in set(tgs.tolist()) - {None}:
        counts = _minute_counts(calls, (tgs == tg) & ~in_burst)
        assert max(counts.values()) < t.min_attempts_in_window


def test_planted_calls_are_in_the_records(small_day):
    calls = small_day.calls
    cat11 = pc.equal(calls.column("category"), "11")
    missing = pc.and_(cat11, pc.is_null(calls.column("calling_number"))).to_numpy(zero_copy_only=False)
    assert missing.sum() == small_day.planted["cpn_missing"] == 3
    assert pc.sum(pc.equal(calls.column("called_number"), "911")).as_py() == small_day.planted["voip_911"] == 2
    resale = pc.equal(calls.column("category"), "01").to_numpy(zero_copy_only=False)
    assert resale.sum() > 0 and calls.filter(resale).column("billing_number").null_count == 0


def test_the_unnotified_provider_may_not_be_carried(spec):
    """CPA.1.1: BANDWIDTH has a numbering agreement but the CLEC never notified CenturyLink."""
    answer = demo_registry(spec).may_carry("BANDWIDTH", spec.date)
    assert not answer.allowed
    assert [r.clause for r in answer.unmet] == ["CPA.1.1", "CPA.1.1"]
    assert spec.unauthorized_providers == {"BANDWIDTH"}


def test_the_check_finds_exactly_what_was_planted(small_day, spec, reference, agreement):
    """CPA.1.1, 7, 8, 9, 10: the pipeline's findings by kind equal the planted counts."""
    checks = prepare_checks(
        agreement.terms_at(small_day.date),
        reference,
        demo_registry(spec),
        connect("duckdb"),
        as_of=small_day.date,
        clec_ocn=spec.clec_ocn,
    )
    result = check_traffic(calls_from_arrow(small_day.calls), checks)
    found = {
        r["kind"]: r["kind_count"] for r in result.findings.group_by("kind").aggregate([("kind", "count")]).to_pylist()
    }
    p = small_day.planted
    # The planted CPA.7 calls cycle through three numbers: an unassigned code of a complete NPA, a
    # CenturyLink end user's number under the provider's OCN, digits that are no NANP number (issue 14).
    altered = p["cpn_altered"]
    assert found == {
        "provider_not_authorized": p["provider_not_authorized"],
        "cpn_missing": p["cpn_missing"],
        "cpn_not_in_numbering": len(range(0, altered, 3)),
        "cpn_other_carrier": len(range(1, altered, 3)),
        "cpn_altered": len(range(2, altered, 3)),
        "voip_911_to_ilec": p["voip_911"],
        "outside_serving_area": p["outside_serving_area"],
        "dos_trunk_group": 1,
        "dos_provider": 1,
    }
    assert result.undetermined.num_rows == 0  # the generator uses numbers the shipped data decides
    # Sliding windows: the three planted minutes are one episode of overlapping breached windows,
    # covering every planted window (docs/interpretations.md#dos-windows).
    for w in result.dos_windows.to_pylist():
        assert w["episode_start"] <= small_day.dos_windows[0][0] and w["episode_end"] >= small_day.dos_windows[-1][1]
    assert {(dict(e.data)["scope"], dict(e.data)["key"]) for e in result.events} == {
        ("provider", small_day.dos_provider),
        ("trunk_group", small_day.dos_trunk_group),
    }


@pytest.fixture(scope="module")
def mid_day(spec, reference, agreement):
    return generate_day(spec, reference, agreement.terms, calls=12_000, seed=3)


@pytest.mark.parametrize("suffix", [".emi", ".csv", ".parquet"])
def test_the_day_ingests_whole_from_every_format(tmp_path, mid_day, suffix):
    """Written as EMI (VI.9), CSV or Parquet, every call reads back with the same identity, none quarantined."""
    path = write_day(mid_day, tmp_path / f"day{suffix}")
    con = duckdb.connect()
    report = ingest_file(con, path)
    assert (report.accepted, report.quarantined, report.duplicates) == (mid_day.calls.num_rows, 0, 0)
    stored = {r[0] for r in con.execute("SELECT record_id FROM call_records").fetchall()}
    assert stored == set(mid_day.calls.column("record_id").to_pylist())


def test_bad_spec_errors_name_the_file_and_key(tmp_path):
    text = load_day_spec().source
    body = (
        Path(text).read_text(encoding="utf-8").replace("provider: TELNYX, trunk_group", "provider: NOBODY, trunk_group")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(
        SpecError, match=r"bad\.yaml:\d+: dos_burst\.provider: expected one of the providers, got 'NOBODY'"
    ):
        load_day_spec(bad)


def test_a_block_not_held_by_its_provider_is_refused(tmp_path, reference, agreement):
    body = (
        Path(load_day_spec().source).read_text(encoding="utf-8").replace('blocks: ["2082637"]', 'blocks: ["2082638"]')
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(SpecError, match="COMMIO: block 2082638: expected a block held by Z204"):
        generate_day(load_day_spec(bad), reference, agreement.terms, calls=SMALL_DAY)
