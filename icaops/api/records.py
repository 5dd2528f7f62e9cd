"""Customer records under the CPNI rules (II.2.26, III.29, VI.8): the CLEC's Blanket Letter of
Authorization, its End Users' authorisations, Customer Service Record inquiries, Data Validation
Files, and the access log CenturyLink and an auditor may produce (VI.8.4.4).

A CSR inquiry the agreement refuses (no Blanket LOA on file, no End User authorisation in force)
is kept in the log and the audit log with its reason, and answered like every refusal of the
gateway: 422 with code `refused`, the domain's code, field and clause, and `kept: true`.
CenturyLink's retail sales never reach any of it (IV.8.5): their role has none of these
permissions (icaops/identity/roles.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..app.audit import customer_read
from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.gateway.cpni import accesses_page, cpni_state
from ..app.gateway.requests import customer_record
from ..app.identity import authorise
from ..calendar.deadlines import Deadlines
from ..cpni import event_schemas as schemas
from ..cpni.model import Access
from ..cpni.queries import QUERIES
from ..identity.model import Actor
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused
from .lifecycle import AccountRoute, Filled, account_routes, perform, refused_body
from .views import explained, plain

__all__ = ["router"]

router = APIRouter(tags=["customerRecords"])


def _state(gw: Gateway, account: str) -> Mapping[str, Any]:
    """The account's CPNI facts (the projection keeps them in one row)."""
    return cpni_state(gw.engine, gw.agreement, account, gw.today())


def _loa_view(gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]) -> tuple[int, Mapping[str, Any]]:
    if outcome.refusals:
        return 422, refused_body(outcome)
    # Filing an LOA already on file changes nothing and is not recorded again: the answer is the same.
    on = outcome.event.date
    state = outcome.state
    created = outcome.kept and outcome.event.type == "cpni.blanket_loa_filed"
    return (201 if created else 200), {
        "account": account,
        "onFile": state.loa_on_file(account, on),
        "periods": [plain(p) for p in state.loas if p.account == account],
        "event": outcome.event.id if outcome.kept else None,
    }


def _authorization_view(
    gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]
) -> tuple[int, Mapping[str, Any]]:
    if not outcome.kept or outcome.refusals:
        return 422, refused_body(outcome)
    ref = str(data.get("refers_to") or outcome.event.id)
    auth = outcome.state.authorizations[ref]
    return (201 if "refers_to" not in data else 200), _auth(auth)


def _auth(auth: Any) -> dict[str, Any]:
    return {
        "id": auth.id,
        "href": f"/cpniAuthorization/{auth.account}/{auth.id}",
        "account": auth.account,
        "wtn": auth.wtn,
        "scope": auth.scope,
        "recordedOn": auth.recorded_on.isoformat(),
        "withdrawnOn": auth.withdrawn_on.isoformat() if auth.withdrawn_on else None,
    }


def _dvf_view(gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]) -> tuple[int, Mapping[str, Any]]:
    if not outcome.kept or outcome.refusals:
        return 422, refused_body(outcome)
    on = outcome.event.date
    remaining = QUERIES["dvf_remaining"](outcome.state, account, on, Deadlines(gw.agreement.terms_at(on)))
    return 201, {
        "id": outcome.event.id,
        "account": account,
        "file": data["file"],
        "requestedOn": on.isoformat(),
        "remainingThisQuarter": explained(remaining),
    }


def _actor_of(gw: Gateway, actor: Actor) -> Mapping[str, Any]:
    return {"actor": actor.user_id}


BY_ACTOR = Filled(("actor",), _actor_of)
"""Who searched is the signed-in user, for the access record (VI.8.3.2); the body never says."""


def _record_of(gw: Gateway, account: str, wtn: str) -> dict[str, Any]:
    """The Customer Service Record of `wtn` for `account` as the API shows it."""
    found = customer_record(gw.engine, gw.agreement, account, wtn, gw.today())
    return {
        "wtn": wtn,
        "line": plain(found.line),
        "order": None
        if found.order_pon is None
        else {"pon": found.order_pon, "href": f"/productOrder/{account}/{found.order_pon}"},
        "endUser": None if found.end_user is None else dict(found.end_user),
        "listing": plain(found.listing),
    }


def _csr_view(record: Mapping[str, Any]) -> Any:
    def view(gw: Gateway, outcome: Outcome, account: str, data: Mapping[str, Any]) -> tuple[int, Mapping[str, Any]]:
        if not outcome.kept or outcome.refusals:
            return 422, refused_body(outcome)
        return 201, {
            "id": outcome.event.id,
            "account": account,
            "wtn": data["wtn"],
            "channel": data["channel"],
            "authorization": data.get("authorization"),
            "charge": next((e.id for e in outcome.emitted if e.type == "csr.searched"), None),
            "customerServiceRecord": record,
        }

    return view


