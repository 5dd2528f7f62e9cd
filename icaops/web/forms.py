"""Forms from the same body models the API takes (`icaops.app.gateway.requests.body_of`): each
field of an event's schema becomes a labelled input of its kind (a choice, a yes/no, a date, an
amount, a count, a list one item per line, text), and a posted form becomes the body, validated
by the model with the agreement's money scale. One definition of each action's fields."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

__all__ = ["FormField", "FormProblem", "form_fields", "parse_form"]

Kind = Literal["choice", "flag", "date", "money", "count", "list", "json", "text"]


@dataclass(frozen=True)
class FormField:
    """One input of a form: its name, label, kind, whether required, its choices and value."""

    name: str
    label: str
    kind: Kind
    required: bool
    choices: tuple[str, ...]
    value: str
    help: str


@dataclass(frozen=True)
class FormProblem:
    """A field of a posted form that is not what the model expects, and why."""

    field: str
    message: str


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional/Annotated and whether None is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    inner, _ = _unwrap(annotation)
    origin = typing.get_origin(inner)
    if origin is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(inner))
    if origin is tuple:
        return "list", ()
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "json", ()
    if inner is bool:
        return "flag", ()
    if inner is int:
        return "count", ()
    if inner is Decimal:
        return "money", ()
    if inner is dt.date:
        return "date", ()
    return "text", ()


LABELS: Mapping[str, str] = {
    "pon": "PON (purchase order number)",
    "ver": "VER (version)",
    "ccna": "CCNA",
    "act": "ACT (activity)",
    "ddd": "Desired due date (DDD)",
    "wtns": "WTNs (working telephone numbers)",
    "wtn": "WTN",
    "usoc": "USOC",
    "retail_mrc": "Retail monthly rate",
    "pic_inter": "PIC (interLATA)",
    "pic_intra": "LPIC (intraLATA)",
    "pic_tariff_amount": "PIC change tariff amount",
    "os_da": "Operator services / directory assistance",
    "cocot": "COCOT (customer-owned coin telephone)",
    "e911_service": "E911 service",
    "advanced_services_isp": "Advanced services (ISP)",
    "tsp_priority": "TSP priority",
    "sup": "SUP (supplement type)",
}
"""The LSOG and agreement names of fields whose schema name is an abbreviation."""


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def form_fields(
    model: type[BaseModel], values: Mapping[str, Any] | None = None, hidden: frozenset[str] = frozenset()
) -> tuple[FormField, ...]:
    """The inputs of `model`'s fields (but `hidden`), filled with `values` (a posted form)."""
    values = values or {}
    found = []
    for name, info in model.model_fields.items():
        if name in hidden:
            continue
        kind, choices = _kind(info.annotation)
        required = info.is_required()
        found.append(
            FormField(name, _label(name), kind, required, choices, str(values.get(name, "")), _help(info, kind))
        )
    return tuple(found)


def _help(info: FieldInfo, kind: Kind) -> str:
    return {
        "list": "one per line",
        "json": "a JSON object",
        "money": "an amount such as 12.34",
        "date": "YYYY-MM-DD",
    }.get(kind, info.description or "")


def _converted(kind: Kind, raw: str) -> Any:
    if kind == "flag":
        return raw in ("on", "true", "yes", "1")
    if kind == "count":
        try:
            return int(raw)
        except ValueError:
            return raw  # the model says what it expects
    if kind == "list":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == "json":
        try:
            return json.loads(raw)
        except ValueError:
            return raw  # the model says what it expects
    return raw


def parse_form(
    model: type[BaseModel], form: FormData | Mapping[str, Any], money_scale: int, fixed: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any] | None, tuple[FormProblem, ...]]:
    """The body a form gives (JSON-ready, without empty fields), or the problems found; `fixed`
    are the fields the page itself names (the account and object of its path)."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if fixed and name in fixed:
            continue
        kind, _ = _kind(info.annotation)
        raw = form.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if kind == "flag":
            if text or info.is_required():  # an unchecked box is "no" where the model needs an answer
                data[name] = _converted(kind, text)
            continue
        if text:
            data[name] = _converted(kind, text)
    data.update(fixed or {})
    try:
        body = model.model_validate(data, context={"money_scale": money_scale})
    except ValidationError as exc:
        problems = tuple(FormProblem(".".join(str(p) for p in e["loc"]) or "form", str(e["msg"])) for e in exc.errors())
        return None, problems
    return body.model_dump(mode="json", exclude_none=True), ()
