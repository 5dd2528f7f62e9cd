"""`icaops notice draft|send KIND …`: a notice letter (III.34) as text and PDF; `send` also
records its `notice.given` event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..app.agreements import open_agreement
from ..app.errors import UserError
from ..notices import LETTER_KINDS
from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console, print_explained

if TYPE_CHECKING:
    from ..app.notices import NoticeLetter, NoticeRequest
    from ..terms.loader import Agreement

__all__ = ["notice_app", "print_letter"]

notice_app = typer.Typer(help="Notice letters (III.34): draft, or send and record.", no_args_is_help=True)

_KIND_HELP = f"The notice: {', '.join(LETTER_KINDS)}."
_METHOD_HELP = (
    "personal, first_class_mail, certified_mail, registered_mail, overnight_courier; email (suspension only)."
)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r}: expected a date YYYY-MM-DD", field=option) from None


def _request(
    kind: str,
    account: str | None,
    as_of: str | None,
    method: str,
    by: str,
    receipt_date: str | None,
    bill_date: str | None,
    refers_to: str | None,
    termination_date: str | None,
    event_id: str | None,
    agreement: str,
) -> tuple[NoticeRequest, Agreement]:
    from ..app.clock import today
    from ..app.notices import NoticeRequest

    loaded = open_agreement(agreement)
    request = NoticeRequest(
        kind=kind,
        sent_on=_date(as_of, "--as-of") or today(loaded),
        method=method,
        by=by,
        account=account,
        receipt_date=_date(receipt_date, "--receipt-date"),
        refers_to=refers_to,
        termination_date=_date(termination_date, "--termination-date"),
        bill_date=_date(bill_date, "--bill-date"),
        event_id=event_id,
    )
    return request, loaded


def print_letter(result: NoticeLetter, verb: str) -> None:
    """The letter written: subject, parties, dates explained, the files."""
    letter = result.letter
    console.print(f"[bold]{letter.subject}[/bold] ({letter.notice_id}) {verb}")
    console.print(f"   from {letter.sender.short} to {letter.recipient.short}: {'; '.join(letter.recipient.addresses)}")
    console.print(f"   sent {letter.sent_on} by {letter.method_label}; received {letter.received_text}")
    for label, date in letter.dates:
        print_explained(label, date)
    for path in result.paths.values():
        console.print(f"   → {path}")


_Kind = typer.Argument(..., help=_KIND_HELP)
_Account = typer.Option(None, "--account", help="The billing account the notice concerns.")
_AsOf = typer.Option(None, "--as-of", help="The day the notice is sent, YYYY-MM-DD (default: today, Central time).")
_Method = typer.Option(..., "--method", help=_METHOD_HELP)
_By = typer.Option("ilec", "--by", help="The Party giving notice: ilec or clec.")
_Receipt = typer.Option(None, "--receipt-date", help="Certified/registered mail, courier: the date on the receipt.")
_Bill = typer.Option(None, "--bill-date", help="suspension, disconnection: the unpaid bill's Bill Date.")
_Refers = typer.Option(None, "--refers-to", help="The id of the event the notice concerns.")
_Termination = typer.Option(None, "--termination-date", help="termination: a later termination date asked for.")
_Id = typer.Option(None, "--id", help="The notice's event id (default ACCOUNT-KIND-DATE).")
_Out = typer.Option(Path("out/notices"), "--out", help="Folder for the letter's .txt and .pdf.")


@notice_app.command("draft")
def notice_draft(
    kind: str = _Kind,
    account: str | None = _Account,
    as_of: str | None = _AsOf,
    method: str = _Method,
    by: str = _By,
    receipt_date: str | None = _Receipt,
    bill_date: str | None = _Bill,
    refers_to: str | None = _Refers,
    termination_date: str | None = _Termination,
    event_id: str | None = _Id,
    out: Path = _Out,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Write the letter (text and PDF) without recording the notice."""
    from ..app.notices import draft_notice
    from ..app.workspace import Workspace

    request, loaded = _request(
        kind, account, as_of, method, by, receipt_date, bill_date, refers_to, termination_date, event_id, agreement
    )
    ws = Workspace(loaded, open_db(db, db_password_file))
    print_letter(draft_notice(ws, request, out), "drafted (not recorded)")


@notice_app.command("send")
def notice_send(
    kind: str = _Kind,
    account: str | None = _Account,
    as_of: str | None = _AsOf,
    method: str = _Method,
    by: str = _By,
    receipt_date: str | None = _Receipt,
    bill_date: str | None = _Bill,
    refers_to: str | None = _Refers,
    termination_date: str | None = _Termination,
    event_id: str | None = _Id,
    out: Path = _Out,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    agreement: str = AgreementOpt,
) -> None:
    """Record the notice (`notice.given`) and write its letter, all or nothing."""
    from ..app.notices import send_notice
    from ..app.workspace import Workspace

    request, loaded = _request(
        kind, account, as_of, method, by, receipt_date, bill_date, refers_to, termination_date, event_id, agreement
    )
    ws = Workspace(loaded, open_db(db, db_password_file))
    result = send_notice(ws, request, out)
    print_letter(result, "recorded" if result.recorded else "already in the log (letter written again)")
