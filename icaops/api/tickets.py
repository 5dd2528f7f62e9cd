"""troubleTicket (TM Forum TMF621 shaped): trouble reports from the CLEC to CenturyLink's single
point of contact, worked by CenturyLink (Article V). Every event's `at` is the server's clock in
the agreement's time zone; the body never sets it. Ages, escalation levels and the charges of
each dispatch are the maintenance domain's (icaops/maintenance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.gateway.reads import fetch, page
from ..app.gateway.requests import TICKET_ACTIONS, escalation_permission, ilec_procedures, party_of, ticket_moment
from ..app.identity import authorise
from ..identity.model import Actor
from ..maintenance import event_schemas as schemas
from ..maintenance.aging import age_business_days, age_hours, level_due
from ..maintenance.model import DispatchCharge, Ticket
from ..terms.loader import Agreement
from ..terms.schema import Terms
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused
from .lifecycle import Filled, action_routes, perform, refused_body
from .views import explained, plain, refusals

__all__ = ["router", "ticket_payload", "ticket_view"]

router = APIRouter(tags=["troubleTicket"])


def _now_at(gw: Gateway, actor: Actor) -> Mapping[str, Any]:
    return ticket_moment(gw.agreement, gw.now())


AT = Filled(("at",), _now_at)
"""Every ticket event's time is the server's, in the agreement's time zone (II.2.10)."""

TicketBody = body_of(schemas.TicketReported, "TroubleTicketCreate", drop=AT.fields)
ProceduresBody = body_of(schemas.ProceduresPublished, "EscalationProceduresCreate", drop=("by",))


def ticket_view(
    ticket: Ticket, rest: Mapping[str, Any], at: dt.datetime, terms: Terms, errors: tuple[Any, ...] = ()
) -> dict[str, Any]:
    """A ticket as the API shows it, aged as of `at`: its age, the escalation level it reached
    under CenturyLink's procedures (V.3.1), its dispatches and the charges they incurred (V.2.5)."""
    procedures = ilec_procedures(tuple(rest.get("procedures", ())), at.date())
    charges: list[DispatchCharge] = [c for c in rest.get("charges", ()) if c.ticket == ticket.id]
    return {
        "id": f"{ticket.account}/{ticket.id}",
        "href": f"/troubleTicket/{ticket.account}/{ticket.id}",
        "externalId": ticket.id,
        "account": ticket.account,
        "status": ticket.status,
        "wtn": ticket.wtn,
        "description": ticket.trouble,
        "isolation": ticket.isolation,
        "priority": f"TSP {ticket.tsp_priority}" if ticket.tsp_priority else "routine",
        "reportedAt": ticket.reported_at.isoformat(),
        "receivedAt": ticket.received_at.isoformat(),
        "resolvedAt": ticket.resolved_at.isoformat() if ticket.resolved_at else None,
        "endedAt": ticket.ended_at.isoformat() if ticket.ended_at else None,
        "cause": ticket.cause,
        "age": {
            "asOf": at.isoformat(),
            "hours": explained(age_hours(ticket, at, terms)),
            "businessDays": explained(age_business_days(ticket, at, terms)),
        },
        "escalation": {
            "levelDue": explained(level_due(ticket, procedures, at, terms)),
            "escalatedTo": [{"level": lv, "at": when.isoformat()} for lv, when in ticket.escalations],
        },
        "dispatchRequest": plain(ticket.request),
        "dispatches": [plain(d) for d in ticket.dispatches],
        "charges": [_charge(c) for c in charges],
        "statusChangeHistory": [{"at": at_.isoformat(), "status": s, "event": e} for at_, s, e in ticket.history],
        "errors": refusals(errors),
    }


def _charge(c: DispatchCharge) -> dict[str, Any]:
    return {
        "dispatch": c.dispatch,
        "status": c.status,
        "eventType": c.event_type,
        "amount": plain(c.amount),
        "billedEvent": c.emitted.id if c.emitted is not None else None,
        "explanation": explained(c.explained),
    }


def _rest(state: Any) -> Mapping[str, Any]:
    return {"procedures": state.procedures, "charges": state.charges}


def ticket_payload(agreement: Agreement) -> Callable[[Outcome], Mapping[str, Any] | None]:
    """The ticket an outcome left, as the API answers it (the payload of its webhook events)."""

    def view(outcome: Outcome) -> Mapping[str, Any] | None:
        ticket = outcome.state.tickets.get(str(outcome.event.get("ticket")))
        if ticket is None:
            return None
        terms = agreement.terms_at(outcome.event.date)
        return ticket_view(ticket, _rest(outcome.state), outcome.recorded_at, terms, outcome.refusals)

    return view


