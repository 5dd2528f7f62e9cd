"""The notices the agreement requires, one row each: its subject, the deadline term that
requires it (clause and quote come from that term), who may give it, and the dates the notice
starts running, each computed by the lifecycle or the deadlines exactly as the log will
compute them once the notice is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..relationship.lifecycle import Lifecycle, query

__all__ = ["LETTER_KINDS", "DateRule", "LetterKind"]

DateRule = Callable[[Lifecycle, Deadlines, str, dt.date | None], Explained[dt.date] | None]
"""`(lifecycle with the notice, deadlines, notice id, bill date or None) -> date or None`."""


@dataclass(frozen=True, slots=True)
class LetterKind:
    """One kind of notice: what the letter says and which dates it announces."""

    kind: str  # a notice kind of the lifecycle (NOTICE_KINDS)
    subject: str
    term: str  # the deadline term requiring the notice: its clause and quote head the letter
    purpose: str  # one sentence; {sender} and {recipient} are the Parties' short names
    senders: tuple[str, ...]  # the Parties the agreement lets give this notice
    dates: tuple[tuple[str, DateRule], ...]  # (what the date is, how it is computed)
    needs_bill: bool = False  # its dates run from a bill's Bill Date (III.9.5)


def _query(name: str) -> DateRule:
    """A per-notice query of the lifecycle (`default.ID.cure_by` …) for the notice being given."""

    def answer(state: Lifecycle, dl: Deadlines, nid: str, bill_date: dt.date | None) -> Explained[dt.date]:
        head, _, tail = name.partition(".")
        result: Explained[dt.date] = query(state, f"{head}.{nid}.{tail}", state.notices[nid].sent_on, dl)
        return result

    return answer


def _termination(state: Lifecycle, dl: Deadlines, nid: str, bill_date: dt.date | None) -> Explained[dt.date]:
    result: Explained[dt.date] = query(state, "agreement.termination_date", state.notices[nid].sent_on, dl)
    return result


def _suspension(state: Lifecycle, dl: Deadlines, nid: str, bill_date: dt.date | None) -> Explained[dt.date] | None:
    if bill_date is None:
        return None
    received = state.notices[nid].received
    timeline = dl.nonpayment(bill_date, suspension_notice_on=received.value)
    return Explained(timeline.earliest_suspension.value, received.steps + timeline.earliest_suspension.steps)


def _disconnection(state: Lifecycle, dl: Deadlines, nid: str, bill_date: dt.date | None) -> Explained[dt.date] | None:
    received = state.notices[nid].received
    if bill_date is None:
        earliest = dl.rule("disconnection_notice", received.value, f"notice {nid} received")
    else:
        earliest = dl.nonpayment(bill_date, disconnection_notice_on=received.value).earliest_disconnection
    return Explained(earliest.value, received.steps + earliest.steps)


LETTER_KINDS: Mapping[str, LetterKind] = MappingProxyType(
    {
        "suspension": LetterKind(
            "suspension",
            "Notice of discontinuance of order processing for unpaid charges",
            "order_suspension_notice",
            "{sender} notifies {recipient} that undisputed charges are unpaid after the Bill Due Date and that "
            "{sender} will discontinue processing orders for the relevant services.",
            ("ilec", "clec"),
            (("order processing may be discontinued from", _suspension),),
            needs_bill=True,
        ),
        "disconnection": LetterKind(
            "disconnection",
            "Notice of disconnection of unpaid services",
            "disconnection_notice",
            "{sender} notifies {recipient} that undisputed charges are unpaid and that {sender} may disconnect "
            "the unpaid services.",
            ("ilec", "clec"),
            (("the unpaid services may be disconnected from", _disconnection),),
            needs_bill=True,
        ),
        "default": LetterKind(
            "default",
            "Notice of Default",
            "default_cure",
            "{sender} gives {recipient} written notice of a Default under the Agreement.",
            ("ilec", "clec"),
            (("the Default must be cured by", _query("default.cure_by")),),
        ),
        "deposit_request": LetterKind(
            "deposit_request",
            "Request for a deposit or assurance of payment",
            "deposit_provide",
            "{sender} requests that {recipient} provide a deposit for, or an adequate assurance of payment of, "
            "amounts due or to become due under the Agreement.",
            ("ilec",),  # III.6: "Upon request by CenturyLink"
            (("the deposit or assurance of payment is due by", _query("deposit.due_by")),),
        ),
        "audit": LetterKind(
            "audit",
            "Notice of audit",
            "audit_commence",
            "{sender}, as the Auditing Party, gives {recipient} notice of an audit of the billing records.",
            ("ilec", "clec"),
            (("the audit may be required to commence no later than", _query("audit.commence_by")),),
        ),
        "termination": LetterKind(
            "termination",
            "Notice of Termination",
            "termination_notice_initial",
            "{sender} gives {recipient} written Notice of Termination of the Agreement.",
            ("ilec", "clec"),
            (("the Agreement terminates on", _termination),),
        ),
        "dispute": LetterKind(
            "dispute",
            "Notice of dispute",
            "dispute_representative",
            "{sender} gives {recipient} written notice of a dispute under the Agreement and designates its "
            "representative in the negotiation.",
            ("ilec", "clec"),
            (
                ("the other Party must designate its representative by", _query("dispute.representative_by")),
                ("the representatives must first meet by", _query("dispute.meeting_by")),
                ("if unresolved, either Party may pursue other remedies from", _query("dispute.remedies_from")),
            ),
        ),
    }
)
"""Each notice the agreement requires a letter for (issue 13), by its lifecycle kind."""
