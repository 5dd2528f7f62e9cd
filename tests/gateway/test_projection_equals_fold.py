"""The gateway's projections equal the domain folds: over every order, ticket, CPNI and directory
scenario, the rows a projection keeps (rebuilt at once, or advanced one event per transaction,
loading only what each handler looks up) assemble into the state the pure fold computes."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from icaops.app.gateway.domains import SPECS, Context
from icaops.app.gateway.projection import Rows, apply, assemble, rebuild
from icaops.calendar.deadlines import Deadlines
from icaops.scenarios.context import Context as ScenarioContext
from icaops.scenarios.orders_kinds import standing_from_log
from icaops.scenarios.runner import LoadedScenario, load_scenario
from icaops.store import migrate, writing
from icaops.store.events import append_events, tenant_of

ROOT = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(p for d in ("orders", "maintenance", "cpni", "directory") for p in (ROOT / d).glob("*.yaml"))
PURE_FOLDS = {
    "orders": lambda events, ctx: __import__("icaops.orders.lifecycle", fromlist=["fold"]).fold(
        events,
        __import__("icaops.orders.lifecycle", fromlist=["Inputs"]).Inputs(ctx.terms, ctx.relationship, ctx.standing),
    )[0],
    "tickets": lambda events, ctx: __import__("icaops.maintenance.fold", fromlist=["fold"]).fold(events, ctx.terms)[0],
    "cpni": lambda events, ctx: __import__("icaops.cpni.fold", fromlist=["fold"]).fold(events, ctx.deadlines)[0],
    "directory": lambda events, ctx: __import__("icaops.directory.fold", fromlist=["fold"]).fold(events, ctx.deadlines)[
        0
    ],
}
NOT_COMPARED = {"emitted", "refusals"}  # outputs of a step; a ticket refusal not kept changes no state


def _comparable(state: object) -> dict[str, object]:
    return {f.name: getattr(state, f.name) for f in fields(state) if f.name not in NOT_COMPARED}  # type: ignore[arg-type]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_projection_equals_fold(path: Path, tmp_path: Path) -> None:
    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    events = tuple(sorted(loaded.scenario.events, key=lambda e: (e.date, e.seq)))
    sctx = ScenarioContext.of(loaded.agreement, events)
    terms = loaded.agreement.terms
    ctx = Context(terms, Deadlines(terms), sctx.lifecycle, lambda a, d: standing_from_log(sctx, a, d))
    engine = create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    migrate(engine)
    with writing(engine) as conn:
        append_events(conn, events, tenant="REL")
    tenants = sorted({tenant_of(e, "REL") or "REL" for e in events})
    for spec in (SPECS[name] for name in PURE_FOLDS):
        for tenant in tenants:
            own = tuple(e for e in events if (tenant_of(e, "REL") or "REL") == tenant)
            expected = _comparable(PURE_FOLDS[spec.domain](own, ctx))
            with writing(engine) as conn:
                rebuild(conn, spec, tenant, [tenant], lambda e: ctx)
                assert _comparable(assemble(conn, spec, tenant)) == expected, f"{spec.domain} rebuilt for {tenant}"
            with writing(engine) as conn:
                rebuild(conn, spec, tenant, [], lambda e: ctx)  # empty
            for e in own:
                if e.type not in spec.handles:
                    continue
                with writing(engine) as conn:
                    rows = Rows(conn, spec, tenant)
                    apply(rows, e, ctx)
                    rows.flush(1)
            with engine.connect() as conn:
                assert _comparable(assemble(conn, spec, tenant)) == expected, f"{spec.domain} stepped for {tenant}"
