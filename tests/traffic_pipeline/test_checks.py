"""Each Carrier Partner check on hand-built calls, citing the clause it enforces (DuckDB)."""

from __future__ import annotations

import datetime as dt

import pytest

from icaops.traffic.pipeline import calls_from_arrow, check_traffic, classify_calls, connect, prepare_checks
from tests.traffic_pipeline import fixture
from tests.traffic_pipeline.fixture import at, call, named_calls, to_table

NAMED = named_calls()


def checked(calls, context, **options):
    """check_traffic of Arrow calls with checks prepared afresh on DuckDB from `context` and `options`."""
    return check_traffic(calls_from_arrow(calls), prepare_checks(con=connect("duckdb"), **{**context, **options}))


def kinds_of(result, name: str) -> dict[str, str]:
    """Finding kind → clause for one named fixture call."""
    no = NAMED[name]["record_no"]
    return {r["kind"]: r["clause"] for r in result.findings.to_pylist() if r["record_no"] == no}


def call_findings(result) -> list[dict]:
    """The findings about calls (not the registry-level CPA.1.4 ones, which have no record)."""
    return [r for r in result.findings.to_pylist() if r["record_id"] is not None]


def detail_of(result, name: str, kind: str) -> str:
    no = NAMED[name]["record_no"]
    return next(r["detail"] for r in result.findings.to_pylist() if r["record_no"] == no and r["kind"] == kind)


def test_cpa_1_1_provider_without_numbering_agreement_is_found(duck):
    """CPA.1.1: CenturyLink must confirm the provider's Numbering Agreement before its traffic is exchanged."""
    assert kinds_of(duck, "not_authorized") == {"provider_not_authorized": "CPA.1.1"}
    assert "Numbering Agreement" in detail_of(duck, "not_authorized", "provider_not_authorized")


def test_cpa_1_1_authorization_is_judged_on_the_call_date(duck):
    """CPA.1.1 ("Prior to ... exchanging traffic"): a call before CenturyLink's confirmation is a finding,
    the same provider's calls after it are not."""
    assert kinds_of(duck, "before_confirmation") == {"provider_not_authorized": "CPA.1.1"}
    assert "has not confirmed" in detail_of(duck, "before_confirmation", "provider_not_authorized")
    assert kinds_of(duck, "local") == {}


def test_cpa_8_after_dos_provider_only_on_its_separate_trunk_group(duck):
    """CPA.8: after a DoS event the provider's traffic uses a separate trunk group for its exclusive use."""
    assert kinds_of(duck, "confined_wrong_trunk") == {"provider_not_authorized": "CPA.8"}
    assert "TG77" in detail_of(duck, "confined_wrong_trunk", "provider_not_authorized")
    assert kinds_of(duck, "confined_own_trunk") == {}


def test_cpa_9_destination_outside_the_ilec_serving_area(duck, duck_checks):
    """CPA.9: provider traffic must be destined to the area served by CenturyLink's switch in the LERG;
    a CLEC block in a CenturyLink rate center counts as inside."""
    assert kinds_of(duck, "transit_outside_area") == {"outside_serving_area": "CPA.9"}
    inside = call(1, at=at(0), calling="2082637001", called="2082638123", orig_ocn="Z204")  # TELNYX, SANDPOINT
    result = check_traffic(calls_from_arrow(to_table([inside])), duck_checks)
    assert call_findings(result) == []


@pytest.mark.parametrize(
    "name, kind, why",
    [
        ("cpn_invalid", "cpn_altered", "not a valid ten-digit NANP number"),
        ("cpn_unassigned", "cpn_not_in_numbering", "not found in the numbering data"),
        ("cpn_foreign_ocn", "cpn_other_carrier", "assigned in the numbering data to OCN Z101, a carrier other"),
    ],
)
def test_cpa_7_calling_number_named_for_what_the_data_proves(duck, name, kind, why):
    """CPA.7 / 47 C.F.R. 64.1601: the CPN must pass unaltered. "Altered" only where the data proves it (not a
    NANP number); a number in no assigned code of a complete NPA, or another carrier's unported number, is
    named for what it is (interpretations.md#cpn-altered, issue 14)."""
    assert kinds_of(duck, name) == {kind: "CPA.7"}
    detail = detail_of(duck, name, kind)
    assert why in detail and "47 C.F.R. 64.1601" in detail


def test_cpa_1_4_provider_numbering_under_another_carriers_ocn(duck):
    """CPA.1.4: a provider's NPA-NXX(s) are identified in the LERG under its own or the CLEC's OCN; squatter's
    block 208-263-5 is the ILEC's (Z101) in the numbering data, never the CLEC's: one finding, not tied to a
    call, though no CLEC OCN is given."""
    rows = [r for r in duck.findings.to_pylist() if r["kind"] == "provider_numbering_other_ocn"]
    assert [(r["provider_id"], r["clause"], r["record_id"]) for r in rows] == [("squatter", "CPA.1.4", None)]
    assert "208-263-5 is held in the numbering data by OCN Z101" in rows[0]["detail"]


