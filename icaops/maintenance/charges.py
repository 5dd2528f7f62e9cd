"""The charge a completed dispatch incurs (V.2.5, V.2.5.1), as a priced event billing already
reads (VIII): `dispatch.no_fault` (or the Trip Charge, as the terms choose) or `dispatch.erroneous`.

Billing is not changed: the fold derives the event, billing prices it from its trigger."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..explain import Explained, Step
from ..money import CALC_CONTEXT, round_money
from ..relationship.events import Event
from ..terms.schema import Price, Term, Terms
from .model import Dispatch, DispatchCharge, Ticket

__all__ = ["TimeAndMaterials", "charge_for", "price_charge"]

_SITE = {
    "in": "a site on CenturyLink's premises (dispatch in)",
    "out": "a site outside CenturyLink's premises (dispatch out)",
}


@dataclass(frozen=True, slots=True)
class TimeAndMaterials:
    """Time and Materials CenturyLink determined for a dispatch (V.2.5.1)."""

    hours: Decimal
    hourly_rate: Decimal
    materials: Decimal = Decimal(0)

    def amount(self, terms: Terms) -> Decimal:
        """hours x rate + materials, rounded as money."""
        return round_money(CALC_CONTEXT.multiply(self.hours, self.hourly_rate) + self.materials, terms.money)

    def text(self, terms: Terms) -> str:
        """How the amount is made up."""
        return f"Time and Materials: {self.hours} h x ${self.hourly_rate} + ${self.materials} materials = ${self.amount(terms)}"


def _none(ticket: Ticket, dispatch: Dispatch, steps: list[Step]) -> DispatchCharge:
    return DispatchCharge(ticket.id, dispatch.id, "none", None, None, Explained("none", tuple(steps)))


def charge_for(
    ticket: Ticket, dispatch: Dispatch, terms: Terms, tariff_amount: Decimal | None, tm: TimeAndMaterials | None
) -> DispatchCharge:
    """What the completed `dispatch` of `ticket` incurs, with the steps and clauses behind it."""
    m = terms.maintenance
    steps = [Step(f"ticket {ticket.id}: Granite reported a customer trouble", "V.2.5")]
    if dispatch.request is None:
        steps.append(Step(f"dispatch {dispatch.id} was not requested by Granite: no charge", "V.2.5"))
        return _none(ticket, dispatch, steps)
    steps.append(
        Step(
            f"Granite requested a dispatch ({dispatch.request.event_id}) and CenturyLink dispatched a technician "
            f"to {_SITE[dispatch.location]} ({dispatch.id})",
            "V.2.5",
        )
    )
    if dispatch.erroneous:
        steps.append(
            Step(
                f"as the result of Granite's instructions the dispatch was erroneously requested to {_SITE[dispatch.location]}: "
                "charged per occurrence",
                "V.2.5",
            )
        )
        return price_charge(ticket, dispatch, terms, "dispatch.erroneous", steps, tariff_amount, tm)
    if dispatch.finding == "ilec_facility":
        steps.append(
            Step(
                "the trouble was caused by CenturyLink's facilities or equipment, in whole or in part: no charge",
                "V.2.5",
            )
        )
        return _none(ticket, dispatch, steps)
    if dispatch.finding == "customer_not_available":
        charged = m.customer_not_available_charged
        if not charged.value:
            steps.append(
                Step("the customer contact was not available at the appointed time: not charged", charged.clause)
            )
            return _none(ticket, dispatch, steps)
        steps.append(
            Step(
                "the customer contact Granite designated was not available at the appointed time: the charge applies",
                charged.clause,
            )
        )
    else:
        what = "no trouble was found" if dispatch.finding == "no_trouble_found" else "the trouble was on Granite's side"
        steps.append(Step(f"{what}: not caused by CenturyLink's facilities or equipment", "V.2.5"))
    event = m.no_fault_dispatch_event
    steps.append(Step(f"the charge for time associated with the dispatch is billed as {event.value}", event.clause))
    return price_charge(ticket, dispatch, terms, event.value, steps, tariff_amount, tm)


def _price(terms: Terms, event_type: str) -> tuple[str, Term[Price]] | None:
    return next(
        ((code, t) for code, t in terms.prices.items() if (t.value.trigger or {}).get("event") == event_type), None
    )


def price_charge(
    ticket: Ticket,
    dispatch: Dispatch,
    terms: Terms,
    event_type: str,
    steps: list[Step],
    tariff_amount: Decimal | None,
    tm: TimeAndMaterials | None,
) -> DispatchCharge:
    """The charge as the price list prices `event_type`: its amount, a tariff amount, Time and
    Materials (V.2.5.1), or pending until CenturyLink determines them."""
    found = _price(terms, event_type)
    if found is None:
        steps.append(Step(f"no price of Article VIII is triggered by {event_type}: no charge", "VIII"))
        return _none(ticket, dispatch, steps)
    code, term = found
    price = term.value
    data: dict[str, object] = {"account": ticket.account}
    if event_type == "dispatch.erroneous":
        data["direction"] = dispatch.location
    if price.basis != "per_tariff":
        amount = price.amount
        steps.append(Step(f"{price.description} ({code}): ${amount}", term.clause))
    elif tariff_amount is not None:
        amount = tariff_amount
        data["tariff_amount"] = str(amount)
        steps.append(
            Step(f"{price.description} ({code}): ${amount} from CenturyLink's local tariff or Price List", term.clause)
        )
    else:
        fallback = terms.maintenance.time_and_materials_fallback
        if not fallback.value:
            steps.append(
                Step(f"{price.description}: no charge is documented in the tariff or Price List", fallback.clause)
            )
            return _none(ticket, dispatch, steps)
        if tm is None:
            steps.append(
                Step(
                    "no charge is documented in the tariff or Price List: CenturyLink is to determine Time and Materials; pending",
                    fallback.clause,
                )
            )
            return DispatchCharge(
                ticket.id, dispatch.id, "pending", event_type, None, Explained("pending", tuple(steps))
            )
        amount = tm.amount(terms)
        data["tariff_amount"] = str(amount)
        data["reason"] = f"{tm.text(terms)} (V.2.5.1)"
        steps.append(Step(f"no charge documented in the tariff or Price List: {tm.text(terms)}", fallback.clause))
    billed = terms.maintenance.charges_billed_to
    steps.append(Step(f"billed to Granite's account {ticket.account}, not to its End User", billed.clause))
    assert dispatch.completed_at is not None
    day = dispatch.completed_at.date()  # the fold keeps moments in the agreement's time zone
    emitted = Event(
        id=f"{ticket.id}:{dispatch.id}:{event_type}",
        date=day,
        type=event_type,
        data=tuple(sorted(data.items())),
    )
    return DispatchCharge(
        ticket.id, dispatch.id, "charged", event_type, amount, Explained("charged", tuple(steps)), emitted
    )
