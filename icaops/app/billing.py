"""Billing operations over the relationship's event log: load events, close a cycle, show and
explain a bill, an account's standing, usage into billing.

State is computed from the log (pure core, events at the edge): closing a cycle appends a
`billing.cycle_closed` event and the bill is computed from the log up to it; the closed bill
is saved and posted to the ledger once (its idempotency key is the bill id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..billing.books import Books
from ..billing.cycle import cycle_for, parse_period
from ..billing.model import Bill
from ..billing.outputs.x12 import Usage
from ..explain import Explained
from ..privatefiles import private_folder, write_private_bytes, write_private_text
from ..relationship.events import EventError
from .audit import audit, file_sha256
from .errors import UserError
from .events import EventFile, read_event_file
from .workspace import Workspace

__all__ = [
    "LoadedFile",
    "UsageLoaded",
    "account_status",
    "close_cycle",
    "explain_line",
    "find_bill",
    "load_event_files",
    "read_account_status",
    "read_bill",
    "read_event_files",
    "read_line",
    "usage_from_check",
    "write_outputs",
]


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """What loading one events file did: how many were added, or (then none was) which were
    refused and why."""

    path: Path
    added: int
    rejected: tuple[EventError, ...]


def read_event_files(files: Iterable[Path]) -> list[EventFile]:
    """Each file's raw events, every file read before anything is stored (a missing or
    malformed file is a `UserError` and nothing is loaded)."""
    return [read_event_file(path) for path in files]


def load_event_files(ws: Workspace, files: Iterable[EventFile]) -> list[LoadedFile]:
    """Append each file's events (from `read_event_files`) to the log, each file all or
    nothing: a file with a refused event (checked against its type's schema, its account
    opened) stores none of its events. An event already in the log (same id and content) is
    not added twice."""
    results = []
    for file in files:
        added, rejected = ws.load_events(file)
        results.append(LoadedFile(file.path, added, tuple(rejected)))
    return results


def close_cycle(ws: Workspace, period: str, accounts: Iterable[str] | None = None) -> list[Bill]:
    """Close `period` for the accounts (all opened in the log if None): append the close
    events, compute each bill from the log, save and post it once (III.9.2). A period already
    closed for an account is not closed again, however it is spelled."""
    try:
        period = parse_period(period)
    except ValueError as exc:
        raise UserError(f"--period {period!r}: expected YYYY-MM such as 2012-08", field="--period") from exc
    books = Books(ws.agreement, ws.events())
    chosen = list(accounts or books.accounts)
    if not chosen:
        raise UserError(
            "no account opened in the log (billing.account_opened): nothing to bill; "
            "load events first with `icaops events load FILE`",
            code="conflict",
        )
    unknown = [a for a in chosen if a not in books.accounts]
    if unknown:
        raise UserError(
            f"--account: {', '.join(unknown)} not opened in the log (billing.account_opened); "
            f"known: {', '.join(books.accounts) or 'none'}",
            field="--account",
            code="not_found",
        )
    closes: list[dict[str, Any]] = []
    for account_id in chosen:
        account = books.accounts[account_id]
        cycle = cycle_for(account_id, period, account.cycle_close_day, books.deadlines(None))
        closes.append(
            {
                "id": f"close:{account_id}:{period}",
                "date": cycle.close,
                "type": "billing.cycle_closed",
                "account": account_id,
                "period": period,
            }
        )
    _, refused = ws.append(closes, source="bill run")
    if refused:
        raise UserError(
            f"bill run: the cycle close events were refused: {'; '.join(map(str, refused))}", field="--account"
        )
    books = Books(ws.agreement, ws.events())
    bills = []
    for close in closes:
        history = books.history(close["account"], close["date"])
        bill = history.full_bills[f"{close['account']}:{period}"]
        ws.save_bill(bill)
        ws.post_ledger(books, close["account"], close["date"])
        bills.append(bill)
    return bills


def write_outputs(ws: Workspace, bill: Bill, out: Path, x12_usage: Usage = "T") -> dict[str, Path]:
    """The bill's invoice as HTML and PDF (with the account summary from the log and how to
    dispute, III.9.4, III.34.2), its lines as CSV and an X12 811 (VI.10.1.2) whose control
    number comes from the store's counter; `x12_usage` is ISA15, "P" production or "T" test."""
    from ..billing.outputs import Notices, Parties, default_envelope, render_html, render_pdf, write_811, write_csv
    from ..store.x12 import next_control_number
    from .invoice_summary import account_summary

    private_folder(out)
    parties = Parties.from_manifest(ws.agreement.manifest)
    summary = account_summary(Books(ws.agreement, ws.events()), bill)
    notices = Notices.from_terms(ws.agreement.terms_at(bill.cycle.bill_date.value))
    stem = bill.id.replace(":", "_")
    paths = {kind: out / f"{stem}.{kind}" for kind in ("html", "pdf", "csv", "811")}
    currency = ws.agreement.terms.money.currency.value  # III.9.2: U.S. funds
    write_private_text(paths["html"], render_html(bill, parties, summary, notices, currency=currency))
    write_private_bytes(paths["pdf"], render_pdf(bill, parties, summary, notices, currency=currency))
    write_csv(bill, paths["csv"])
    envelope = default_envelope(bill, parties, next_control_number(ws.engine), x12_usage)
    write_811(bill, paths["811"], parties, envelope, currency=currency)
    audit(ws.engine, "bill.outputs_written", bill.id, {kind: str(path) for kind, path in paths.items()})
    return paths


