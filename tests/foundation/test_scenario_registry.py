"""What scenario files can use comes from literal tables, put together once; contexts are frozen."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from icaops.calendar.deadlines import Deadlines
from icaops.calendar.named import NAMED_DEADLINES, compute_named_deadline
from icaops.relationship.events import Event
from icaops.relationship.lifecycle import LIFECYCLE_EVENTS
from icaops.scenarios import registry
from icaops.scenarios.billing_kinds import BILLING_EVENT_TYPES, BILLING_QUERIES
from icaops.scenarios.context import Context, Memo
from icaops.scenarios.kinds import FOUNDATION_KINDS
from icaops.scenarios.maintenance_kinds import MAINTENANCE_EVENTS, MAINTENANCE_KINDS, MAINTENANCE_QUERIES
from icaops.scenarios.obligations_kinds import OBLIGATION_EVENTS, OBLIGATION_KINDS
from icaops.scenarios.orders_kinds import ORDER_EVENTS, ORDER_QUERIES
from icaops.scenarios.records_kinds import RECORDS_EVENT_TYPES, RECORDS_QUERIES
from icaops.scenarios.runner import supported
from icaops.scenarios.traffic_kinds import TRAFFIC_EVENTS, TRAFFIC_QUERIES


def test_named_deadlines_are_a_read_only_table(terms):
    """The composite deadlines are looked up by name; the table cannot be changed."""
    with pytest.raises(TypeError):
        NAMED_DEADLINES["x"] = lambda dl, s: None  # type: ignore[index]
    dl = Deadlines(terms)
    composite = compute_named_deadline(dl, "dispute_filing", {"from": "2012-08-04"})
    assert composite == NAMED_DEADLINES["dispute_filing"](dl, {"from": dt.date(2012, 8, 4)})
    rule = compute_named_deadline(dl, "bill_due_date", {"from": "2012-08-04"})
    assert rule.value == dt.date(2012, 9, 4) and "III.9.2" in rule.clauses


def test_an_unknown_deadline_names_the_known_ones(terms):
    with pytest.raises(KeyError) as err:
        compute_named_deadline(Deadlines(terms), "no_such", {})
    message = err.value.args[0]
    assert message.startswith("unknown deadline 'no_such'; known: ")
    assert "dispute_filing" in message and "bill_due_date" in message


def test_the_registry_joins_each_domains_tables_without_overlap():
    assert set(registry.EXPECTATION_KINDS) == set(FOUNDATION_KINDS) | {"state"} | set(MAINTENANCE_KINDS) | set(
        OBLIGATION_KINDS
    )
    assert not set(BILLING_QUERIES) & set(TRAFFIC_QUERIES)
    assert not (set(BILLING_QUERIES) | set(TRAFFIC_QUERIES)) & set(MAINTENANCE_QUERIES)
    assert not set(RECORDS_QUERIES) & (set(BILLING_QUERIES) | set(TRAFFIC_QUERIES) | set(MAINTENANCE_QUERIES))
    assert not (set(BILLING_QUERIES) | set(TRAFFIC_QUERIES) | set(MAINTENANCE_QUERIES) | set(RECORDS_QUERIES)) & set(
        ORDER_QUERIES
    )
    assert set(registry.STATE_QUERIES) == {"billing", "traffic", "cpni", "directory", "listings", "lsr"} | set(
        MAINTENANCE_QUERIES
    )
    assert (
        set(LIFECYCLE_EVENTS)
        | set(BILLING_EVENT_TYPES)
        | set(TRAFFIC_EVENTS)
        | set(MAINTENANCE_EVENTS)
        | set(RECORDS_EVENT_TYPES)
        | set(ORDER_EVENTS)
        | set(OBLIGATION_EVENTS)
        == registry.KNOWN_EVENT_TYPES
    )
    for table in (registry.EXPECTATION_KINDS, registry.STATE_QUERIES, FOUNDATION_KINDS):
        with pytest.raises(TypeError):
            table["x"] = None  # type: ignore[index]


def test_the_runner_lists_what_it_supports():
    found = supported()
    assert found.kinds == (
        "deadline",
        "term",
        "business_day",
        "add_business_days",
        "late_charge",
        "state",
        "ticket",
        "obligation",
    )
    assert "orders.allowed" in found.queries and "billing.…" in found.queries and "traffic.…" in found.queries
    assert {"notice.given", "bill.issued", "traffic.calls"} <= set(found.event_types)
    assert list(found.event_types) == sorted(found.event_types)


def test_a_context_is_frozen_and_its_log_errors_are_values(agreement):
    bad = Event("N1", dt.date(2014, 3, 3), "notice.given", (("kind", "nonsense"),))
    ctx = Context.of(agreement, (bad,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.events = ()  # type: ignore[misc]
    assert isinstance(ctx.lifecycle_errors, tuple)
    assert [e.event for e in ctx.lifecycle_errors] == ["N1"]


def test_a_memo_computes_each_key_once():
    memo, calls = Memo(), []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memo.get(("k", 1), compute) == 1
    assert memo.get(("k", 1), compute) == 1
    assert memo.get(("k", 2), compute) == 2
