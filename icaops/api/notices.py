"""notice (III.34): a written notice given through the system about a CLEC account, by the CLEC
(its admin) or CenturyLink, recorded as the relationship's `notice.given`. The method is the
giver's; the day the notice counts as received is the relationship's answer (III.34.1), shown
with its explanation. A CLEC sees only the notices of its own accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, create_model

from ..app.errors import UserError
from ..app.gateway.actions import Outcome
from ..app.gateway.notices import NOTICE, cited_refusals, find_notice, notices_page, relationship_today
from ..app.gateway.requests import party_of
from ..app.identity import authorise
from ..relationship import event_schemas as schemas
from ..relationship.lifecycle import Notice
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, PageDep, cursor_after, next_cursor
from .errors import refused
from .lifecycle import perform, refused_body
from .views import explained, plain

__all__ = ["router"]

router = APIRouter(tags=["notice"])

_Given = body_of(schemas.NoticeGiven, "NoticeFields", drop=("by",))
NoticeBody: type[BaseModel] = create_model(
    "NoticeCreate",
    __base__=_Given,
    __doc__="A written notice (III.34) about one CLEC account: its kind, how it is sent, and the receipt date "
    "for methods that count from it; `by` is the giver's organisation.",
    account=(str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")),
)


def notice_view(account: str, notice: Notice) -> dict[str, Any]:
    """A notice as the API shows it, with the day it counts as received explained (III.34.1)."""
    data = dict(notice.data)
    return {
        "id": notice.id,
        "href": f"/notice/{notice.id}",
        "account": account,
        "kind": notice.kind,
        "by": notice.by,
        "method": notice.method,
        "sentOn": notice.sent_on.isoformat(),
        "receiptDate": plain(data.get("receipt_date")),
        "received": explained(notice.received),
        "refersTo": data.get("refers_to"),
        "terminationDate": plain(data.get("termination_date")),
        "note": data.get("note"),
    }


def _view(account: str, gw: Gateway) -> Any:
    def view(outcome: Outcome) -> tuple[int, Mapping[str, Any]]:
        if not outcome.kept:
            return 422, refused_body(replace(outcome, refusals=cited_refusals(gw.agreement, outcome)))
        notice = outcome.state.notices.get(outcome.event.id)
        if notice is None:  # a kept notice.given always leaves its notice
            raise UserError(f"notice {outcome.event.id}: not found", code="not_found")
        return 201, notice_view(account, notice)

    return view


@router.post(
    "/notice",
    status_code=201,
    summary="Give a written notice (III.34); the day it counts as received is computed (III.34.1)",
    responses={422: refused("refused, with its clause")},
    openapi_extra=documented(NoticeBody),
)
def give_notice(
    body: Annotated[BaseModel, Depends(json_body(NoticeBody))],
    request: Request,
    gw: GatewayDep,
    actor: ActorDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    data = body.model_dump(mode="json", exclude_none=True)
    account = str(data.pop("account"))
    authorise(actor, "notices.give", account)
    data["by"] = party_of(actor)  # the giver is who signs in, never the body's say
    return perform(
        gw, actor, request, account, NOTICE, data, f"notice/{account}", _view(account, gw), idempotency_key, body
    )


@router.get("/notice", summary="List notices (a CLEC sees its own accounts'); filters account, kind")
def list_notices(
    gw: GatewayDep,
    actor: ActorDep,
    paging: PageDep,
    account: Annotated[str | None, Query(max_length=40)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    authorise(actor, "notices.read", account)
    accounts = [account] if account is not None else (sorted(actor.accounts) if actor.org_kind == "clec" else None)
    found = notices_page(gw.engine, gw.agreement, accounts, gw.today(), kind, cursor_after(paging), paging.limit)
    return {"items": [notice_view(t, n) for t, _, n in found], "nextCursor": next_cursor(found, paging)}


@router.get("/notice/{notice_id}", summary="One notice with the day it counts as received (III.34.1)")
def get_notice(
    notice_id: Annotated[str, Path(min_length=1, max_length=200)], gw: GatewayDep, actor: ActorDep
) -> dict[str, Any]:
    authorise(actor, "notices.read")
    account = find_notice(gw.engine, notice_id)
    try:
        authorise(actor, "notices.read", account)
    except UserError as exc:
        if exc.code != "not_found":
            raise
        # Another tenant's notice: the very answer of one that does not exist (OWASP API1).
        raise UserError(f"notice {notice_id}: not found", code="not_found", field="id") from None
    notice = relationship_today(gw.engine, gw.agreement, gw.today()).notices.get(notice_id)
    if notice is None:
        raise UserError(f"notice {notice_id}: not found", code="not_found", field="id")
    return notice_view(account, notice)
