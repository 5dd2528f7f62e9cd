"""A notice letter's content: parties and their III.34.2 addresses, the method, the day the
notice counts as received, the clause requiring it and the dates it starts running.

The received day and the dates are not computed here: the notice is folded into the
relationship's lifecycle with the log before it (`relationship/lifecycle.py`, which asks the
calendar, `Deadlines.notice_received`), and each date is the lifecycle's or the deadlines'
answer, so the letter says what the log will say once the notice is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..calendar.deadlines import Deadlines
from ..calendar.periods import fmt
from ..explain import Explained
from ..relationship.events import Event, event_from_mapping
from ..relationship.lifecycle import NOTICE_KINDS, fold
from ..terms.loader import Agreement
from .kinds import LETTER_KINDS

__all__ = ["Addressee", "Letter", "LetterError", "compose_letter", "notice_event"]

PARTIES = ("ilec", "clec")


@dataclass(frozen=True, slots=True)
class Addressee:
    """A Party as a letter names it: its name and the addresses notices go to (III.34.2)."""

    party: str  # ilec | clec
    name: str
    short: str
    addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Letter:
    """Everything a notice letter says; `letter_text` and `letter_pdf` lay it out."""

    notice_id: str
    kind: str
    subject: str
    account: str | None
    sender: Addressee
    recipient: Addressee
    addresses_clause: str
    method: str
    method_label: str
    method_clause: str
    method_quote: str
    sent_on: dt.date
    received: Explained[dt.date] | None  # None: counts from the date on the receipt, not yet known
    clause: str
    quote: str
    purpose: str
    dates: tuple[tuple[str, Explained[dt.date]], ...]
    refers_to: str | None = None
    agreement_title: str = ""

    @property
    def received_text(self) -> str:
        """The day the notice counts as received, or the rule that will fix it (III.34.1)."""
        if self.received is not None:
            return fmt(self.received.value)
        return f"the date stated on the receipt ({self.method_clause})"

    @property
    def clauses(self) -> tuple[str, ...]:
        """Every clause the letter cites, in order of first use."""
        seen: dict[str, None] = dict.fromkeys((self.clause, self.addresses_clause, self.method_clause))
        for explained in ([self.received] if self.received else []) + [d for _, d in self.dates]:
            seen.update(dict.fromkeys(explained.clauses))
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class LetterError:
    """Why a letter cannot be composed: a stable code, the field at fault, the clause."""

    code: str  # kind | sender | bill_date, or the notice field the lifecycle refused (method, receipt_date)
    field: str
    message: str
    clause: str | None = None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" + (f" ({self.clause})" if self.clause else "")


def notice_event(
    kind: str,
    *,
    sent_on: dt.date,
    method: str,
    by: str,
    account: str | None = None,
    receipt_date: dt.date | None = None,
    refers_to: str | None = None,
    termination_date: dt.date | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The `notice.given` event recording the notice, as a raw mapping (what the log stores).

    Its id, unless given, is `ACCOUNT-KIND-DATE` (or `by` for a notice of no account): giving
    the same notice again is the same event, and a different notice of that kind on that day
    needs its own id."""
    raw: dict[str, Any] = {
        "id": event_id or f"{account or by}-{kind}-{sent_on.isoformat()}",
        "date": sent_on,
        "type": "notice.given",
        "kind": kind,
        "method": method,
        "by": by,
    }
    optional = {
        "account": account,
        "receipt_date": receipt_date,
        "refers_to": refers_to,
        "termination_date": termination_date,
    }
    raw.update({k: v for k, v in optional.items() if v is not None})
    return raw


def _addressee(agreement: Agreement, party: str) -> Addressee:
    manifest = agreement.manifest["parties"][party]
    addresses = agreement.terms.notices.addresses.value.get(party, ())
    return Addressee(party, str(manifest["name"]), str(manifest.get("short", party)), tuple(addresses))


def _received_pending(raw: Mapping[str, Any], dl: Deadlines) -> bool:
    """The method counts from the date on a receipt and none is given yet (III.34.1(c))."""
    term = dl.terms.notices.methods.get(str(raw["method"]))
    return term is not None and term.value.received == "date_on_receipt" and raw.get("receipt_date") is None


def compose_letter(
    raw: Mapping[str, Any],
    log: tuple[Event, ...],
    agreement: Agreement,
    dl: Deadlines,
    bill_date: dt.date | None = None,
) -> Letter | LetterError:
    """The letter of the notice `raw` (a `notice_event`), given the relationship's `log` before it.

    `bill_date` is the Bill Date of the unpaid bill a suspension or disconnection notice is
    about (III.9.5); without it the suspension date is not stated. A method counting from the
    date on a receipt, without one, gives a letter whose received day is that rule (a draft)."""
    kind = str(raw["kind"])
    spec = LETTER_KINDS.get(kind)
    if spec is None:
        known = ", ".join(LETTER_KINDS)
        other = " (a notice the lifecycle knows, with no letter)" if kind in NOTICE_KINDS else ""
        return LetterError("kind", "kind", f"one of {known}, got {kind!r}{other}")
    term = dl.terms.deadline(spec.term)
    by = str(raw["by"])
    if by not in spec.senders:
        return LetterError("sender", "by", f"this notice is given by {' or '.join(spec.senders)}", term.clause)
    if bill_date is not None and bill_date > raw["date"]:
        return LetterError("bill_date", "bill_date", f"a Bill Date on or before the notice, got {bill_date}")
    pending = _received_pending(raw, dl)
    # Without a receipt date the fold cannot date the notice: fold it with the sending date
    # only to validate everything else, and state no received day nor dates.
    event = event_from_mapping({**raw, "receipt_date": raw["date"]} if pending else raw, len(log), "notice")
    assert isinstance(event, Event)  # notice_event builds a well-formed mapping
    state, errors = fold(log + (event,), dl)
    mine = [e for e in errors if e.event == event.id]
    if mine:
        clause = next(iter(dl.terms.notices.methods.values())).clause if mine[0].field == "method" else None
        return LetterError(mine[0].field, mine[0].field, mine[0].expected, clause)
    notice = state.notices[event.id]
    dates: list[tuple[str, Explained[dt.date]]] = []
    if not pending:
        try:
            for label, rule in spec.dates:
                answer = rule(state, dl, event.id, bill_date)
                if answer is not None:
                    dates.append((label, answer))
        except ValueError as exc:  # a notice before the non-payment it is about (III.9.5)
            return LetterError("bill_date", "bill_date", str(exc), term.clause)
    methods = dl.terms.notices.methods
    # the term the lifecycle read: a kind's own method first (Deadlines.notice_received)
    method = methods.get(f"{notice.method}_for_{kind}") or methods[notice.method]
    sender = _addressee(agreement, by)
    recipient = _addressee(agreement, next(p for p in PARTIES if p != by))
    return Letter(
        notice_id=event.id,
        kind=kind,
        subject=spec.subject,
        account=raw.get("account"),
        sender=sender,
        recipient=recipient,
        addresses_clause=dl.terms.notices.addresses.clause,
        method=notice.method,
        method_label=method.value.label,
        method_clause=method.clause,
        method_quote=method.quote or "",
        sent_on=notice.sent_on,
        received=None if pending else notice.received,
        clause=term.clause,
        quote=term.quote or "",
        purpose=spec.purpose.format(sender=sender.short, recipient=recipient.short),
        dates=tuple(dates),
        refers_to=raw.get("refers_to"),
        agreement_title=str(agreement.manifest.get("title", "")),
    )
