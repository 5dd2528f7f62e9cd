"""obligations: who must do what, by when, under which clause, and what follows if they do not
(docs/obligations.md) — per party, as of a date, tenant-isolated: a CLEC sees the obligations of
its own accounts and those of the relationship it is party to, never another CLEC's
(III.29.1.1); CenturyLink's retail sales see none (IV.8.5). Also as an iCalendar feed (RFC 5545).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Query, Response

from ..app.audit import audit
from ..app.errors import UserError
from ..app.identity import authorise
from ..app.obligations import Role, ical_feed, obligations_seen_by
from ..app.workspace import Workspace
from ..identity.model import Actor
from ..obligations import Obligation
from .deps import ActorDep, Gateway, GatewayDep
from .views import explained, plain

__all__ = ["obligation_view", "router"]

router = APIRouter(tags=["obligations"])

Party = Literal["ilec", "clec"]
T = TypeVar("T")

PARTY_DOC = "whose obligations: ilec or clec (default: the caller's side)"
AS_OF_DOC = "the day the states are computed for (default: today, Central time)"
ROLE_DOC = "owes: what the party owes (default); owed: what is owed to it; both"


def obligation_view(o: Obligation) -> dict[str, Any]:
    """An obligation as the API shows it: the parties, the clause, the due date with the steps
    that explain it, the state (and why), and the consequences of a violation."""
    return {
        "id": o.id,
        "rule": o.rule,
        "nature": o.nature,
        "debtor": {"party": o.debtor.party, "account": o.debtor.account},
        "creditor": {"party": o.creditor.party, "account": o.creditor.account},
        "clause": o.clause,
        "owed": o.owed,
        "trigger": o.trigger,
        "dueDate": explained(o.due),
        "state": o.state,
        "asOf": o.as_of.isoformat(),
        "fulfilledBy": o.fulfilled_by,
        "fulfilledOn": plain(o.fulfilled_on),
        "violatedSince": plain(o.violated_since),
        "waivedBy": o.waived_by,
        "suspendedBy": o.suspended_by,
        "amount": plain(o.amount),
        "consequences": [
            {
                "kind": c.kind,
                "text": c.text,
                "clause": c.clause,
                "availableFrom": explained(c.available_from) if c.available_from is not None else None,
            }
            for c in o.consequences
        ],
        "why": explained(o.why) if o.why is not None else None,
    }


def _party(actor: Actor, party: Party | None) -> Party:
    if party is not None:
        return party
    if actor.org_kind in ("ilec", "clec"):
        return actor.org_kind
    raise UserError("party: expected ilec or clec (an auditor names the party)", field="party")


def _accounts(actor: Actor) -> frozenset[str] | None:
    """The accounts whose obligations a CLEC's user sees (None: every account)."""
    return actor.accounts if actor.org_kind == "clec" else None


def _api_fields(call: Callable[[], T]) -> T:
    """Run an app function whose errors name command-line options (`--state`): name the query's."""
    try:
        return call()
    except UserError as exc:
        field = exc.field.removeprefix("--") if exc.field else None
        message = exc.message.replace(f"--{field} ", f"{field} ", 1) if field else exc.message
        raise UserError(message, code=exc.code, field=field, details=exc.details) from None


def _audit(gw: Gateway, actor: Actor, what: str, party: str, detail: dict[str, Any]) -> None:
    # Obligations show amounts billed to accounts (customer information: VI.8.3.2, docs/cpni.md).
    audit(
        gw.engine,
        what,
        f"obligations/{party}",
        {"organisation": actor.org_id, "role": actor.role, **detail},
        actor=actor.user_id,
    )


@router.get(
    "/obligations",
    summary="A party's obligations as of a date: clause, explained due date, state, consequences "
    "(a CLEC sees its own accounts' and the relationship's)",
)
def list_obligations(
    gw: GatewayDep,
    actor: ActorDep,
    party: Annotated[Party | None, Query(description=PARTY_DOC)] = None,
    asOf: Annotated[dt.date | None, Query(description=AS_OF_DOC)] = None,
    state: Annotated[
        str | None, Query(max_length=200, description="a state, several comma-separated, open, or all (default)")
    ] = None,
    account: Annotated[str | None, Query(max_length=64)] = None,
    role: Annotated[Role, Query(description=ROLE_DOC)] = "owes",
) -> dict[str, Any]:
    on = asOf or gw.today()
    ws = Workspace(gw.agreement, gw.engine)
    who, found = _api_fields(lambda: obligations_seen_by(ws, actor, party, on, state, account, role))
    return {"party": who, "asOf": on.isoformat(), "role": role, "items": [obligation_view(o) for o in found]}


@router.get(
    "/obligations.ics",
    summary="A party's obligations as an iCalendar feed (RFC 5545): one all-day event per due date",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "the calendar"}},
)
def obligations_calendar(
    gw: GatewayDep,
    actor: ActorDep,
    party: Annotated[Party | None, Query(description=PARTY_DOC)] = None,
    asOf: Annotated[dt.date | None, Query(description=AS_OF_DOC)] = None,
    role: Annotated[Role, Query(description=ROLE_DOC)] = "owes",
) -> Response:
    authorise(actor, "obligations.read")
    who, on = _party(actor, party), asOf or gw.today()
    events = Workspace(gw.agreement, gw.engine).events()
    feed = ical_feed(events, who, on, stamp=gw.now(), agreement=gw.agreement, role=role, accounts=_accounts(actor))
    _audit(gw, actor, "obligations.calendar.read", who, {"as_of": on})
    return Response(feed, media_type="text/calendar; charset=utf-8")