def test_cpa_1_4_another_carriers_ocn_is_undetermined_while_the_clecs_is_unknown(context):
    """CPA.1.4 allows the CLEC's OCN: a provider block held by a non-ILEC OCN is a finding only when the CLEC's
    OCN is known; without it the block may be the CLEC's, and the outcome is undetermined (issue 14)."""
    from icaops.traffic.pipeline.numbering import numbering_facts
    from icaops.traffic.pipeline.params import params_from_terms
    from icaops.traffic.providers import ProviderAdded, ProviderRegistry

    registry = ProviderRegistry.from_facts(
        [ProviderAdded("p", dt.date(2024, 2, 1), "p", ocns=("Z206",), npa_nxxs=("9866662",))]
    )
    params = params_from_terms(context["terms"])
    unknown = numbering_facts(context["reference"], registry, params, None)
    assert unknown.provider_findings.num_rows == 0
    assert unknown.provider_undetermined.to_pylist()[0]["reason"].startswith("986-666-2 is held by OCN Z207")
    known = numbering_facts(context["reference"], registry, params, "Z301")
    assert known.provider_findings["kind"].to_pylist() == ["provider_numbering_other_ocn"]


def test_cpa_7_missing_calling_number(duck):
    """CPA.7: provider traffic without a calling number is a finding."""
    assert kinds_of(duck, "cpn_missing") == {"cpn_missing": "CPA.7"}


def test_cpa_7_ported_number_and_non_provider_traffic_are_not_findings(duck, duck_checks):
    """A ported number (originating LRN present) is explained by porting, not alteration; CPA.7 covers
    the provider's traffic, so another carrier's call without CPN is no CPA.7 finding."""
    assert kinds_of(duck, "cpn_ported") == {}
    other = call(1, at=at(0), calling=None, called=fixture.ILEC_SANDPOINT, orig_ocn="Z211")
    assert call_findings(check_traffic(calls_from_arrow(to_table([other])), duck_checks)) == []


def test_cpa_10_voip_911_call_sent_to_the_ilec(duck):
    """CPA.10: the provider routes its own 911 calls; one delivered to CenturyLink is a finding."""
    assert kinds_of(duck, "voip_911") == {"voip_911_to_ilec": "CPA.10"}


def test_cpa_8_dos_burst_breaches_per_trunk_group_and_per_provider(duck, agreement):
    """CPA.8: a flood (answer-seizure ratio below the terms' minimum) raises one window per scope,
    a window-level finding each, and one dos_detected event each with the remedy from the terms."""
    windows = duck.dos_windows.to_pylist()
    assert [(w["scope"], w["key"], w["attempts"], w["answered"]) for w in windows] == [
        ("provider", "dosco", fixture.DOS_ATTEMPTS, 0),
        ("trunk_group", fixture.DOS_TRUNK, fixture.DOS_ATTEMPTS, 0),
    ]
    assert {w["breached"] for w in windows} == {"answer_seizure_ratio<0.15"}
    assert {w["clause"] for w in windows} == {"CPA.8"}
    dos = [r for r in duck.findings.to_pylist() if r["kind"].startswith("dos_")]
    assert sorted((r["kind"], r["record_id"]) for r in dos) == [("dos_provider", None), ("dos_trunk_group", None)]
    remedy = agreement.terms.carrier_partner.rules["denial_of_service"].value.remedy
    assert [(e.type, e.get("scope"), e.get("key"), e.get("remedy")) for e in duck.events] == [
        ("dos_detected", "provider", "dosco", remedy),
        ("dos_detected", "trunk_group", fixture.DOS_TRUNK, remedy),
    ]
    assert all(e.get("clause") == "CPA.8" and e.date == fixture.DAY for e in duck.events)


def test_cpa_8_thresholds_come_from_the_terms(fixture_table, agreement, reference, providers):
    """CPA.8 names no numbers: with a higher minimum of attempts per window (a term) the burst is no flood."""
    dos = agreement.terms.carrier_partner.dos_thresholds.value.model_dump()
    raised = agreement.with_overrides(
        {"carrier_partner.dos_thresholds": {**dos, "min_attempts_in_window": fixture.DOS_ATTEMPTS + 1}}
    )
    result = checked(fixture_table, {"terms": raised.terms, "reference": reference, "registry": providers})
    assert result.dos_windows.num_rows == 0 and result.events == ()