def read_bill(ws: Workspace, bill_id: str) -> Bill:
    """A closed bill by id (`find_bill` on the log); the read goes to the audit log (CPNI)."""
    bill = find_bill(Books(ws.agreement, ws.events()), bill_id)
    audit(ws.engine, "bill.read", bill.id, {"recurring_lines": bill.recurring.num_rows, "lines": len(bill.lines)})
    return bill


def read_line(ws: Workspace, line_id: str) -> tuple[Bill, Explained[Any]]:
    """A bill line's bill and explanation (`explain_line` on the log); the read is audited."""
    bill, explanation = explain_line(Books(ws.agreement, ws.events()), line_id)
    audit(ws.engine, "bill.line_read", line_id, {"bill": bill.id})
    return bill, explanation


def read_account_status(
    ws: Workspace, account_id: str, as_of: dt.date, actor: str | None = None
) -> Mapping[str, Explained[Any]]:
    """An account's standing (`account_status` on the log) as of a date; the read is audited
    (as `actor`'s when given)."""
    status = account_status(Books(ws.agreement, ws.events()), account_id, as_of)
    audit(ws.engine, "account.status_read", account_id, {"as_of": as_of}, actor=actor)
    return status


def find_bill(books: Books, bill_id: str) -> Bill:
    """A closed bill by id (`ACCOUNT:YYYY-MM`), as computed from the log at its close."""
    account_id, _, period = bill_id.partition(":")
    try:
        period = parse_period(period)
    except ValueError:
        raise UserError(f"{bill_id}: expected ACCOUNT:YYYY-MM such as GRANITE:2012-09", field="BILL_ID") from None
    bill_id = f"{account_id}:{period}"
    closes = [
        e
        for e in books.events
        if e.type == "billing.cycle_closed" and e.get("account") == account_id and str(e.get("period")) == period
    ]
    if not closes:
        raise UserError(
            f"{bill_id}: no closed cycle for account {account_id!r} period {period!r} "
            f"(run `icaops bill run --period {period or 'YYYY-MM'}`)",
            code="not_found",
            field="BILL_ID",
        )
    return books.history(account_id, closes[-1].date).full_bills[bill_id]


