"""The order gate: every reason an LSR may not be accepted, each with its clause.

`check` is a pure function of the request, the day, the relationship's lifecycle, the
collections standing (a plain record the caller fills), the orders' own facts (set-up steps,
lines) and the terms. It returns every error found, not the first (IV.7.2.3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..calendar.deadlines import Deadlines
from ..relationship.lifecycle import Lifecycle
from ..terms.schema import Terms
from .model import ACTS, LineState, Lsr, OrderError, Standing

__all__ = ["check", "setup_completed_on"]

_ON_EXISTING_LINE = frozenset({"C", "D", "S", "B", "P", "L"})


def setup_completed_on(rel: Lifecycle, steps: Mapping[str, dt.date], terms: Terms) -> dt.date | None:
    """The day account set-up is complete (III.35.2): `account.setup_completed`, or the day the
    last of the terms' `ordering.account_setup_requirements` was done, whichever is earlier."""
    required = terms.ordering.account_setup_requirements.value
    by_steps = (
        max((steps[s] for s in required), default=terms.lifecycle.effective_date.value)
        if all(s in steps for s in required)
        else None
    )
    days = [d for d in (rel.setup_completed_on, by_steps) if d is not None]
    return min(days) if days else None


def _setup(lsr: Lsr, on: dt.date, rel: Lifecycle, steps: Mapping[str, dt.date], terms: Terms) -> list[OrderError]:
    term = terms.ordering.account_setup_requirements
    done = setup_completed_on(rel, {k: v for k, v in steps.items() if v <= on}, terms)
    errors: list[OrderError] = []
    if done is None or done > on:
        missing = [s for s in term.value if s not in steps or steps[s] > on]
        errors.append(
            OrderError(
                "setup_incomplete",
                "account",
                f"account set-up is not complete on {on.isoformat()} (missing: {', '.join(missing) or 'none listed'})",
                term.clause,
            )
        )
    gate = Deadlines(terms).ordering_allowed_from(done)
    if on < gate.value:
        errors.append(
            OrderError(
                "before_ordering_gate",
                "account",
                f"orders may not be submitted before {gate.value.isoformat()}",
                gate.steps[-1].clause or "III.35.2",
            )
        )
    return errors


def _account(lsr: Lsr, standing: Standing, terms: Terms) -> list[OrderError]:
    errors: list[OrderError] = []
    cert = terms.ordering.certificate_required
    if cert.value and not standing.certificate_on_file:
        errors.append(
            OrderError("no_certificate", "account", "no certificate of operating authority is on file", cert.clause)
        )
    fields = terms.ordering.clec_profile_fields
    missing = [f for f in fields.value if not standing.profile.get(f)]
    if missing:
        errors.append(
            OrderError(
                "clec_profile_missing",
                "account",
                f"the CLEC Profile lacks {', '.join(missing)}",
                fields.clause,
            )
        )
    ccna = standing.profile.get("ccna")
    if ccna and lsr.ccna and lsr.ccna != ccna:
        errors.append(
            OrderError("ccna_mismatch", "ccna", f"CCNA {lsr.ccna} is not the profile's {ccna}", fields.clause)
        )
    return errors


def _open_notices(rel: Lifecycle, kind: str, on: dt.date) -> list[str]:
    return [
        n.id
        for n in rel.notices.values()
        if n.kind == kind and n.received.value <= on and not (n.id in rel.closed and rel.closed[n.id] <= on)
    ]