def test_cpa_2_4_provider_traffic_is_attributed_to_the_clec(duck):
    """CPA.2, CPA.4: traffic of parties using the CLEC is treated as the CLEC's (compensation rows under its OCN)."""
    provider_rows = [r for r in duck.compensation.to_pylist() if r["provider_id"]]
    assert {r["clec_ocn"] for r in provider_rows} == {fixture.CLEC_OCN}
    received = [r for r in provider_rows if r["direction"] != "ilec_to_clec"]
    assert received and {(r["compensable"], r["clause"]) for r in received} == {(True, "CPA.2")}


def test_cpa_3_no_transit_compensation_for_ilec_traffic_to_a_provider(duck):
    """CPA.3: no transit compensation to the CLEC for CenturyLink traffic it sends on to a provider
    (treated as terminated with the CLEC, CPA.6); other CenturyLink traffic to the CLEC is compensated."""
    rows = {(r["provider_id"], r["direction"]): r for r in duck.compensation.to_pylist()}
    voip = rows[("voipco", "ilec_to_clec")]
    assert (voip["compensable"], voip["clause"], voip["calls"], voip["clec_ocn"]) == (False, "CPA.3", 1, "Z300")
    other = rows[(None, "ilec_to_clec")]
    assert (other["compensable"], other["clause"]) == (True, "CPA.2")


def test_compensation_minutes_by_jurisdiction(duck, fixture_table):
    """Every call on the CLEC's trunks falls in exactly one compensation row; conversation time sums to
    those calls' total. Resale usage (message records, category 01) is billed per message (VIII), not
    compensated, and has no row; every call is still counted as checked."""
    trunk_calls = [
        r
        for r in fixture_table.select(["category", "conversation_tenths", "duration_tenths"]).to_pylist()
        if r["category"] not in ("01", "10")
    ]
    assert len(trunk_calls) == fixture_table.num_rows - 2  # the two resale messages
    assert sum(duck.compensation["calls"].to_pylist()) == len(trunk_calls)
    talk = [
        r["conversation_tenths"] if r["conversation_tenths"] is not None else r["duration_tenths"] for r in trunk_calls
    ]
    assert sum(duck.compensation["conversation_tenths"].to_pylist()) == sum(talk)
    assert "resale_usage" not in duck.compensation["direction"].to_pylist()
    assert duck.records == fixture_table.num_rows


@pytest.mark.parametrize(
    "name, direction, jurisdiction",
    [
        ("local", "clec_to_ilec", "local"),
        ("intralata_toll", "clec_to_ilec", "intralata_toll"),
        ("interlata", "clec_to_ilec", "interlata"),
        ("transit_outside_area", "transit", "transit"),
        ("voip_911", "clec_to_ilec", "911"),
        ("ilec_to_voip", "ilec_to_clec", "local"),
        ("ilec_to_clec", "ilec_to_clec", "intralata_toll"),
        ("resale_message", "resale_usage", "interlata"),
        ("resale_message_2", "resale_usage", "local"),
    ],
)
def test_classification(fixture_table, duck_checks, name, direction, jurisdiction):
    """Local = same rate center, intraLATA toll = same LATA, else interLATA; transit and 911 first."""
    ids = dict(zip(fixture_table["record_no"].to_pylist(), fixture_table["record_id"].to_pylist()))
    classified = {r["record_id"]: r for r in classify_calls(calls_from_arrow(fixture_table), duck_checks).to_pylist()}
    row = classified[ids[NAMED[name]["record_no"]]]
    assert (row["direction"], row["jurisdiction"]) == (direction, jurisdiction)


def test_message_counts_per_billing_number(duck):
    """Messages per billing number, type and day feed per-message billing (VI.9)."""
    assert duck.message_counts.to_pylist() == [
        {"billing_number": "2082630000", "message_type": "1", "call_date": fixture.DAY, "messages": 2}
    ]


def test_per_minute_counts_every_call_on_a_trunk_group(duck, fixture_table):
    """Calls per trunk group and minute add up to the calls that name a trunk group."""
    assert sum(duck.per_minute["calls"].to_pylist()) == fixture_table["trunk_group"].drop_null().__len__()
    burst = [r for r in duck.per_minute.to_pylist() if r["trunk_group"] == fixture.DOS_TRUNK]
    assert [r["calls"] for r in burst] == [fixture.DOS_ATTEMPTS]
    keys = [(r["trunk_group"], r["minute"]) for r in duck.per_minute.to_pylist()]
    assert keys == sorted(keys) and len(set(keys)) == len(keys) > 2  # ordered by trunk group, then minute


def test_parquet_path_and_pyarrow_table_give_the_same_result(duck, fixture_table, duck_checks, tmp_path):
    """calls may be read from a Parquet path (or glob) in CALL_RECORD_SCHEMA as well as a pyarrow Table."""
    import pyarrow.parquet as pq

    from icaops.traffic.pipeline import calls_from_parquet

    pq.write_table(fixture_table, tmp_path / "calls.parquet")
    from_file = check_traffic(calls_from_parquet(duck_checks.con, str(tmp_path / "*.parquet")), duck_checks)
    assert from_file.findings.to_pylist() == duck.findings.to_pylist()
    assert from_file.compensation.to_pylist() == duck.compensation.to_pylist()


