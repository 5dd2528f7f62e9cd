"""The operations' view of persistence: the relationship's event log and the closed bills.

A thin adapter over `icaops.store`: events are appended once (by id) and read back in log
order; a closed bill is saved once; the ledger is posted from the account's history, each
transfer under its idempotency key.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from ..billing.books import Books
from ..billing.inventory import REJECT_SCHEMA
from ..billing.ledger import LedgerError
from ..billing.model import Bill
from ..billing.postings import history_transfers, new_ledger
from ..billing.run import CycleRun
from ..relationship.events import Event, EventError, event_from_mapping
from ..store import make_engine, migrate, writing
from ..store.bulk import CycleAlreadyBilled, store_run
from ..store.chain import EVENTS, lock_head
from ..store.db import (
    CONNECT_TIMEOUT_VARIABLE,
    STATEMENT_TIMEOUT_VARIABLE,
    URL_VARIABLE,
    DatabaseSettingError,
    timeouts,
)
from ..store.events import append_events, load_events, refuse_events, tenant_of
from ..store.ledger import posting
from ..store.models import EventRow
from ..terms.loader import Agreement
from .audit import audit, file_sha256
from .errors import UserError
from .events import OPENS_ACCOUNT, EventFile, Where, check_events, read_event_file

__all__ = ["Workspace", "open_store", "open_workspace", "url_has_password"]


class _Refused(Exception):
    """Rolls a batch back: the store refused an event the checks had passed."""

    def __init__(self, errors: list[EventError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


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

    def append(self, raw: Sequence[Any], source: str, where: Where | None = None) -> tuple[int, list[EventError]]:
        """Append a batch of events (a file) all or nothing, in one transaction.

        Each event is checked against its type's schema and its account against those opened
        (`app/events.py`); an id already in the log with other content, or twice in the batch
        with different content, is refused. If anything is refused nothing is stored: the
        refusals are returned (with `where` each event is, `file:line`) and kept in the audit
        log. An id already in the log with the same content is not added again (idempotent).
        Each event's `seq` is its place in recording order, which decides which bill a
        late-recorded charge goes on."""
        try:
            return self._append(raw, source, where or (lambda index, field: source))
        except _Refused as refused:
            return 0, refused.errors

    def _append(self, raw: Sequence[Any], source: str, at: Where) -> tuple[int, list[EventError]]:
        with writing(self.engine) as conn:
            opened = frozenset(conn.execute(select(EventRow.tenant).where(EventRow.type == OPENS_ACCOUNT)).scalars())
            errors = check_events(raw, self.agreement.terms, opened, source, at)
            lock_head(conn, EVENTS)  # until commit: numbers are unique and in commit order (docs/store.md)
            first = (conn.execute(select(func.max(EventRow.source_seq))).scalar() or 0) + 1
            parsed = [event_from_mapping(r, first + i, at(i, None), position=i) for i, r in enumerate(raw)]
            errors += [e for e in parsed if isinstance(e, EventError) and not any(x.event == e.event for x in errors)]
            good = [e for e in parsed if isinstance(e, Event)]
            if not errors:
                errors = self._reused_ids(
                    conn, good, {e.id: at(i, "id") for i, e in enumerate(parsed) if isinstance(e, Event)}
                )
            if errors:
                refuse_events(conn, errors, source)
                return 0, errors
            result = append_events(conn, good, tenant=self.tenant, source=source)
            if result.errors:  # checked above in this transaction: a concurrent writer; store nothing
                raise _Refused(result.errors)
        return len(result.stored), []

    def _reused_ids(self, conn: Connection, events: Sequence[Event], where: Mapping[str, str]) -> list[EventError]:
        """An id given twice in the batch, or already in the log, with other content."""
        errors: list[EventError] = []
        seen: dict[tuple[str, str], Event] = {}
        for e in events:
            key = (tenant_of(e, self.tenant) or "", e.id)
            first = seen.setdefault(key, e)
            if first.fingerprint() != e.fingerprint():
                errors.append(
                    EventError(
                        where[e.id],
                        e.id,
                        "id",
                        f"a unique id (the {first.type} event of {first.date} earlier in the file has it)",
                    )
                )
        for (tenant, event_id), e in seen.items():
            row = conn.execute(
                select(EventRow.type, EventRow.date, EventRow.fingerprint).where(
                    EventRow.tenant == tenant, EventRow.event_id == event_id
                )
            ).first()
            if row is not None and row.fingerprint != e.fingerprint():
                errors.append(
                    EventError(
                        where[event_id],
                        event_id,
                        "id",
                        f"a unique id (already used by the {row.type} event of {row.date} in the log)",
                    )
                )
        return errors

    def load_file(self, path: Path) -> tuple[int, list[EventError]]:
        """Append the events of a YAML/JSON file, all or nothing."""
        return self.load_events(read_event_file(path))

    def load_events(self, file: EventFile) -> tuple[int, list[EventError]]:
        """Append the events already read from a file, all or nothing (see `append`); the load
        (actor, file, its sha256, counts added and refused) goes to the audit log."""
        added, refused = self.append(file.events, str(file.path), file.where)
        audit(
            self.engine,
            "events.loaded",
            str(file.path),
            {
                "path": str(file.path),
                "sha256": file_sha256(file.path),
                "events": len(file.events),
                "added": added,
                "refused": len(refused),
            },
        )
        return added, refused

    def save_bill(self, bill: Bill) -> None:
        """Save a closed bill (never edited afterwards) and post the account's ledger (III.9.2)."""
        empty = REJECT_SCHEMA.empty_table()
        try:
            store_run(self.engine, CycleRun(bill.cycle.period, {bill.id: bill}, bill.recurring, empty), close=True)
        except CycleAlreadyBilled as exc:
            raise UserError(str(exc), code="conflict") from None

    def post_ledger(self, books: Books, account_id: str, as_of: dt.date) -> int:
        """Post every transfer the account's history implies up to `as_of`; each has an
        idempotency key, so posting again changes nothing. Returns the number posted."""
        history = books.history(account_id, as_of)
        terms = self.agreement.terms
        posted = 0
        with posting(self.engine, account_id) as store:
            ledger = new_ledger([account_id], terms.money.currency.value, terms.money.scale.value, store=store)
            for transfer in history_transfers(history, terms.money.currency.value):
                before = store.get(transfer.key)
                result = ledger.post(transfer)
                if isinstance(result, LedgerError):
                    raise ValueError(f"ledger refused {transfer.key}: {result}")
                posted += before is None
        return posted