def _relationship(on: dt.date, rel: Lifecycle, standing: Standing, terms: Terms) -> list[OrderError]:
    errors: list[OrderError] = []
    for nid in _open_notices(rel, "default", on):
        if rel.notices[nid].by == "ilec":
            errors.append(
                OrderError(
                    "default_uncured",
                    "account",
                    f"default notice {nid} is not cured: new service orders need not be processed",
                    "III.2.6",
                )
            )
    deposits = list(standing.deposits_outstanding) + [
        nid for nid in _open_notices(rel, "deposit_request", on) if rel.notices[nid].by == "ilec"
    ]
    for rid in dict.fromkeys(deposits):
        errors.append(
            OrderError(
                "deposit_outstanding",
                "account",
                f"deposit request {rid} is not provided: no obligation to perform until it is",
                "III.6.9",
            )
        )
    if standing.nonpayment_suspension:
        errors.append(
            OrderError(
                "nonpayment_suspension",
                "account",
                standing.nonpayment_why or "order processing is discontinued for non-payment",
                "III.9.5.1",
            )
        )
    refuse = terms.ordering.refuse_new_orders_during_dispute
    if refuse.value:
        for nid in _open_notices(rel, "dispute", on):
            errors.append(
                OrderError(
                    "dispute_pending",
                    "account",
                    f"dispute {nid} is pending resolution: new service orders are not accepted",
                    refuse.clause,
                )
            )
    return errors


def _fields(lsr: Lsr, on: dt.date, terms: Terms) -> list[OrderError]:
    errors: list[OrderError] = []
    if lsr.act not in ACTS:
        errors.append(OrderError("act_invalid", "act", f"ACT must be one of {', '.join(ACTS)}", "IV.7.1"))
    if not lsr.ccna:
        errors.append(OrderError("ccna_missing", "ccna", "the LSR names no CCNA", "III.13.1"))
    if not lsr.end_user or not lsr.address:
        errors.append(
            OrderError("end_user_missing", "end_user", "the End User's name and service address are required", "IV.7.4")
        )
    if lsr.ddd is None:
        errors.append(OrderError("ddd_missing", "ddd", "the LSR must specify a desired due date", "IV.9.1"))
    elif lsr.ddd < on:
        errors.append(OrderError("ddd_in_past", "ddd", f"desired due date {lsr.ddd.isoformat()} has passed", "IV.9.1"))
    if lsr.expedite and not lsr.expedite_reason:
        errors.append(
            OrderError("expedite_reason_missing", "expedite_reason", "an expedite needs the Expedite Reason", "IV.9.2")
        )
    if lsr.act != "N" and not lsr.wtns:
        errors.append(OrderError("wtn_missing", "wtns", "the LSR names no WTN", "IV.7.2.1"))
    if lsr.act == "P" and not (lsr.pic_inter or lsr.pic_intra):
        errors.append(
            OrderError("pic_missing", "pic_inter", "a PIC change names an interLATA or intraLATA PIC", "IV.8.4")
        )
    return errors


def _entities_and_wtns(lsr: Lsr, terms: Terms) -> list[OrderError]:
    errors: list[OrderError] = []
    ent = terms.ordering.ilec_entities
    entities = {e for e in (lsr.entity, *(w.entity for w in lsr.wtns)) if e}
    if not entities:
        errors.append(
            OrderError("entity_missing", "entity", f"name the CenturyLink entity: {', '.join(ent.value)}", ent.clause)
        )
    for name in sorted(e for e in entities if e not in ent.value):
        errors.append(
            OrderError("entity_unknown", "entity", f"{name} is not one of {', '.join(ent.value)}", ent.clause)
        )
    if len(entities) > 1:
        errors.append(
            OrderError(
                "entities_mixed",
                "wtns",
                f"one LSR for several CenturyLink entities ({', '.join(sorted(entities))}): each is ordered separately",
                ent.clause,
            )
        )
    multi = terms.ordering.lsr_multiple_wtn_same_customer_location
    if len(lsr.wtns) > 1:
        if not multi.value:
            errors.append(OrderError("one_wtn_per_lsr", "wtns", "one WTN per LSR", multi.clause))
        else:
            others = [w.wtn for w in lsr.wtns if (w.end_user, w.address) != (lsr.end_user, lsr.address)]
            if others:
                errors.append(
                    OrderError(
                        "wtn_other_customer_location",
                        "wtns",
                        f"WTN {', '.join(others)} not for the same customer at the same location",
                        multi.clause,
                    )
                )
    return errors


