"""Every call joined to the numbering and registry tables: direction, CLEC, provider, jurisdiction, check flags.

One Ibis expression, the same on every backend. Rules (docs/traffic-pipeline.md):

- Numbers are normalized to ten digits (a leading 1 dropped) and looked up by NPA-NXX-X, the
  thousands block beating its NXX (`numbers_table`).
- Everything is joined, compared and grouped on the integer keys the call records carry
  (icaops/traffic/records/keys.py) and the lookup tables' integer codes; the text beside them is
  read only for the evidence of flagged calls. Direction and jurisdiction are codes into
  DIRECTIONS and JURISDICTIONS, providers codes of `providers_table`, the CLEC its packed OCN.
- Resale usage: a message record (EMI category 01 or 10, RESALE_USAGE_CATEGORIES) is a call of
  the CLEC's end user on a resold CenturyLink line, billed per message (VIII), not traffic on
  the CLEC's trunks: direction `resale_usage`, no provider, no Carrier Partner check.
- Direction: `orig_term_ind` 1 = originated at CenturyLink (ilec_to_clec), 2 = received from the
  CLEC's trunks; without it, a call from an ILEC number to a non-ILEC number is ilec_to_clec. A
  received call is clec_to_ilec when the called number is CenturyLink's (or 911), else transit.
- CLEC: the given OCN, else the sending OCN (or originating OCN) of a received call and the
  terminating OCN of a delivered one, skipping any OCN identified for a provider (CPA.2, 4, 6: the
  traffic of parties using the CLEC is the CLEC's; a provider's own OCN is not the CLEC's, CPA.11).
- Provider: by OCN (sending, then originating; terminating for delivered calls), else by the
  provider identified for the calling (received) or called (delivered) number's block (CPA.1.4, 11).
- Jurisdiction: 911, transit, local (same rate center and state), intraLATA toll (same LATA),
  interLATA (anything else, including numbers whose LATA is unknown).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.records import pack_text
from icaops.traffic.records.keys import (
    CALLED_911,
    CALLING_NANP,
    CPN_PRESENT,
    IND_ILEC,
    IND_RECEIVED,
    NANP_PATTERN,
    ORIG_LRN,
    RESALE,
    RESALE_USAGE_CATEGORIES,
)

__all__ = [
    "DIRECTIONS",
    "FLAGS",
    "JURISDICTIONS",
    "NANP_PATTERN",
    "RESALE_USAGE_CATEGORIES",
    "clec_code",
    "enrich",
]

FLAGS = (
    "f_not_authorized",
    "f_outside_area",
    "f_cpn_missing",
    "f_cpn_altered",
    "f_voip_911",
    "f_cpn_not_found",
    "f_cpn_carrier",
    "f_area_unknown",
)
DIRECTIONS = ("clec_to_ilec", "ilec_to_clec", "transit", "resale_usage")
"""Direction names by code (`direction` of the enriched calls)."""
JURISDICTIONS = ("local", "intralata_toll", "interlata", "transit", "911")
"""Jurisdiction names by code (`jurisdiction` of the enriched calls)."""


def _code(names: tuple[str, ...], name: str) -> ir.IntegerScalar:
    return ibis.literal(names.index(name), "int8")


def _has(flags: ir.IntegerValue, bit: int) -> ir.BooleanValue:
    """Whether `bit` of the call's flags (icaops/traffic/records/keys.py) is set."""
    return (flags & bit) != 0


def _prefixed(table: ir.Table, prefix: str) -> ir.Table:
    """The table with every column renamed `prefix + name` (so joined lookups never collide)."""
    return table.rename({prefix + name: name for name in table.columns})


def clec_code(clec_ocn: str | None) -> int | None:
    """The packed code of a given CLEC OCN (ValueError when it is longer than an OCN's four bytes)."""
    try:
        return pack_text(clec_ocn, 4)
    except ValueError:
        raise ValueError(f"clec_ocn: expected an OCN of at most 4 characters, found {clec_ocn!r}") from None


