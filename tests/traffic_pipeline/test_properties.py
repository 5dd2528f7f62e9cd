"""Properties of classification over arbitrary calls (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icaops.traffic.pipeline import calls_from_arrow, classify_calls
from icaops.traffic.pipeline.enrich import DIRECTIONS
from tests.traffic_pipeline import fixture
from tests.traffic_pipeline.fixture import at, call, to_table

pytestmark = pytest.mark.slow

NUMBERS = [
    fixture.ILEC_SANDPOINT,
    fixture.ILEC_PRIEST_RIVER,
    fixture.ILEC_SALMON,
    fixture.NOT_SERVED,
    fixture.LEVEL3,
    "2082637001",
    "9862021001",
    "2086345001",
    "12082631234",
    "911",
    "2089990000",
    "12345",
    "",
    None,
]
OCNS = [None, "Z204", "Z202", "Z201", "Z211", fixture.CLEC_OCN]

calls = st.lists(
    st.builds(
        dict,
        calling=st.sampled_from(NUMBERS),
        called=st.sampled_from(NUMBERS),
        ind=st.sampled_from(["1", "2", None]),
        orig_ocn=st.sampled_from(OCNS),
        sending=st.sampled_from(OCNS),
        term_ocn=st.sampled_from(OCNS),
        trunk=st.sampled_from(["TG01", "TG77", None]),
        record_type=st.sampled_from(["110101", "010101", "100101"]),
        minute=st.integers(0, 120),
        seconds=st.integers(0, 600),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls)
def test_every_call_has_exactly_one_direction_and_jurisdiction(duck_checks, specs):
    """Classification partitions the calls: one row per call, one direction and one jurisdiction each;
    transit and 911 are exactly the calls routed through to another provider and the calls to 911;
    message records (EMI category 01/10) are resale usage, never a provider's (CPA applies to trunk traffic)."""
    rows = [call(i + 1, at=at(s.pop("minute")), **s) for i, s in enumerate(specs)]
    table = to_table(rows)
    classified = classify_calls(calls_from_arrow(table), duck_checks)
    assert sorted(classified["record_id"].to_pylist()) == sorted(table["record_id"].to_pylist())
    category = dict(zip(table["record_id"].to_pylist(), table["category"].to_pylist()))
    for r in classified.to_pylist():
        assert r["direction"] in DIRECTIONS
        assert (r["direction"] == "resale_usage") == (category[r["record_id"]] in ("01", "10"))
        assert r["direction"] != "resale_usage" or r["provider_id"] is None
        assert r["jurisdiction"] in {"local", "intralata_toll", "interlata", "transit", "911"}
        assert (r["jurisdiction"] == "transit") == (r["direction"] == "transit")