def account_status(books: Books, account_id: str, as_of: dt.date) -> Mapping[str, Explained[Any]]:
    """Each standing question of the account (balance, past due, late charges, deposit,
    treatment …) with its answer and explanation."""
    if account_id not in books.accounts:
        raise UserError(
            f"{account_id}: not opened in the log; known: {', '.join(books.accounts) or 'none'}",
            code="not_found",
            field="ACCOUNT_ID",
        )
    return books.status(account_id, as_of)


def explain_line(books: Books, line_id: str, as_of: dt.date | None = None) -> tuple[Bill, Explained[Any]]:
    """Find a bill line by id (`ACCOUNT:PERIOD:…`, or `ACCOUNT:PERIOD:WTN` for a resale line)
    and return its bill and explanation."""
    account_id, _, rest = line_id.partition(":")
    period, _, inner = rest.partition(":")
    bill_id = f"{account_id}:{period}"
    if account_id not in books.accounts or not inner:
        raise UserError(
            f"{line_id}: expected ACCOUNT:YYYY-MM:LINE (an account opened in the log), "
            f"e.g. {account_id or 'GRANITE'}:2012-09:surcharge:fusc",
            field="LINE_ID",
        )
    on = as_of or max(e.date for e in books.events)
    history = books.history(account_id, on)
    bill = history.full_bills.get(bill_id)
    if bill is None:
        raise UserError(
            f"{line_id}: no closed bill {bill_id} as of {on} (closed: {', '.join(history.full_bills) or 'none'})",
            code="not_found",
            field="LINE_ID",
        )
    line = bill.line(line_id)
    if line is not None:
        return bill, line.explanation
    rec = bill.recurring
    hits = [i for i, v in enumerate(rec.column("line_id").to_pylist()) if v == inner]
    if not hits:
        raise UserError(f"{line_id}: bill {bill_id} has no line {inner!r}", code="not_found", field="LINE_ID")
    group = rec.column("price_group")[hits[0]].as_py()
    return bill, bill.recurring_groups[group]


@dataclass(frozen=True, slots=True)
class UsageLoaded:
    """Usage events made from a traffic check's message counts, and the counts not billed."""

    path: Path
    messages: int
    account_days: int
    added: int
    unbilled_counts: int
    unbilled_messages: int
    unbilled_examples: tuple[Mapping[str, Any], ...]


def usage_from_check(ws: Workspace, check_dir: Path, source: str | None = None) -> UsageLoaded:
    """Per-message usage into billing (VI.9, VIII): each day's message counts of the resold
    lines become `usage.messages` events of their account; other numbers are listed, not billed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..billing.books import inventory_from_log
    from ..billing.usage import usage_events

    path = check_dir / "message_counts.parquet"
    if not path.exists():
        raise UserError(
            f"{path}: not found; expected the output folder of `icaops traffic check`",
            code="not_found",
            field="CHECK_DIR",
        )
    counts = pq.read_table(path)
    books = Books(ws.agreement, ws.events())
    if not books.accounts:
        raise UserError(
            "no account opened in the log (billing.account_opened): nothing to bill usage to", code="conflict"
        )
    until = max(counts.column("call_date").to_pylist(), default=None) or max(
        (e.date for e in books.events), default=dt.date.min
    )
    inventory = pa.concat_tables([inventory_from_log(books.events, a, until) for a in books.accounts])
    events, unmatched = usage_events(counts, inventory, source or check_dir.name)
    added, refused = ws.append(events, str(path))
    audit(
        ws.engine,
        "usage.loaded",
        str(path),
        {
            "path": str(path),
            "sha256": file_sha256(path),
            "events": len(events),
            "added": added,
            "refused": len(refused),
        },
    )
    if refused:
        raise UserError(
            f"{path}: usage events refused, none stored: {'; '.join(map(str, refused[:5]))}", field="--source"
        )
    return UsageLoaded(
        path,
        sum(e["count"] for e in events),
        len(events),
        added,
        unmatched.num_rows,
        sum(unmatched.column("messages").to_pylist()),
        tuple(unmatched.slice(0, 10).to_pylist()),
    )
