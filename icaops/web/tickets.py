"""Trouble tickets (Article V): the list by state, a ticket with its history, dispatches and their
charges, opening one (trouble isolation attested, V.2.4), and each party's actions: CenturyLink
dispatches, resolves...; the CLEC asks for a dispatch, closes or escalates. Every event's time is
the server's clock (II.2.10), never the form's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.reads import fetch, page
from ..app.gateway.requests import (
    TICKET_ACTIONS,
    ActionSpec,
    body_of,
    escalation_permission,
    ilec_procedures,
    party_of,
    ticket_moment,
)
from ..app.identity import authorise
from ..maintenance import event_schemas as schemas
from ..maintenance.aging import level_due
from ..maintenance.model import Ticket
from .actions import Done, perform
from .core import (
    PAGE_SIZE,
    Portal,
    PortalDep,
    Posted,
    PostedDep,
    Session,
    SessionDep,
    after_of,
    cursor_of,
    render,
    tenants_of,
)
from .forms import FormProblem, form_fields, parse_form

__all__ = ["router"]

router = APIRouter()

STATES = ("inProgress", "pending", "held", "resolved", "closed", "cancelled", "rejected")
TicketForm = body_of(schemas.TicketReported, "PortalTicket", drop=("at", "by"))
ProceduresForm = body_of(schemas.ProceduresPublished, "PortalProcedures", drop=("by",))
LEVEL_PARTS = ("level", "contact", "after_hours", "after_business_days")
ACTION_FORMS: Mapping[str, tuple[ActionSpec, type[BaseModel]]] = {
    spec.name: (spec, body_of(spec.schema, f"Portal{spec.schema.__name__}", drop=("account", "ticket", "at")))
    for spec in TICKET_ACTIONS
}


def _scale(portal: Portal) -> int:
    return int(portal.agreement.terms.money.scale.value)


@router.get("/tickets")
def list_tickets(
    request: Request,
    portal: PortalDep,
    session: SessionDep,
    state: Annotated[str, Query(max_length=32)] = "",
    account: Annotated[str, Query(max_length=40)] = "",
    cursor: Annotated[str, Query(max_length=600)] = "",
) -> Response:
    """Trouble tickets by state and account (a CLEC sees its own)."""
    authorise(session.actor, "tickets.read", account or None)
    items = page(
        portal.engine, portal.agreement, "tickets", tenants_of(session.actor, account), "tickets", portal.today(),
        state or None, after_of(cursor), PAGE_SIZE,
    )  # fmt: skip
    customer_read(portal.engine, session.actor, "troubleTicket", [f"{t}/{k}" for t, k, _ in items])  # VI.8.3.2
    return render(
        request, "tickets.html", session, tickets=[v for _, _, v in items], states=STATES, state=state,
        account=account, next_cursor=cursor_of(items), **_procedures(portal, session, account),
    )  # fmt: skip


def _procedures(portal: Portal, session: Session, account: str, **more: Any) -> dict[str, Any]:
    """The escalation procedures published to the account shown (V.3.1 CenturyLink's, V.3.2 the
    CLEC's) and whether the actor may publish its party's."""
    shown = account or (sorted(session.actor.accounts)[0] if session.actor.org_kind == "clec" else "")
    rest = fetch(portal.engine, portal.agreement, "tickets", shown, "", "", portal.today()) if shown else None
    return {
        "procedures_account": shown,
        "procedures": tuple((rest or {}).get("procedures", ())),
        "may_publish": bool(shown) and session.actor.may(escalation_permission(session.actor)),
        "party": party_of(session.actor),
        "levels_text": more.get("levels_text", ""),
        "procedure_problems": more.get("problems", ()),
        "procedure_refusals": more.get("refusals", ()),
    }


def _levels(text: str) -> list[dict[str, Any]]:
    """Escalation levels from one line each: `level | contact | after hours | after Business Days`."""
    levels = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        level: dict[str, Any] = {}
        for name, value in zip(LEVEL_PARTS, parts, strict=False):
            if value:
                level[name] = int(value) if name != "contact" and value.isdigit() else value
        levels.append(level)
    return levels


@router.post("/tickets/procedures")
def publish_procedures(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Publish the signed-in party's written escalation procedures to a CLEC account: CenturyLink's
    (V.3.1) or the CLEC's own (V.3.2), as the API's POST /escalationProcedures/{account}."""
    account = posted.get("account")
    permission = escalation_permission(posted.actor)
    authorise(posted.actor, permission, account or None)
    if not account:
        raise UserError("account: expected the CLEC account the procedures are published to", field="account")
    text = posted.get("levels")
    try:
        body = ProceduresForm.model_validate({"levels": _levels(text)})
    except ValidationError as exc:
        problems = tuple(FormProblem(".".join(str(p) for p in e["loc"]) or "form", str(e["msg"])) for e in exc.errors())
        return _procedures_refused(request, portal, posted, account, text, problems=problems)
    authorise(posted.actor, permission, account)
    data = {**body.model_dump(mode="json", exclude_none=True), "by": party_of(posted.actor)}  # who signs in
    done = perform(
        portal, posted, "/tickets/procedures", account, "escalation.procedures_published", data,
        f"escalationProcedures/{account}/{data['by']}",
    )  # fmt: skip
    if done.refused:
        return _procedures_refused(request, portal, posted, account, text, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/tickets?account={account}", status_code=303)


def _procedures_refused(
    request: Request, portal: Portal, posted: Posted, account: str, text: str, **more: Any
) -> Response:
    return render(
        request, "tickets.html", posted.session, status=422, tickets=[], states=STATES, state="", account=account,
        next_cursor=None, **_procedures(portal, posted.session, account, levels_text=text, **more),
    )  # fmt: skip


def _new_form(
    request: Request, session: Session, values: Mapping[str, Any], status: int = 200, **more: Any
) -> Response:
    return render(
        request, "ticket_new.html", session, status=status,
        fields=form_fields(TicketForm, values, hidden=frozenset({"account"})), accounts=sorted(session.actor.accounts),
        account=values.get("account", ""), problems=more.get("problems", ()), refusals=more.get("refusals", ()),
    )  # fmt: skip


@router.get("/tickets/new")
def new_ticket(request: Request, session: SessionDep) -> Response:
    """The trouble report form (V.2.1, V.2.2), with the trouble isolation attestation (V.2.4)."""
    authorise(session.actor, "tickets.open")
    return _new_form(request, session, {})


@router.post("/tickets")
def open_ticket(request: Request, portal: PortalDep, posted: PostedDep) -> Response:
    """Report a trouble; without isolation attested it is kept `rejected` with its reason (V.2.4)."""
    authorise(posted.actor, "tickets.open", posted.get("account") or None)
    data, problems = parse_form(TicketForm, posted.form, _scale(portal))
    if data is None:
        return _new_form(request, posted.session, posted.form, 422, problems=problems)
    account, tid = str(data["account"]), str(data["ticket"])
    authorise(posted.actor, "tickets.open", account)
    data = {**data, **ticket_moment(portal.agreement, portal.now())}
    done = perform(portal, posted, "/tickets", account, "ticket.reported", data, f"troubleTicket/{account}/{tid}")
    if not done.kept:
        return _new_form(request, posted.session, posted.form, 422, refusals=done.refusals)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/tickets/{account}/{tid}?done=reported", status_code=303)


def _ticket(portal: Portal, session: Session, account: str, tid: str) -> tuple[Ticket, Mapping[str, Any]]:
    authorise(session.actor, "tickets.read", account)
    on = portal.today()
    ticket = fetch(portal.engine, portal.agreement, "tickets", account, "tickets", tid, on)
    if ticket is None:
        raise UserError(f"ticket {account}/{tid}: not found", code="not_found", field="ticket")
    rest = fetch(portal.engine, portal.agreement, "tickets", account, "", "", on) or {}
    customer_read(portal.engine, session.actor, "troubleTicket", [f"{account}/{tid}"])  # the End User's line (VI.8.3.2)
    return ticket, rest


def _detail(
    request: Request,
    portal: Portal,
    session: Session,
    found: tuple[Ticket, Mapping[str, Any]],
    status: int = 200,
    failed: str = "",
    problems: tuple[FormProblem, ...] = (),
    done: Done | None = None,
    values: Mapping[str, Any] | None = None,
) -> Response:
    ticket, rest = found
    actions = [
        (spec, form_fields(model, values if spec.name == failed else None))
        for spec, model in ACTION_FORMS.values()
        if session.actor.may(spec.permission)
    ]
    charges = [c for c in rest.get("charges", ()) if c.ticket == ticket.id]
    now = portal.now()
    procedures = ilec_procedures(rest.get("procedures", ()), portal.today())
    due = level_due(ticket, procedures, now, portal.agreement.terms_at(portal.today()))
    return render(
        request, "ticket.html", session, status=status, ticket=ticket, charges=charges, actions=actions,
        failed=failed, problems=problems, refusals=done.refusals if done else (),
        done_name=request.query_params.get("done", ""), level_due=due, procedures=procedures,
    )  # fmt: skip


@router.get("/tickets/{account}/{tid}")
def show_ticket(account: str, tid: str, request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """A ticket: its state, history, dispatches and their charges, and the actions the actor may take."""
    return _detail(request, portal, session, _ticket(portal, session, account, tid))


@router.post("/tickets/{account}/{tid}/{action}")
def ticket_action(
    account: str, tid: str, action: str, request: Request, portal: PortalDep, posted: PostedDep
) -> Response:
    """One action on a ticket (the API's POST /troubleTicket/{account}/{ticket}/{action})."""
    if action not in ACTION_FORMS:
        raise UserError(f"ticket action {action!r}: not found", code="not_found")
    spec, model = ACTION_FORMS[action]
    authorise(posted.actor, spec.permission, account)
    found = _ticket(portal, posted.session, account, tid)
    data, problems = parse_form(model, posted.form, _scale(portal))
    if data is None:
        return _detail(request, portal, posted.session, found, 422, action, problems, values=posted.form)
    data = {**data, **ticket_moment(portal.agreement, portal.now()), "ticket": tid}
    path = f"/tickets/{account}/{tid}/{action}"
    done = perform(portal, posted, path, account, spec.event_type, data, f"troubleTicket/{account}/{tid}")
    if done.refused:
        found = _ticket(portal, posted.session, account, tid)
        return _detail(request, portal, posted.session, found, 422, action, done=done, values=posted.form)
    base = request.scope.get("root_path", "")
    return RedirectResponse(f"{base}/tickets/{account}/{tid}?done={action}", status_code=303)
