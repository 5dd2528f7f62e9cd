"""Hand-built calls and provider facts covering every finding kind, direction and jurisdiction.

Numbers come from the shipped reference sample (icaops/traffic/reference/data/lerg_sample_id.csv):
208-263 SANDPOINT (CenturyLink, LATA 960), 208-448 PRIEST RIVER (CenturyLink, 960),
208-756 SALMON (CenturyLink, 652), 208-263-7 block COMMIO Z204 (SANDPOINT), 986-202-1 block
TELNYX Z202 (BOISE), 208-634-5 block ONVOY Z201 (MCCALL), 208-756-3 block FRACTEL Z205 (SALMON),
208-664 LEVEL 3 Z211 (COEUR D'ALENE), 986-202-0 (BOISE, no CenturyLink switch serves it).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from icaops.traffic.providers import (
    AgreementKind,
    AgreementSigned,
    CarryConfirmed,
    CarryNoticeGiven,
    DenialOfService,
    ProviderAdded,
    ProviderRegistry,
    SeparateTrunkGroupEstablished,
)
from icaops.traffic.records import finish_batch

CLEC_OCN = "Z300"
DAY = dt.date(2024, 3, 4)
ILEC_SANDPOINT = "2082631234"
ILEC_PRIEST_RIVER = "2084481234"
ILEC_SALMON = "2087561234"
NOT_SERVED = "9862020123"
LEVEL3 = "2086641234"
DOS_TRUNK = "TG09"
DOS_ATTEMPTS = 700  # above the terms' 600-attempt minimum, all unanswered: ASR 0 < 0.15


def registry() -> ProviderRegistry:
    """voipco (Z204) carried since 2024-03-01; rogue (Z202) without a numbering agreement; dosco (Z201)
    carried; confined (Z205) carried, then a DoS and a separate trunk group TG77 (CPA.8); squatter (Z206)
    identified on block 208-263-5, which the numbering data gives to the ILEC's OCN Z101 (CPA.1.4)."""
    amendment = AgreementSigned("amend", dt.date(2012, 6, 20), AgreementKind.AMENDMENT)
    facts = [amendment]
    for name, ocn, block in (
        ("voipco", "Z204", "2082637"),
        ("dosco", "Z201", "2086345"),
        ("confined", "Z205", "2087563"),
    ):
        facts += [
            ProviderAdded(f"{name}-add", dt.date(2024, 2, 1), name, ocns=(ocn,), npa_nxxs=(block,)),
            AgreementSigned(f"{name}-na", dt.date(2024, 2, 1), AgreementKind.NUMBERING, name),
            CarryNoticeGiven(f"{name}-notice", dt.date(2024, 2, 20), name),
            CarryConfirmed(f"{name}-ok", dt.date(2024, 3, 1), name),
        ]
    facts += [
        ProviderAdded("rogue-add", dt.date(2024, 2, 1), "rogue", ocns=("Z202",), npa_nxxs=("9862021",)),
        ProviderAdded("squatter-add", dt.date(2024, 2, 1), "squatter", ocns=("Z206",), npa_nxxs=("2082635",)),
        CarryNoticeGiven("rogue-notice", dt.date(2024, 2, 20), "rogue"),
        DenialOfService("confined-dos", dt.date(2024, 3, 2), "confined"),
        SeparateTrunkGroupEstablished("confined-tg", dt.date(2024, 3, 3), "confined", "TG77"),
    ]
    return ProviderRegistry.from_facts(facts)


def call(
    no: int,
    *,
    at: dt.datetime,
    calling: str | None,
    called: str | None,
    ind: str | None = "2",
    trunk: str | None = "TG01",
    orig_ocn: str | None = None,
    sending: str | None = CLEC_OCN,
    term_ocn: str | None = None,
    orig_lrn: str | None = None,
    seconds: int = 120,
    record_type: str = "110101",
    billing: str | None = None,
    message_type: str | None = None,
) -> dict:
    local = int((at - dt.datetime(1970, 1, 1)).total_seconds())
    return {
        "record_no": no,
        "record_type": record_type,
        "connect_time_local": local,
        "calling_number": calling,
        "called_number": called,
        "duration_tenths": seconds * 10,
        "conversation_tenths": seconds * 10 if record_type == "110101" else None,
        "orig_term_ind": ind,
        "trunk_group": trunk,
        "orig_ocn": orig_ocn,
        "sending_ocn": sending,
        "term_ocn": term_ocn,
        "orig_lrn": orig_lrn,
        "billing_number": billing,
        "message_type": message_type,
        "cic": None if record_type != "110101" else "0288",
    }


