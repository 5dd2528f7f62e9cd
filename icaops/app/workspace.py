"""The operations' view of persistence: the relationship's event log and the closed bills.

A thin adapter over `icaops.store`: events are appended once (by id) and read back in log
order; a closed bill is saved once; the ledger is posted from the account's history, each
transfer under its idempotency key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from ..billing.books import Books
from ..billing.inventory import REJECT_SCHEMA
from ..billing.ledger import LedgerError
from ..billing.model import Bill
from ..billing.postings import history_transfers, new_ledger
from ..billing.run import CycleRun
from ..relationship.events import Event, EventError, event_from_mapping
from ..terms.loader import Agreement
from ..terms.yamlsource import read_yaml
from .errors import UserError
from ..store import make_engine, migrate, writing
from ..store.db import URL_VARIABLE
from ..store.bulk import store_run
from ..store.events import append_events, load_events
from ..store.ledger import posting
from ..store.models import EventRow

__all__ = ["Workspace", "open_workspace", "read_event_file"]


def read_event_file(path: Path) -> list[Mapping[str, Any]]:
    """Raw events from a YAML or JSON file: a list of events, or a mapping with `events:`.
    A file that is missing, unreadable or of another shape is a `UserError` naming it."""
    if not path.is_file():
        raise UserError(f"{path}: no such file", code="not_found", field="FILES")
    try:
        if path.suffix == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}", field="FILES") from None
        else:
            doc, errors = read_yaml(path)
            if errors or doc is None:
                raise UserError(f"{path}: not a valid YAML file", field="FILES",
                                details=tuple(str(e) for e in errors))
            data = doc.data
    except FileNotFoundError:
        raise UserError(f"{path}: no such file", code="not_found", field="FILES") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read: {exc}", field="FILES") from None
    if isinstance(data, Mapping):
        data = data.get("events")
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a list of events or a mapping with `events:`", field="FILES")
    return data


def _jsonable(raw: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(raw), default=lambda v: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v)))


@dataclass
class Workspace:
    """An agreement and the database holding its event log, closed bills and ledger.

    `tenant` owns the relationship's events that name no account (notices, set-up): the
    CLEC party of the agreement.
    """

    agreement: Agreement
    engine: Engine

    @property
    def tenant(self) -> str:
        return str(self.agreement.manifest["parties"]["clec"]["short"])

    def events(self) -> tuple[Event, ...]:
        """The whole log in order: by date, then in the order events were recorded."""
        with self.engine.connect() as conn:
            tenants = conn.execute(select(EventRow.tenant).distinct()).scalars().all()
            events = [e for t in tenants for e in load_events(conn, t)]
        return tuple(sorted(events, key=lambda e: (e.date, e.seq)))

    def append(self, raw: Iterable[Mapping[str, Any]], source: str) -> tuple[int, list[EventError]]:
        """Append events; a malformed one is returned with its reason and the rest go on. An
        id already in the log is not added again (idempotent). Each event's `seq` is its place
        in recording order, which decides which bill a late-recorded charge goes on."""
        with writing(self.engine) as conn:
            first = (conn.execute(select(func.max(EventRow.source_seq))).scalar() or 0) + 1
            parsed = [event_from_mapping(r, first + i, source) for i, r in enumerate(raw)]
            good = [e for e in parsed if isinstance(e, Event)]
            rejected = [e for e in parsed if isinstance(e, EventError)]
            result = append_events(conn, good, tenant=self.tenant, source=source)
        return len(result.stored), rejected + result.errors

    def load_file(self, path: Path) -> tuple[int, list[EventError]]:
        """Append the events of a YAML/JSON file."""
        return self.append(read_event_file(path), str(path))

    def load_events(self, raw: Iterable[Mapping[str, Any]], path: Path) -> tuple[int, list[EventError]]:
        """Append events already read from the file at `path`."""
        return self.append(raw, str(path))

    def save_bill(self, bill: Bill) -> None:
        """Save a closed bill (never edited afterwards) and post the account's ledger (III.9.2)."""
        empty = REJECT_SCHEMA.empty_table()
        store_run(self.engine, CycleRun(bill.cycle.period, {bill.id: bill}, bill.recurring, empty), close=True)

    def post_ledger(self, books: Books, account_id: str, as_of: dt.date) -> int:
        """Post every transfer the account's history implies up to `as_of`; each has an
        idempotency key, so posting again changes nothing. Returns the number posted."""
        history = books.history(account_id, as_of)
        terms = self.agreement.terms
        posted = 0
        with posting(self.engine, account_id) as store:
            ledger = new_ledger([account_id], terms.money.currency.value, terms.money.scale.value, store=store)
            for transfer in history_transfers(history):
                before = store.get(transfer.key)
                result = ledger.post(transfer)
                if isinstance(result, LedgerError):
                    raise ValueError(f"ledger refused {transfer.key}: {result}")
                posted += before is None
        return posted


def open_workspace(db: str | None, agreement: Agreement) -> Workspace:
    """The workspace at `db` (a database URL; default: $ICAOPS_DATABASE_URL, else the embedded
    SQLite file), migrated to the newest schema. A URL that is malformed or a database that
    cannot be reached is a `UserError` naming the URL (without its password)."""
    shown = _shown_url(db)
    try:
        engine = make_engine(db)
        migrate(engine)
    except ArgumentError as exc:
        raise UserError(f"--db {shown}: not a database URL ({exc}); expected e.g. sqlite:///path/icaops.sqlite "
                        "or postgresql://user@host/dbname", field="--db") from None
    except (OperationalError, InterfaceError) as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise UserError(f"--db {shown}: cannot open the database: {reason}", field="--db") from None
    return Workspace(agreement, engine)


def _shown_url(db: str | None) -> str:
    """The database URL as it may be printed: its password hidden."""
    given = db or os.environ.get(URL_VARIABLE)
    if not given:
        return "(default ./.icaops/icaops.sqlite)"
    try:
        return make_url(given).render_as_string(hide_password=True)
    except ArgumentError:
        return "(malformed URL)"
