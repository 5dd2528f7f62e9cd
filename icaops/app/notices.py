"""Notice letters (III.34): draft one, or send one — record its `notice.given` event and write
the letter — all or nothing.

The letter is composed in the domain (icaops/notices) from the log before the notice; here it
is written as plain text and PDF (owner-only files: a letter names an account) and the event
appended to the log. `send` writes the files under temporary names, appends the event (one
transaction), then gives the files their names; if the log refuses the event, the files are
removed and nothing is recorded. Both are kept in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..calendar.deadlines import Deadlines
from ..notices import Letter, LetterError, compose_letter, letter_pdf, letter_text, notice_event
from ..privatefiles import private_folder, write_private_bytes, write_private_text
from .audit import audit
from .errors import UserError
from .workspace import Workspace

__all__ = ["NoticeLetter", "NoticeRequest", "draft_notice", "send_notice"]


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    """The notice to give: its kind, who gives it to whom, how and when."""

    kind: str
    sent_on: dt.date
    method: str
    by: str = "ilec"
    account: str | None = None
    receipt_date: dt.date | None = None
    refers_to: str | None = None
    termination_date: dt.date | None = None
    bill_date: dt.date | None = None  # suspension, disconnection: the unpaid bill's Bill Date (III.9.5)
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeLetter:
    """A letter written: its content, its `notice.given` event, the files, whether it was recorded."""

    letter: Letter
    event: Mapping[str, Any]
    paths: Mapping[str, Path]  # text, pdf
    recorded: bool  # the event was added to the log now (False: a draft, or already in the log)


# The option each field of a letter error comes from (the CLI's names, also the API's fields).
_OPTION: Mapping[str, str] = {
    "kind": "KIND",
    "by": "--by",
    "method": "--method",
    "receipt_date": "--receipt-date",
    "bill_date": "--bill-date",
    "refers_to": "--refers-to",
    "termination_date": "--termination-date",
    "account": "--account",
}


def _compose(ws: Workspace, request: NoticeRequest) -> tuple[Letter, dict[str, Any]]:
    raw = notice_event(
        request.kind,
        sent_on=request.sent_on,
        method=request.method,
        by=request.by,
        account=request.account,
        receipt_date=request.receipt_date,
        refers_to=request.refers_to,
        termination_date=request.termination_date,
        event_id=request.event_id,
    )
    log = tuple(e for e in ws.events() if e.id != raw["id"])  # sending again: the letter as first sent
    if request.account is not None:
        opened = {e.get("account") for e in log if e.type == "billing.account_opened"}
        if request.account not in opened:
            raise UserError(
                f"--account {request.account!r}: an account opened in the log (known: "
                f"{', '.join(sorted(str(a) for a in opened)) or 'none'})",
                code="not_found",
                field="--account",
            )
    letter = compose_letter(raw, log, ws.agreement, Deadlines(ws.agreement.terms), request.bill_date)
    if isinstance(letter, LetterError):
        clause = f" ({letter.clause})" if letter.clause else ""
        option = _OPTION.get(letter.field, letter.field)
        raise UserError(f"{option}: expected {letter.message}{clause}", field=option)
    return letter, raw


def _paths(out: Path, letter: Letter) -> dict[str, Path]:
    return {"text": out / f"{letter.notice_id}.txt", "pdf": out / f"{letter.notice_id}.pdf"}


def draft_notice(ws: Workspace, request: NoticeRequest, out: Path) -> NoticeLetter:
    """Write the letter (text and PDF) to `out` without recording anything in the log."""
    letter, raw = _compose(ws, request)
    pdf = letter_pdf(letter)
    private_folder(out)
    paths = _paths(out, letter)
    write_private_text(paths["text"], letter_text(letter))
    write_private_bytes(paths["pdf"], pdf)
    audit(ws.engine, "notice.drafted", letter.notice_id, {"kind": letter.kind, "account": request.account})
    return NoticeLetter(letter, raw, paths, recorded=False)


def send_notice(ws: Workspace, request: NoticeRequest, out: Path) -> NoticeLetter:
    """Record the `notice.given` event and write its letter, all or nothing (see the module).

    A method that counts from the date on a receipt needs that date (III.34.1(c)): the log
    dates every notice, so such a notice is recorded once the receipt is back."""
    letter, raw = _compose(ws, request)
    if letter.received is None:
        raise UserError(
            f"--receipt-date: {letter.method_label} counts as received on the date stated on the receipt "
            f"({letter.method_clause}); give that date to record the notice (`icaops notice draft` writes the "
            "letter before it is sent)",
            field="--receipt-date",
        )
    text, pdf = letter_text(letter), letter_pdf(letter)
    private_folder(out)
    paths = _paths(out, letter)
    pending = {key: path.with_name(f".{path.name}.pending") for key, path in paths.items()}
    try:
        write_private_text(pending["text"], text)
        write_private_bytes(pending["pdf"], pdf)
        added, refused = ws.append([raw], "icaops notice send")
        if refused:
            raise UserError(
                f"notice {letter.notice_id}: refused by the log, nothing recorded nor written",
                field="--id" if any(e.field == "id" for e in refused) else None,
                details=tuple(str(e) for e in refused),
            )
        for key, path in pending.items():
            path.replace(paths[key])
    finally:
        for path in pending.values():
            path.unlink(missing_ok=True)
    audit(
        ws.engine,
        "notice.sent",
        letter.notice_id,
        {"kind": letter.kind, "account": request.account, "added": added, "paths": [str(p) for p in paths.values()]},
    )
    return NoticeLetter(letter, raw, paths, recorded=bool(added))
