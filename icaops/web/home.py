"""Each party's home page: what it must do now (its obligations due soon or violated, from the
obligations engine), its open orders and tickets, and, for a CLEC, each account's standing
(balance, past due, deposit, treatment). Retail sales see none of it (IV.8.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..app.audit import customer_read
from ..app.billing import read_account_status
from ..app.errors import UserError
from ..app.gateway.reads import page
from ..app.obligations import obligations_seen_by
from ..maintenance.model import OPEN as TICKET_OPEN
from ..orders.model import OPEN
from .core import Portal, PortalDep, Session, SessionDep, render, tenants_of

__all__ = ["router"]

router = APIRouter()

SOON = dt.timedelta(days=14)
OPEN_TICKETS = TICKET_OPEN | {"resolved"}  # resolved: waiting for the CLEC to close it (V.2.6)


def _to_do(portal: Portal, session: Session) -> dict[str, Any]:
    actor = session.actor
    if not actor.may("obligations.read"):
        return {}
    parties = (actor.org_kind,) if actor.org_kind in ("ilec", "clec") else ("ilec", "clec")
    on = portal.today()
    shown = {}
    for party in parties:
        _, found = obligations_seen_by(portal.workspace(), actor, party, on, "open")
        urgent = [
            o
            for o in found
            if o.state in ("violated", "due_soon") or (o.due.value is not None and o.due.value <= on + SOON)
        ]
        shown[party] = sorted(urgent, key=lambda o: (o.state != "violated", o.due.value or dt.date.max))
    return shown


def _open(portal: Portal, session: Session, domain: str, field: str, states: frozenset[str]) -> list[Any]:
    tenants = tenants_of(session.actor, None)
    items = page(portal.engine, portal.agreement, domain, tenants, field, portal.today(), None, None, 200)
    shown = [(t, k, v) for t, k, v in items if v.status in states][:20]
    kind = {"orders": "productOrder", "tickets": "troubleTicket"}.get(domain, domain)
    customer_read(portal.engine, session.actor, kind, [f"{t}/{k}" for t, k, _ in shown])  # VI.8.3.2
    return [v for _, _, v in shown]


def _standing(portal: Portal, session: Session) -> dict[str, Any]:
    actor = session.actor
    if actor.org_kind != "clec" or not actor.may("bills.read"):
        return {}
    found = {}
    for account in sorted(actor.accounts):
        try:
            found[account] = read_account_status(portal.workspace(), account, portal.today(), actor=actor.email)
        except UserError:  # an account not yet opened in the log has no standing
            continue
    return found


@router.get("/")
def home(request: Request, portal: PortalDep, session: SessionDep) -> Response:
    """What the signed-in party must do now, its open orders and tickets, its accounts' standing."""
    actor = session.actor
    orders = _open(portal, session, "orders", "orders", OPEN) if actor.may("orders.read") else []
    tickets = _open(portal, session, "tickets", "tickets", OPEN_TICKETS) if actor.may("tickets.read") else []
    return render(
        request, "home.html", session, obligations=_to_do(portal, session), orders=orders, tickets=tickets,
        standing=_standing(portal, session),
    )  # fmt: skip
