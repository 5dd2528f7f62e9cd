"""Routes of a lifecycle's actions, from one table per resource: each action is an event type, the
permission it needs, and its body (the event's schema). Shared by productOrder, troubleTicket,
directoryListing and the customer-record resources."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, create_model

from ..app.gateway.actions import Check, Outcome
from ..app.gateway.requests import ActionSpec, act
from ..app.identity import authorise
from ..identity.model import Actor
from ..relationship.event_fields import AccountId
from .bodies import body_of, documented, json_body
from .deps import ActorDep, Gateway, GatewayDep, idempotency
from .errors import error_body, refused
from .views import refusals

__all__ = ["AccountRoute", "ActionRoute", "Filled", "account_routes", "action_routes", "perform", "refused_body"]

View = Callable[[Gateway, Outcome, str, str], tuple[int, Mapping[str, Any]]]


@dataclass(frozen=True)
class Filled:
    """Fields of an action's event that the gateway fills itself, never the body (e.g. a ticket
    event's `at`, from the server's clock), and their values for a request."""

    fields: tuple[str, ...]
    values: Callable[[Gateway, Actor], Mapping[str, Any]]


NOTHING_FILLED = Filled((), lambda gw, actor: {})


ActionRoute = ActionSpec
"""One action on an object: POST {prefix}/{account}/{key}/{name} (the application layer's tables)."""


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
    idem = idempotency(actor, key, request.method, request.url.path, body)
    notify = getattr(request.app.state, "notify", None)
    status, content, replayed = act(
        gw.engine, gw.agreement, actor, account, event_type, data, subject, gw.now(), view, idem, notify, check,
        authorization,
    )  # fmt: skip
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(dict(content), status_code=status, headers=headers)


def action_routes(
    router: APIRouter,
    prefix: str,
    key_name: str,
    actions: tuple[ActionRoute, ...],
    view: View,
    resource: str,
    filled: Filled = NOTHING_FILLED,
) -> None:
    """Add POST {prefix}/{account}/{key}/{action} for each action of the table."""
    for spec in actions:
        body_model = body_of(spec.schema, f"{spec.schema.__name__}Body", drop=("account", key_name, *filled.fields))
        _add(router, prefix, key_name, spec, body_model, view, resource, filled)


def _add(
    router: APIRouter,
    prefix: str,
    key_name: str,
    spec: ActionRoute,
    body_model: type[BaseModel],
    view: View,
    resource: str,
    filled: Filled,
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
        data = {**body.model_dump(mode="json", exclude_none=True), **filled.values(gw, actor), key_name: key}
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
        responses={422: refused("refused, with every reason and its clause")},
    )


@dataclass(frozen=True)
class AccountRoute:
    """One action of an account (not of an existing object): POST {path}, the account in the
    body; `key` names the body field that identifies the object in the audit log."""

    path: str
    event_type: str
    permission: str
    schema: type[BaseModel]
    summary: str
    view: Callable[[Gateway, Outcome, str, Mapping[str, Any]], tuple[int, Mapping[str, Any]]]
    resource: str
    key: str | None = None
    filled: Filled = NOTHING_FILLED
    status_code: int = 201


def account_routes(router: APIRouter, routes: tuple[AccountRoute, ...]) -> None:
    """Add POST {path} for each account action of the table. A schema without an `account`
    field (an event of the relationship, e.g. a Business Office Close announced to a CLEC) gets
    one in its body: the account whose log the event goes to."""
    for spec in routes:
        model = body_of(spec.schema, f"{spec.schema.__name__}Create", drop=spec.filled.fields)
        if "account" not in model.model_fields:
            model = create_model(
                model.__name__,
                __base__=model,
                account=(AccountId, Field(description="the CLEC's billing account whose log the event goes to")),
            )
        _add_account(router, spec, model)


def _add_account(router: APIRouter, spec: AccountRoute, body_model: type[BaseModel]) -> None:
    in_schema = "account" in spec.schema.model_fields

    def endpoint(
        body: Annotated[BaseModel, Depends(json_body(body_model))],
        request: Request,
        gw: GatewayDep,
        actor: ActorDep,
        idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    ) -> JSONResponse:
        data = {**body.model_dump(mode="json", exclude_none=True), **spec.filled.values(gw, actor)}
        account = str(data["account"]) if in_schema else str(data.pop("account"))
        authorise(actor, spec.permission, account)
        subject = f"{spec.resource}/{account}" + (f"/{data[spec.key]}" if spec.key and spec.key in data else "")
        return perform(
            gw, actor, request, account, spec.event_type, data, subject,
            lambda o: spec.view(gw, o, account, data), idempotency_key, body,
            authorization=str(data["authorization"]) if data.get("authorization") else None,
        )  # fmt: skip

    router.add_api_route(
        spec.path,
        endpoint,
        methods=["POST"],
        summary=spec.summary,
        name=f"{spec.resource}.{spec.event_type}",
        status_code=spec.status_code,
        openapi_extra=documented(body_model),
        responses={422: refused("invalid, or refused with every reason and its clause")},
    )
