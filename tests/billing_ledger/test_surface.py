"""The public surface is locked (httpx style), records are immutable, and the in-memory
store satisfies the persistence seam the PostgreSQL store will implement."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

import icaops.billing.ledger as ledger_pkg
from icaops.billing.ledger import Kind, LedgerStore, MemoryStore, Ref

from .helpers import BAN, bill, new_ledger


def test_public_surface():
    """icaops.billing.ledger exports exactly these names, all defined."""
    assert sorted(ledger_pkg.__all__) == sorted(
        [
            "AMOUNT_DIGITS_MAX",
            "Balance",
            "Chart",
            "Code",
            "Entry",
            "Flow",
            "Kind",
            "Leg",
            "Ledger",
            "LedgerError",
            "LedgerState",
            "LedgerStore",
            "Legs",
            "MemoryStore",
            "Normal",
            "Period",
            "Ref",
            "Transfer",
            "TrialBalance",
            "replay",
        ]
    )
    assert all(hasattr(ledger_pkg, name) for name in ledger_pkg.__all__)


def test_records_are_frozen_slotted_dataclasses_with_tuples():
    """Immutable records: every exported dataclass is frozen and slotted."""
    for name in ledger_pkg.__all__:
        obj = getattr(ledger_pkg, name)
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            params = obj.__dataclass_params__
            assert params.frozen and hasattr(obj, "__slots__"), name


def test_public_functions_have_docstrings():
    """Every public function and method of the package says what it does."""
    missing = []
    for name in ledger_pkg.__all__:
        obj = getattr(ledger_pkg, name)
        members = inspect.getmembers(obj, inspect.isfunction) if isinstance(obj, type) else []
        for member_name, member in [(name, obj), *members]:
            if callable(member) and not member_name.startswith("_") and not member.__doc__:
                missing.append(f"{name}.{member_name}")
    assert missing == []


def test_memory_store_implements_the_store_protocol():
    """The seam: MemoryStore offers every method LedgerStore declares, same signatures."""
    for name, declared in inspect.getmembers(LedgerStore, inspect.isfunction):
        if name.startswith("_"):
            continue
        implemented = getattr(MemoryStore, name)
        assert inspect.signature(implemented) == inspect.signature(declared), name


def test_store_append_is_insert_or_get_by_key():
    """The store keeps keys unique: appending a stored key returns the stored transfer."""
    store = MemoryStore()
    first = store.append(bill("B1", "1.00"), ())
    assert store.append(bill("B1", "2.00"), ()) is first
    assert [t.key for t in store.transfers()] == ["B1"]


def test_store_reads_entries_by_account_as_of_and_reference():
    """The seam reads entries by billing account, account, as-of date and reference."""
    ledger = new_ledger()
    ledger.post(bill("B1", "10.00", on=date(2012, 7, 31)))
    ledger.post(bill("B2", "20.00", on=date(2012, 8, 31)))
    store = ledger.store
    assert [e.transfer_key for e in store.entries(BAN, "receivable")] == ["B1", "B2"]
    assert [e.transfer_key for e in store.entries(BAN, "receivable", date(2012, 8, 1))] == ["B1"]
    assert [e.transfer_key for e in store.entries(BAN, ref=Ref("bill", "B2"))] == ["B2", "B2"]
    assert {e.kind for e in store.entries(BAN)} == {Kind.BILL_LINE}