def enrich(
    calls: ir.Table, numbers: ir.Table, ocns: ir.Table, auth: ir.Table, params: CheckParams, clec_ocn: str | None = None
) -> ir.Table:
    """The calls with attribution, classification and one boolean per per-call check."""
    a, b = _prefixed(numbers, "a_"), _prefixed(numbers, "b_")
    c = calls.left_join(a, calls.calling_block == a.a_block)
    c = c.left_join(b, c.called_block == b.b_block)
    a_ilec, b_ilec = c.a_ilec.fill_null(False), c.b_ilec.fill_null(False)
    flags = c.call_flags
    received = ibis.cases((_has(flags, IND_ILEC), False), (_has(flags, IND_RECEIVED), True), else_=~(a_ilec & ~b_ilec))
    resale = _has(flags, RESALE)
    # view(): a barrier, so that later expressions refer to these columns instead of inlining copies.
    c = c.mutate(received=received & ~resale, is_911=_has(flags, CALLED_911), b_ilec_known=b_ilec, resale=resale).view()
    c = c.mutate(
        direction=ibis.cases(
            (c.resale, _code(DIRECTIONS, "resale_usage")),
            (~c.received, _code(DIRECTIONS, "ilec_to_clec")),
            (c.is_911 | c.b_ilec_known, _code(DIRECTIONS, "clec_to_ilec")),
            else_=_code(DIRECTIONS, "transit"),
        ),
        ocn_key_1=ibis.ifelse(c.received, c.sending_ocn_code, c.term_ocn_code),
        ocn_key_2=ibis.ifelse(c.received, c.orig_ocn_code, ibis.null("int32")),
    )
    o1, o2 = _prefixed(ocns, "o1_"), _prefixed(ocns, "o2_")
    c = c.left_join(o1, c.ocn_key_1 == o1.o1_ocn_code).left_join(o2, c.ocn_key_2 == o2.o2_ocn_code)
    by_number = ibis.ifelse(c.received, c.a_provider_code, c.b_provider_code)
    provider = ibis.ifelse(
        c.resale, ibis.null("int32"), ibis.coalesce(c.o1_provider_code, c.o2_provider_code, by_number)
    )
    c = c.mutate(provider_code=provider).view()
    p = _prefixed(auth, "p_")
    c = c.left_join(
        p, (c.provider_code == p.p_provider_code) & (c.call_date >= p.p_valid_from) & (c.call_date < p.p_valid_to)
    )
    # An OCN identified for a provider is the provider's, never the CLEC's (CPA.11).
    clec = (
        ibis.literal(clec_code(clec_ocn), "int32")
        if clec_ocn is not None
        else ibis.coalesce(
            ibis.ifelse(c.o1_provider_code.isnull(), c.ocn_key_1, ibis.null("int32")),
            ibis.ifelse(c.o2_provider_code.isnull(), c.ocn_key_2, ibis.null("int32")),
        )
    )
    same_rate_center = (
        c.a_rate_center_code.notnull()
        & (c.a_rate_center_code == c.b_rate_center_code)
        & (c.a_state_code == c.b_state_code)
    )
    jurisdiction = ibis.cases(
        (c.is_911, _code(JURISDICTIONS, "911")),
        (c.direction == _code(DIRECTIONS, "transit"), _code(JURISDICTIONS, "transit")),
        (same_rate_center, _code(JURISDICTIONS, "local")),
        (c.a_lata_code.notnull() & (c.a_lata_code == c.b_lata_code), _code(JURISDICTIONS, "intralata_toll")),
        else_=_code(JURISDICTIONS, "interlata"),
    )
    talk = ibis.coalesce(c.conversation_tenths, c.duration_tenths)
    c = c.mutate(
        clec_code=clec,
        jurisdiction=jurisdiction,
        talk_tenths=talk,
        answered=talk > 0,
        epoch=c.connect_epoch,
        short_call=(talk > 0) & (talk < params.short_call_tenths),
        voip_in=c.received & c.provider_code.notnull(),
        cpn_present=_has(c.call_flags, CPN_PRESENT),
    ).view()
    # CPA.7 (docs/interpretations.md#cpn-altered): "altered" only where the data proves it (not a NANP
    # number). A number in no listed code, or held (not ported) by another carrier's OCN than the
    # originating one and neither identified to the provider nor the CLEC's, is flagged for
    # pipeline/numbering.py, which names it for what it is or leaves it undetermined (issue 14).
    foreign_ocn = (
        ~_has(c.call_flags, ORIG_LRN)
        & c.orig_ocn_code.notnull()
        & (c.a_ocn_code.isnull() | (c.a_ocn_code != c.orig_ocn_code))
        & (c.a_provider_code.isnull() | (c.a_provider_code != c.provider_code))
        & (c.a_ocn_code.isnull() | c.clec_code.isnull() | (c.a_ocn_code != c.clec_code))
    )
    nanp = _has(c.call_flags, CALLING_NANP)
    cpn_checked = c.voip_in & c.cpn_present
    allowed = (
        c.p_authorized & (c.p_confined_trunk_code.isnull() | (c.p_confined_trunk_code == c.trunk_code))
    ).fill_null(False)
    # CPA.9: b_in_ilec_area is null where the numbering data cannot place the called number.
    area_checked = c.voip_in & ~c.is_911
    return c.mutate(
        f_not_authorized=c.provider_code.notnull() & ~allowed,
        f_outside_area=area_checked & ~c.b_in_ilec_area.fill_null(True),
        f_cpn_missing=c.voip_in & ~c.cpn_present,
        f_cpn_altered=ibis.ifelse(cpn_checked, ~nanp, False),
        f_voip_911=c.voip_in & c.is_911,
        f_cpn_not_found=ibis.ifelse(cpn_checked, nanp & c.a_block.isnull(), False),
        f_cpn_carrier=ibis.ifelse(cpn_checked, nanp & c.a_block.notnull() & foreign_ocn.fill_null(False), False),
        f_area_unknown=area_checked & c.b_in_ilec_area.isnull(),
    )