def test_queries_compiled_once_serve_later_runs_each_with_its_own_calls(duck, fixture_table, context):
    """The CPA.1-11 checks compiled once, when prepared, serve every later run: each sees its own calls only."""
    checks = prepare_checks(con=connect("duckdb"), **context)
    assert checks.sql is not None
    first_half = check_traffic(calls_from_arrow(fixture_table.slice(0, 100)), checks)
    again = check_traffic(calls_from_arrow(fixture_table), checks)
    assert first_half.records == 100 and again.records == duck.records
    assert again.findings.equals(duck.findings) and again.per_minute.equals(duck.per_minute)
    assert check_traffic(calls_from_arrow(fixture_table.slice(0, 100)), checks).findings.equals(first_half.findings)


def test_as_of_leaves_out_later_registry_facts(fixture_table, context, agreement):
    """as_of: the registry as known then; before CenturyLink's confirmation (CPA.1.1) voipco is not carried."""
    on = dt.date(2024, 2, 25)
    result = checked(fixture_table, {**context, "terms": agreement.terms_at(on)}, as_of=on)
    flagged = {r["provider_id"] for r in result.findings.to_pylist() if r["kind"] == "provider_not_authorized"}
    assert {"voipco", "dosco", "rogue"} <= flagged


def test_clec_ocn_given_attributes_every_call_to_it(fixture_table, context):
    """CPA.2/4/6: with the CLEC's OCN given, every call is attributed to it."""
    result = checked(fixture_table, context, clec_ocn="Z999")
    assert set(result.compensation["clec_ocn"].to_pylist()) == {"Z999"}


def test_calls_of_another_type_are_refused_naming_the_argument(duck_checks):
    """An unusable input names the argument and what was expected."""
    with pytest.raises(TypeError, match="calls: expected an Ibis table"):
        check_traffic([1, 2, 3], duck_checks)


def test_calls_missing_a_column_are_refused_naming_it(fixture_table, duck_checks):
    """Input without a CALL_RECORD_SCHEMA column is refused before any query, naming the column."""
    import ibis

    with pytest.raises(ValueError, match="missing trunk_group"):
        calls_from_arrow(fixture_table.drop(["trunk_group"]))
    with pytest.raises(ValueError, match="missing trunk_group"):
        check_traffic(ibis.memtable(fixture_table.drop(["trunk_group"])), duck_checks)


def test_an_ibis_table_runs_on_its_own_backend(fixture_table, context, duck, tmp_path):
    """calls may be any Ibis table on the checks' backend, here one read by the caller itself."""
    import pyarrow.parquet as pq

    pq.write_table(fixture_table, tmp_path / "calls.parquet")
    con = connect("duckdb")
    table = con.read_parquet(str(tmp_path / "calls.parquet"))
    result = check_traffic(table, prepare_checks(con=con, **context))
    assert result.backend == "duckdb" and result.findings.to_pylist() == duck.findings.to_pylist()


def test_cpa_11_a_providers_own_ocn_is_never_taken_for_the_clec(context, duck_checks):
    """CPA.2, 6, 11: without a given CLEC OCN, the CLEC is read from the records, but an OCN identified for a
    provider is the provider's: CenturyLink's call delivered to voipco's own OCN names no CLEC (not voipco),
    and a received call takes the CLEC's sending OCN, not the provider's originating one."""
    delivered = fixture.call(
        1, at=fixture.at(0), calling=fixture.ILEC_SANDPOINT, called="2082637009", ind="1", sending=None, term_ocn="Z204"
    )
    received = fixture.call(2, at=fixture.at(1), calling="2082637001", called=fixture.ILEC_SANDPOINT, orig_ocn="Z204")
    only_provider = fixture.call(
        3, at=fixture.at(2), calling="2082637002", called=fixture.ILEC_SANDPOINT, orig_ocn="Z204", sending="Z204"
    )
    table = fixture.to_table([delivered, received, only_provider])
    rows = {r["record_id"]: r for r in classify_calls(calls_from_arrow(table), duck_checks).to_pylist()}
    by_no = [rows[i] for i in table["record_id"].to_pylist()]
    assert [(r["clec_ocn"], r["provider_id"]) for r in by_no] == [
        (None, "voipco"),
        (fixture.CLEC_OCN, "voipco"),
        (None, "voipco"),
    ]
    given = {
        r["record_id"]: r
        for r in classify_calls(
            calls_from_arrow(table), prepare_checks(con=connect("duckdb"), clec_ocn="Z999", **context)
        ).to_pylist()
    }
    assert {r["clec_ocn"] for r in given.values()} == {"Z999"}
