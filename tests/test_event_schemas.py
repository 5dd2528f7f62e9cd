"""The event schemas (docs/events.md): one per event type the system reads, every scenario
event passes them, and the store refuses text longer than its column on every database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError

from icaops.app.agreements import open_agreement
from icaops.app.events import EVENT_SCHEMAS, check_events, priced_types, read_event_file, schema_for
from icaops.billing.event_schemas import PRICED_EVENT_SCHEMAS, PricedEvent
from icaops.relationship.events import Event
from icaops.scenarios.registry import KNOWN_EVENT_TYPES
from icaops.store import make_engine, migrate, writing
from icaops.store.events import append_events
from icaops.terms.yamlsource import read_yaml

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").rglob("*.yaml"))


def test_every_known_event_type_has_a_schema_and_no_other():
    """The scenario runner's table of event types and the schema table name the same types."""
    assert set(EVENT_SCHEMAS) == set(KNOWN_EVENT_TYPES)


def test_priced_event_types_get_the_priced_schema():
    """VIII: a type only the price list names (csr.searched) is checked as a priced event."""
    terms = open_agreement("centurylink-granite-id-2012").terms
    priced = priced_types(terms)
    assert priced["csr.searched"] == {"channel"}
    assert schema_for("csr.searched", terms) is PricedEvent
    assert set(PRICED_EVENT_SCHEMAS) <= set(priced)
    assert schema_for("no.such", terms) is None


@pytest.mark.parametrize(
    "path", [p for p in SCENARIOS if (read_yaml(p)[0].data or {}).get("events")], ids=lambda p: p.stem
)
def test_every_scenario_event_passes_its_schema(path: Path):
    """Every event of every scenario file validates (the accounts it names taken as opened:
    a scenario is a log of its own, not a file loaded into one)."""
    file = read_event_file(path)
    terms = open_agreement(read_yaml(path)[0].data["agreement"]).terms
    accounts = frozenset(str(e["account"]) for e in file.events if "account" in e)
    assert check_events(file.events, terms, accounts, str(path), file.where) == []


def test_the_store_refuses_text_longer_than_its_column_on_sqlite(tmp_path: Path):
    """SQLite does not enforce VARCHAR lengths: the column type refuses instead of storing it."""
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    migrate(engine)
    event = Event(id="x" * 201, date=dt.date(2013, 1, 1), type="trip.dispatched", data=(("account", "G"),))
    with pytest.raises(StatementError, match="the column holds at most 200"), writing(engine) as conn:
        append_events(conn, [event])