def _restrictions(lsr: Lsr, lines: Mapping[str, LineState], terms: Terms) -> list[OrderError]:
    errors: list[OrderError] = []
    if lsr.class_of_service and lsr.end_user_class and lsr.class_of_service != lsr.end_user_class:
        errors.append(
            OrderError(
                "cross_class",
                "class_of_service",
                f"{lsr.class_of_service} service resold to a {lsr.end_user_class} End User",
                "IV.4.2",
            )
        )
    if "lifeline" in lsr.attributes:
        errors.append(
            OrderError(
                "lifeline_not_resold",
                "lifeline",
                "lifeline or assistance-program service is not resold; order it as a residential line",
                "IV.4.3",
            )
        )
    for rule in terms.resale.discount_rules.values():
        if rule.value.available_for_resale is False and rule.value.attribute in lsr.attributes:
            errors.append(
                OrderError(
                    "not_available_for_resale",
                    rule.value.attribute,
                    f"{rule.value.description}: not available for resale",
                    rule.clause,
                )
            )
    if "grandfathered" in lsr.attributes:
        if lsr.act == "N":
            errors.append(
                OrderError(
                    "grandfathered_new_customer",
                    "grandfathered",
                    "grandfathered service only for End Users that already have it",
                    "IV.4.10",
                )
            )
        for w in lsr.wtns:
            line = lines.get(w.wtn)
            if line is not None and line.status in ("disconnected", "lost") and "grandfathered" in line.attributes:
                errors.append(
                    OrderError(
                        "grandfathered_reinstall",
                        "grandfathered",
                        f"grandfathered service on {w.wtn} was terminated and may not be reinstalled",
                        "IV.4.10",
                    )
                )
    if lsr.end_users_sharing > 1 or lsr.locations_aggregated > 1:
        errors.append(
            OrderError(
                "aggregation",
                "end_users_sharing",
                "one service shared by several End Users or aggregating several lines or locations",
                "IV.4.14",
            )
        )
    return errors


def _lines(lsr: Lsr, lines: Mapping[str, LineState]) -> list[OrderError]:
    errors: list[OrderError] = []
    if lsr.act not in _ON_EXISTING_LINE:
        return errors
    for w in lsr.wtns:
        line = lines.get(w.wtn)
        live = line is not None and line.account == lsr.account and line.status in ("in_service", "suspended")
        if not live:
            errors.append(
                OrderError("wtn_not_in_service", "wtns", f"{w.wtn} is not a line of the CLEC in service", "IV.2.4")
            )
        elif lsr.act == "S" and line is not None and line.status == "suspended":
            errors.append(OrderError("already_suspended", "wtns", f"{w.wtn} is already suspended", "IV.6.2"))
        elif lsr.act == "B" and line is not None and line.status != "suspended":
            errors.append(OrderError("restore_not_suspended", "wtns", f"{w.wtn} is not suspended", "IV.6.2.3"))
    return errors


def _end_user(lsr: Lsr, standing: Standing, unpaid: frozenset[str]) -> list[OrderError]:
    owing = standing.end_users_unpaid | unpaid
    who = [x for x in (lsr.end_user, *(w.wtn for w in lsr.wtns)) if x and x in owing]
    if not who:
        return []
    return [
        OrderError(
            "end_user_unpaid_balance",
            "end_user",
            f"{', '.join(who)} has an unpaid balance with CenturyLink: not processed until it is paid",
            "IV.2.3",
        )
    ]


def check(
    lsr: Lsr,
    on: dt.date,
    rel: Lifecycle,
    standing: Standing,
    terms: Terms,
    steps: Mapping[str, dt.date],
    lines: Mapping[str, LineState],
    unpaid: frozenset[str] = frozenset(),
) -> tuple[OrderError, ...]:
    """Every reason the LSR may not be accepted on `on` (empty: it passes the gate)."""
    errors = (
        _setup(lsr, on, rel, steps, terms)
        + _account(lsr, standing, terms)
        + _relationship(on, rel, standing, terms)
        + _fields(lsr, on, terms)
        + _entities_and_wtns(lsr, terms)
        + _restrictions(lsr, lines, terms)
        + _lines(lsr, lines)
        + _end_user(lsr, standing, unpaid)
    )
    return tuple(errors)
