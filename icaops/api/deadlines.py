"""deadline: a named deadline of the agreement computed from a trigger date, explained clause by
clause (the composites of icaops/calendar/named.py and every rule of the terms' deadlines table);
an unknown name is 404 with the closest names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from ..app.deadlines import compute_named, deadline_names
from ..app.errors import UserError
from ..app.identity import authorise
from .deps import ActorDep, GatewayDep
from .views import explained

__all__ = ["router"]

router = APIRouter(tags=["deadline"])


@router.get("/deadline", summary="The deadlines one can compute by name, with their clauses")
def list_deadlines(gw: GatewayDep, actor: ActorDep) -> dict[str, Any]:
    authorise(actor, "deadlines.read")
    return {
        "items": [
            {"name": d.name, "description": d.description, "clause": d.clause, "href": f"/deadline/{d.name}"}
            for d in deadline_names(gw.agreement)
        ]
    }


@router.get("/deadline/{name}", summary="A named deadline from its trigger date, explained clause by clause")
def get_deadline(
    name: Annotated[str, Path(min_length=1, max_length=100)],
    gw: GatewayDep,
    actor: ActorDep,
    trigger: Annotated[dt.date | None, Query(description="the date the deadline counts from (`from`)")] = None,
    anchor: Annotated[
        dt.date | None, Query(description="a Bill Date of the account, or the end of the last audited period")
    ] = None,
    method: Annotated[str | None, Query(max_length=40, description="a notice method (notice_received)")] = None,
    receipt: Annotated[dt.date | None, Query(description="the date on a notice's receipt")] = None,
    notice: Annotated[dt.date | None, Query(description="a suspension or disconnection notice date")] = None,
    setup: Annotated[dt.date | None, Query(description="the day account set-up completed (ordering_allowed)")] = None,
    finding: Annotated[Decimal | None, Query(ge=0, le=100, description="an audit's finding ratio (next_audit)")] = None,
    audits: Annotated[int | None, Query(ge=1, le=100, description="audits commenced that Contract Year")] = None,
    share: Annotated[Decimal | None, Query(ge=0, le=1, description="share of listings needing corrections")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="a year (usf_certification)")] = None,
) -> dict[str, Any]:
    authorise(actor, "deadlines.read")
    given = {
        "from": trigger, "anchor": anchor, "method": method, "receipt": receipt, "notice": notice,
        "setup": setup, "finding": finding, "audits": audits, "share": share, "year": year,
    }  # fmt: skip
    spec = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in given.items() if v is not None}
    try:
        result = compute_named(gw.agreement, name, spec)
    except UserError as exc:
        field = "name" if exc.code == "not_found" else ("trigger" if exc.field == "--from" else exc.field)
        raise UserError(exc.message, code=exc.code, field=field, details=exc.details) from None
    except OverflowError:
        raise UserError(f"{name}: the deadline falls outside the calendar (year 1 to 9999)", field="trigger") from None
    return {"name": name, "trigger": spec.get("from"), "inputs": spec, **explained(result)}
