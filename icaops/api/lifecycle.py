"""Routes of a lifecycle's actions, from one table per resource: each action is an event type, the
permission it needs, and its body (the event's schema). Shared by productOrder, troubleTicket,
directoryListing and the customer-record resources."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..app.gateway.actions import Action, Check, Outcome, record
from ..app.identity import authorise
from ..identity.model import Actor
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, idempotency
from .errors import error_body
from .views import refusals

__all__ = ["ActionRoute", "action_routes", "perform", "refused_body"]


@dataclass(frozen=True)
class ActionRoute:
    """One action on an object: POST {prefix}/{account}/{key}/{name}."""

    name: str
    event_type: str
    permission: str
    schema: type[BaseModel]
    summary: str


def refused_body(outcome: Outcome) -> dict[str, Any]:
    """The error body of a refused action: every refusal with its code, field and clause."""
    first = outcome.refusals[0]
    return error_body(
        "refused",
        f"{first.code}: {first.message} ({first.clause})",
        first.field,
        clause=first.clause,
        errors=refusals(outcome.refusals),
        event=outcome.event.id,
        kept=outcome.kept,
    )


def perform(
    gw: Gateway,
    actor: Actor,
    request: Request,
    account: str,
    event_type: str,
    data: Mapping[str, Any],
    subject: str,
    view: Callable[[Outcome], tuple[int, Mapping[str, Any]]],
    key: str | None,
    body: BaseModel | None,
    authorization: str | None = None,
    check: Check | None = None,
) -> JSONResponse:
    """Record an action and answer its view (or its refusals), replaying a kept response; `check`
    is the domain's check of an event no lifecycle projection folds (see `record`)."""
    action = Action(
        account, event_type, data, actor.user_id, actor.org_id, actor.role, subject, authorization=authorization
    )
    idem = idempotency(actor, key, request.method, request.url.path, body)
    notify = getattr(request.app.state, "notify", None)
    status, content, replayed = record(gw.engine, gw.agreement, action, gw.now(), view, idem, notify, check)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(dict(content), status_code=status, headers=headers)


def action_routes(
    router: APIRouter,
    prefix: str,
    key_name: str,
    actions: tuple[ActionRoute, ...],
    view: Callable[[Gateway, Outcome, str, str], tuple[int, Mapping[str, Any]]],
    resource: str,
) -> None:
    """Add POST {prefix}/{account}/{key}/{action} for each action of the table."""
    for spec in actions:
        body_model = body_of(spec.schema, f"{spec.schema.__name__}Body", drop=("account", key_name))
        _add(router, prefix, key_name, spec, body_model, view, resource)


def _add(
    router: APIRouter,
    prefix: str,
    key_name: str,
    spec: ActionRoute,
    body_model: type[BaseModel],
    view: Callable[[Gateway, Outcome, str, str], tuple[int, Mapping[str, Any]]],
    resource: str,
) -> None:
    def endpoint(
        account: str,
        key: str,
        body: Annotated[BaseModel, Depends(json_body(body_model))],
        request: Request,
        gw: GatewayDep,
        actor: ActorDep,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> JSONResponse:
        authorise(actor, spec.permission, account)
        data = {**body.model_dump(mode="json", exclude_none=True), key_name: key}
        return perform(
            gw,
            actor,
            request,
            account,
            spec.event_type,
            data,
            f"{resource}/{account}/{key}",
            lambda o: view(gw, o, account, key),
            idempotency_key,
            body,
        )

    router.add_api_route(
        f"{prefix}/{{account}}/{{key}}/{spec.name}",
        endpoint,
        methods=["POST"],
        summary=spec.summary,
        name=f"{resource}.{spec.name}",
        status_code=200,
        openapi_extra=documented(body_model),
        responses={422: {"description": "refused, with every reason and its clause"}},
    )