def _view(created: bool) -> Any:
    def view(gw: Gateway, outcome: Outcome, account: str, tid: str) -> tuple[int, Mapping[str, Any]]:
        if not outcome.kept:
            return 422, refused_body(outcome)
        ticket = outcome.state.tickets.get(tid)
        if ticket is None:  # a kept ticket event always leaves its ticket
            raise UserError(f"troubleTicket {account}/{tid}: not found", code="not_found")
        terms = gw.agreement.terms_at(outcome.event.date)
        body = ticket_view(ticket, _rest(outcome.state), outcome.recorded_at, terms, outcome.refusals)
        return (201 if created else 200), body

    return view


@router.post(
    "/troubleTicket",
    status_code=201,
    summary="Report a trouble to CenturyLink's SPOC (V.2.1, V.2.2); without trouble isolation attested the "
    "ticket is kept `rejected` with its reason (V.2.4)",
    responses={422: refused("invalid, or refused with its clause")},
    openapi_extra=documented(TicketBody),
)
def open_ticket(
    body: Annotated[BaseModel, Depends(json_body(TicketBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    data = {**body.model_dump(mode="json", exclude_none=True), **AT.values(gw, actor)}
    account, tid = str(data["account"]), str(data["ticket"])
    authorise(actor, "tickets.open", account)
    view = _view(created=True)
    return perform(
        gw, actor, request, account, "ticket.reported", data, f"troubleTicket/{account}/{tid}",
        lambda o: view(gw, o, account, tid), idempotency_key, body,
    )  # fmt: skip


@router.get("/troubleTicket", summary="List tickets (a CLEC sees its own), by account and status, paged")
def list_tickets(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    authorise(actor, "tickets.read", account)
    tenants = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    on = gw.today()
    items = page(gw.engine, gw.agreement, "tickets", tenants, "tickets", on, status, cursor_after(paging), paging.limit)
    rests = {t: _stored_rest(gw, t, on) for t in {t for t, _, _ in items}}
    terms, now = gw.agreement.terms_at(on), gw.now()
    customer_read(gw.engine, actor, "troubleTicket", [f"{t}/{k}" for t, k, _ in items])  # end users' lines (VI.8.3.2)
    return {
        "items": [ticket_view(v, rests[t], now, terms) for t, _, v in items],
        "nextCursor": next_cursor(items, paging),
    }


def _stored_rest(gw: Gateway, account: str, on: dt.date) -> Mapping[str, Any]:
    rest = fetch(gw.engine, gw.agreement, "tickets", account, "", "", on)
    return rest if rest is not None else {}


@router.get(
    "/troubleTicket/{account}/{ticket}",
    summary="One ticket with its age, escalation level due, dispatches and their charges",
)
def get_ticket(account: str, ticket: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "tickets.read", account)
    on = gw.today()
    found = fetch(gw.engine, gw.agreement, "tickets", account, "tickets", ticket, on)
    if found is None:
        raise UserError(f"troubleTicket {account}/{ticket}: not found", code="not_found", field="ticket")
    customer_read(gw.engine, actor, "troubleTicket", [f"{account}/{ticket}"])  # the end user's line (VI.8.3.2)
    return ticket_view(found, _stored_rest(gw, account, on), gw.now(), gw.agreement.terms_at(on))


def _procedures_view(gw: Gateway, outcome: Outcome, account: str) -> tuple[int, Mapping[str, Any]]:
    if not outcome.kept:
        return 422, refused_body(outcome)
    mine = outcome.state.procedures[-1]
    return 201, {"account": account, **plain(mine)}


@router.post(
    "/escalationProcedures/{account}",
    status_code=201,
    summary="Publish written escalation procedures to a CLEC: CenturyLink's (V.3.1) or, by the CLEC, its own (V.3.2)",
    responses={422: refused("invalid, or refused with its clause")},
    openapi_extra=documented(ProceduresBody),
)
def publish_procedures(
    account: str,
    body: Annotated[BaseModel, Depends(json_body(ProceduresBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    by = party_of(actor)
    authorise(actor, escalation_permission(actor), account)
    data = {**body.model_dump(mode="json", exclude_none=True), "by": by}
    return perform(
        gw, actor, request, account, "escalation.procedures_published", data, f"escalationProcedures/{account}/{by}",
        lambda o: _procedures_view(gw, o, account), idempotency_key, body,
    )  # fmt: skip


@router.get("/escalationProcedures/{account}", summary="The escalation procedures published to a CLEC (V.3)")
def get_procedures(account: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "tickets.read", account)
    rest = _stored_rest(gw, account, gw.today())
    return {"account": account, "items": [plain(p) for p in rest.get("procedures", ())]}


action_routes(router, "/troubleTicket", "ticket", TICKET_ACTIONS, _view(created=False), "troubleTicket", AT)
