"""Every call joined to the numbering and registry tables: direction, CLEC, provider, jurisdiction, check flags.

One Ibis expression, the same on every backend. Rules (docs/traffic-pipeline.md):

- Numbers are normalized to ten digits (a leading 1 dropped) and looked up by NPA-NXX-X, the
  thousands block beating its NXX (`numbers_table`).
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

__all__ = ["DIRECTIONS", "FLAGS", "NANP_PATTERN", "RESALE_USAGE_CATEGORIES", "enrich"]

NANP_PATTERN = r"^[2-9][0-9]{2}[2-9][0-9]{6}$"
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
RESALE_USAGE_CATEGORIES = ("01", "10")
"""EMI message-record categories (docs/emi.md): usage of resold lines, not trunk traffic."""


def _ten_digits(number: ir.StringValue) -> ir.StringValue:
    """A number without its leading 1 when it has eleven digits (NANP national form)."""
    return ibis.ifelse((number.length() == 11) & number.startswith("1"), number.substr(1), number)


def _is_nanp(number: ir.StringValue) -> ir.BooleanValue:
    """Ten digits, NPA and NXX starting 2-9 (NANP_PATTERN); null is not."""
    return number.re_search(NANP_PATTERN).fill_null(False)


def _prefixed(table: ir.Table, prefix: str) -> ir.Table:
    """The table with every column renamed `prefix + name` (so joined lookups never collide)."""
    return table.rename({prefix + name: name for name in table.columns})


def enrich(
    calls: ir.Table, numbers: ir.Table, ocns: ir.Table, auth: ir.Table, params: CheckParams, clec_ocn: str | None = None
) -> ir.Table:
    """The calls with attribution, classification and one boolean per per-call check."""
    c = calls.mutate(calling10=_ten_digits(calls.calling_number), called10=_ten_digits(calls.called_number))
    a, b = _prefixed(numbers, "a_"), _prefixed(numbers, "b_")
    c = c.left_join(a, c.calling10.substr(0, 7) == a.a_npanxxx)
    c = c.left_join(b, c.called10.substr(0, 7) == b.b_npanxxx)
    a_ilec, b_ilec = c.a_ilec.fill_null(False), c.b_ilec.fill_null(False)
    received = ibis.cases((c.orig_term_ind == "1", False), (c.orig_term_ind == "2", True), else_=~(a_ilec & ~b_ilec))
    is_911 = c.called10 == "911"
    resale = c.category.isin(RESALE_USAGE_CATEGORIES).fill_null(False)
    # view(): a barrier, so that later expressions refer to these columns instead of inlining copies.
    c = c.mutate(received=received & ~resale, is_911=is_911, b_ilec_known=b_ilec, resale=resale).view()
    c = c.mutate(
        direction=ibis.cases(
            (c.resale, "resale_usage"),
            (~c.received, "ilec_to_clec"),
            (c.is_911 | c.b_ilec_known, "clec_to_ilec"),
            else_="transit",
        ),
        ocn_key_1=ibis.ifelse(c.received, c.sending_ocn, c.term_ocn),
        ocn_key_2=ibis.ifelse(c.received, c.orig_ocn, ibis.null("string")),
    )
    o1, o2 = _prefixed(ocns, "o1_"), _prefixed(ocns, "o2_")
    c = c.left_join(o1, c.ocn_key_1 == o1.o1_ocn).left_join(o2, c.ocn_key_2 == o2.o2_ocn)
    by_number = ibis.ifelse(c.received, c.a_provider, c.b_provider)
    provider = ibis.ifelse(c.resale, ibis.null("string"), ibis.coalesce(c.o1_provider, c.o2_provider, by_number))
    c = c.mutate(provider_id=provider).view()
    p = _prefixed(auth, "p_")
    c = c.left_join(p, (c.provider_id == p.p_provider) & (c.call_date >= p.p_valid_from) & (c.call_date < p.p_valid_to))
    # An OCN identified for a provider is the provider's, never the CLEC's (CPA.11).
    clec = (
        ibis.literal(clec_ocn, "string")
        if clec_ocn is not None
        else ibis.coalesce(
            ibis.ifelse(c.o1_provider.isnull(), c.ocn_key_1, ibis.null("string")),
            ibis.ifelse(c.o2_provider.isnull(), c.ocn_key_2, ibis.null("string")),
        )
    )
    same_rate_center = c.a_rate_center.notnull() & (c.a_rate_center == c.b_rate_center) & (c.a_state == c.b_state)
    jurisdiction = ibis.cases(
        (c.is_911, "911"),
        (c.direction == "transit", "transit"),
        (same_rate_center, "local"),
        (c.a_lata.notnull() & (c.a_lata == c.b_lata), "intralata_toll"),
        else_="interlata",
    )
    talk = ibis.coalesce(c.conversation_tenths, c.duration_tenths)
    c = c.mutate(
        clec_ocn=clec,
        jurisdiction=jurisdiction,
        talk_tenths=talk,
        answered=talk > 0,
        epoch=c.connect_time.epoch_seconds().cast("int64"),
        short_call=(talk > 0) & (talk < params.short_call_tenths),
        voip_in=c.received & c.provider_id.notnull(),
        cpn_present=c.calling_number.notnull() & (c.calling_number != ""),
    ).view()
    # CPA.7 (docs/interpretations.md#cpn-altered): "altered" only where the data proves it (not a NANP
    # number). A number in no listed code, or held (not ported) by another carrier's OCN than the
    # originating one and neither identified to the provider nor the CLEC's, is flagged for
    # pipeline/numbering.py, which names it for what it is or leaves it undetermined (issue 14).
    # Evaluated only for the provider's calls with a CPN: CASE spares every other call the string work.
    foreign_ocn = (
        c.orig_lrn.isnull()
        & c.orig_ocn.notnull()
        & (c.a_ocn.isnull() | (c.a_ocn != c.orig_ocn))
        & (c.a_provider.isnull() | (c.a_provider != c.provider_id))
        & (c.a_ocn.isnull() | c.clec_ocn.isnull() | (c.a_ocn != c.clec_ocn))
    )
    nanp = _is_nanp(c.calling10)
    cpn_checked = c.voip_in & c.cpn_present
    allowed = (
        c.p_authorized & (c.p_confined_trunk_group.isnull() | (c.p_confined_trunk_group == c.trunk_group))
    ).fill_null(False)
    # CPA.9: b_in_ilec_area is null where the numbering data cannot place the called number.
    area_checked = c.voip_in & ~c.is_911
    return c.mutate(
        f_not_authorized=c.provider_id.notnull() & ~allowed,
        f_outside_area=area_checked & ~c.b_in_ilec_area.fill_null(True),
        f_cpn_missing=c.voip_in & ~c.cpn_present,
        f_cpn_altered=ibis.ifelse(cpn_checked, ~nanp, False),
        f_voip_911=c.voip_in & c.is_911,
        f_cpn_not_found=ibis.ifelse(cpn_checked, nanp & c.a_npanxxx.isnull(), False),
        f_cpn_carrier=ibis.ifelse(cpn_checked, nanp & c.a_npanxxx.notnull() & foreign_ocn.fill_null(False), False),
        f_area_unknown=area_checked & c.b_in_ilec_area.isnull(),
    )