def open_workspace(db: str | None, agreement: Agreement, password_file: Path | None = None) -> Workspace:
    """The workspace at `db` (a database URL; default: $ICAOPS_DATABASE_URL, else the embedded
    SQLite file), migrated to the newest schema; see `open_store` for the errors."""
    return Workspace(agreement, open_store(db, password_file))


def open_store(db: str | None, password_file: Path | None = None) -> Engine:
    """The database at `db` (as for `open_workspace`), migrated to the newest schema; a
    PostgreSQL URL without a password takes it from `password_file` (docs/store.md). A URL
    that is malformed, a password file that cannot be read, or a database that cannot be
    reached in time is a `UserError` naming the URL (without its password)."""
    shown = _shown_url(db)
    try:
        engine = make_engine(db, password_file=password_file)
        migrate(engine)
    except ArgumentError as exc:
        raise UserError(
            f"--db {shown}: not a database URL ({exc}); expected e.g. sqlite:///path/icaops.sqlite "
            "or postgresql://user@host/dbname",
            field="--db",
        ) from None
    except DatabaseSettingError as exc:
        raise UserError(f"--db {shown}: {exc}", field="--db") from None
    except (OperationalError, InterfaceError) as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise UserError(
            f"--db {shown}: cannot open the database: {reason}{_timeout_hint(reason)}", field="--db"
        ) from None
    return engine


def url_has_password(db: str | None) -> bool:
    """Whether the database URL `db` carries a password (which `ps` would show on a command line)."""
    try:
        return bool(db) and make_url(str(db)).password is not None
    except ArgumentError:
        return False


def _timeout_hint(reason: str) -> str:
    """What a timeout was and how to change it, when `reason` is one."""
    limits = timeouts()
    if "connection timeout" in reason or "timeout expired" in reason:
        return f" (no answer within the connect timeout of {limits.connect_s} s; ${CONNECT_TIMEOUT_VARIABLE} sets it)"
    if "statement timeout" in reason:
        return f" (the statement timeout of {limits.statement_s} s; ${STATEMENT_TIMEOUT_VARIABLE} sets it)"
    return ""


def _shown_url(db: str | None) -> str:
    """The database URL as it may be printed: its password hidden."""
    given = db or os.environ.get(URL_VARIABLE)
    if not given:
        return "(default ./.icaops/icaops.sqlite)"
    try:
        return make_url(given).render_as_string(hide_password=True)
    except ArgumentError:
        return "(malformed URL)"