def at(minute: int, second: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=minute, seconds=second)


def named_calls() -> dict[str, dict]:
    """One call per case, by name: what each is meant to exercise."""
    v = {"orig_ocn": "Z204"}
    return {
        "local": call(1, at=at(0), calling="2082637001", called=ILEC_SANDPOINT, **v),
        "intralata_toll": call(2, at=at(1), calling="2082637002", called=ILEC_PRIEST_RIVER, **v),
        "interlata": call(3, at=at(2), calling="2082637003", called=ILEC_SALMON, **v),
        "transit_outside_area": call(4, at=at(3), calling="2082637004", called=NOT_SERVED, **v),
        "voip_911": call(5, at=at(4), calling="2082637005", called="911", **v),
        "cpn_missing": call(6, at=at(5), calling=None, called=ILEC_SANDPOINT, **v),
        "cpn_invalid": call(7, at=at(6), calling="12345", called=ILEC_SANDPOINT, **v),
        "cpn_unassigned": call(8, at=at(7), calling="2089990000", called=ILEC_SANDPOINT, **v),
        "cpn_foreign_ocn": call(9, at=at(8), calling="2082631111", called=ILEC_PRIEST_RIVER, **v),
        "cpn_ported": call(10, at=at(9), calling="2082631112", called=ILEC_PRIEST_RIVER, orig_lrn="2082637999", **v),
        "not_authorized": call(11, at=at(10), calling="9862021001", called=ILEC_SANDPOINT, orig_ocn="Z202"),
        "before_confirmation": call(
            12, at=at(11, day=dt.date(2024, 2, 28)), calling="2082637006", called=ILEC_SANDPOINT, **v
        ),
        "ilec_to_voip": call(
            13, at=at(12), calling=ILEC_SANDPOINT, called="2082637009", ind="1", sending=None, term_ocn=CLEC_OCN
        ),
        "ilec_to_clec": call(
            14, at=at(13), calling=ILEC_SANDPOINT, called=LEVEL3, ind="1", sending=None, term_ocn=CLEC_OCN
        ),
        "clec_not_voip": call(15, at=at(14), calling=LEVEL3, called=ILEC_SANDPOINT, orig_ocn="Z211"),
        "confined_wrong_trunk": call(16, at=at(15), calling="2087563001", called=ILEC_SALMON, orig_ocn="Z205"),
        "confined_own_trunk": call(
            17, at=at(16), calling="2087563002", called=ILEC_SALMON, orig_ocn="Z205", trunk="TG77"
        ),
        "resale_message": call(
            18,
            at=at(17),
            calling=ILEC_SANDPOINT,
            called=ILEC_SALMON,
            ind=None,
            trunk=None,
            sending=None,
            record_type="010101",
            billing="2082630000",
            message_type="1",
        ),
        "resale_message_2": call(
            19,
            at=at(18),
            calling=ILEC_SANDPOINT,
            called=ILEC_SANDPOINT,
            ind=None,
            trunk=None,
            sending=None,
            record_type="010101",
            billing="2082630000",
            message_type="1",
        ),
    }


def dos_burst() -> list[dict]:
    """DOS_ATTEMPTS unanswered calls from dosco on DOS_TRUNK inside one minute."""
    return [
        call(
            1000 + i,
            at=at(30, i * 60 // DOS_ATTEMPTS),
            calling=f"2086345{i % 1000:03d}",
            called=ILEC_SANDPOINT,
            orig_ocn="Z201",
            trunk=DOS_TRUNK,
            seconds=0,
        )
        for i in range(DOS_ATTEMPTS)
    ]


def to_table(rows: list[dict], source_file: str = "fixture") -> pa.Table:
    """Canonical call records (CALL_RECORD_SCHEMA) from call dicts."""
    names = rows[0].keys()
    types = {
        "record_no": pa.int64(),
        "connect_time_local": pa.int64(),
        "duration_tenths": pa.int64(),
        "conversation_tenths": pa.int64(),
    }
    cols = {k: pa.array([r[k] for r in rows], types.get(k, pa.string())) for k in names}
    return pa.Table.from_batches([finish_batch(cols, n=len(rows), source_file=source_file, source_format="synthetic")])


def fixture_calls() -> pa.Table:
    """Every named call plus the DoS burst."""
    return to_table([*named_calls().values(), *dos_burst()])