CPNI_ROUTES = (
    AccountRoute("/blanketLoa", "cpni.blanket_loa_filed", "cpni.loa", schemas.BlanketLoaFiled, "File the CLEC's Blanket Letter of Authorization (VI.8.4.1, III.29.1)", _loa_view, "blanketLoa"),
    AccountRoute("/blanketLoa/withdraw", "cpni.blanket_loa_withdrawn", "cpni.loa", schemas.BlanketLoaWithdrawn, "Withdraw the Blanket LOA: CSR searches stop (VI.8.4.1)", _loa_view, "blanketLoa", status_code=200),
    AccountRoute("/cpniAuthorization", "cpni.authorization_recorded", "csr.search", schemas.AuthorizationRecorded, "Record an End User's authorisation, kept on the CLEC's records (VI.8.4.2); its id is the authorisation reference", _authorization_view, "cpniAuthorization", key="wtn"),
    AccountRoute("/cpniAuthorization/withdraw", "cpni.authorization_withdrawn", "csr.search", schemas.AuthorizationWithdrawn, "The End User withdrew an authorisation (VI.8.4.2)", _authorization_view, "cpniAuthorization", key="refers_to", status_code=200),
    AccountRoute("/dataValidationFile", "dvf.requested", "dvf.request", schemas.DvfRequested, "Request a Data Validation File (VI.8.5.1), at most as often as VI.8.5.2 allows", _dvf_view, "dataValidationFile", key="file"),
)  # fmt: skip

account_routes(router, CPNI_ROUTES)


CsrBody = body_of(schemas.CsrRequested, "CsrInquiryCreate", drop=BY_ACTOR.fields)


@router.post(
    "/csrInquiry",
    status_code=201,
    summary="Customer Service Record search: needs the Blanket LOA on file (VI.8.4.1) and the End User's "
    "authorisation in force (II.2.26, VI.8.4.2); priced by channel (VIII); every read audited with its "
    "authorisation (VI.8.3.2). A refused search is kept with its reason: 422 `refused`, `kept: true`",
    responses={422: refused("invalid, or refused with its reason and clause")},
    openapi_extra=documented(CsrBody),
)
def csr_inquiry(
    body: Annotated[BaseModel, Depends(json_body(CsrBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    data = {**body.model_dump(mode="json", exclude_none=True), **BY_ACTOR.values(gw, actor)}
    account, wtn = str(data["account"]), str(data["wtn"])
    authorise(actor, "csr.search", account)
    # Looked up before the search is recorded; disclosed only if the domain grants it.
    record = _record_of(gw, account, wtn)
    view = _csr_view(record)
    return perform(
        gw, actor, request, account, "csr.requested", data, f"csrInquiry/{account}/{wtn}",
        lambda o: view(gw, o, account, data), idempotency_key, body,
        authorization=str(data["authorization"]) if data.get("authorization") else None,
    )  # fmt: skip


@router.get("/cpniAuthorization/{account}/{ref}", summary="One End User authorisation (VI.8.4.2)")
def get_authorization(account: str, ref: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "csr.read", account)
    auth = _state(gw, account).get("authorizations", {}).get(ref)
    if auth is None or auth.account != account:
        raise UserError(f"cpniAuthorization {account}/{ref}: not found", code="not_found", field="ref")
    # the end user's authorisation: who, for which line (VI.8.4.2); its own reference is the authorisation
    customer_read(gw.engine, actor, "cpniAuthorization", [f"{account}/{ref}"], authorization=ref)
    return _auth(auth)


@router.get("/blanketLoa/{account}", summary="Whether the CLEC's Blanket LOA is on file (VI.8.4.1)")
def get_loa(account: str, gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "csr.read", account)
    loas = [p for p in _state(gw, account).get("loas", ()) if p.account == account]
    on = gw.today()
    return {"account": account, "onFile": any(p.covers(on) for p in loas), "periods": [plain(p) for p in loas]}


def _access(a: Access) -> dict[str, Any]:
    return {
        "id": a.event_id,
        "date": a.on.isoformat(),
        "account": a.account,
        "wtn": a.wtn or None,
        "actor": a.actor,
        "role": a.role,
        "organisation": a.organisation,
        "kind": a.kind,
        "authorization": a.authorization,
        "blanketLoaOnFile": a.blanket_loa,
        "granted": a.granted,
        "refusal": a.code,
    }


@router.get(
    "/cpniAccess",
    summary="Every access to a CLEC's customer information with its authorisation (VI.8.3.2, VI.8.4.4); "
    "CenturyLink wholesale operations and the auditor only",
)
def list_accesses(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[dt.date | None, Query(description="accesses on or after this date")] = None,
) -> dict[str, Any]:
    items = accesses_page(
        gw.engine, gw.agreement, actor, gw.today(), account, since, cursor_after(paging), paging.limit
    )
    return {"items": [_access(a) for _, _, a in items], "nextCursor": next_cursor(items, paging)}
