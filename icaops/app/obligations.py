"""Obligations for the front ends: a party's obligations as of a date, its iCalendar feed and its digest.

Each function takes a workspace (its log is read, and the read audited) or the events
themselves with their agreement, and returns values; a wrong party, state or account is a
`UserError` naming the option and what was expected (docs/obligations.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..identity.model import Actor
from ..obligations import OPEN_STATES, PARTIES, STATES, Obligation, ObligationError, due_soon_from, obligations
from ..relationship.events import Event
from ..terms.loader import Agreement
from .audit import audit
from .errors import UserError
from .identity import authorise

if TYPE_CHECKING:  # the store (SQLAlchemy) loads only when a workspace is given
    from .workspace import Workspace

__all__ = [
    "Digest",
    "Role",
    "derive_obligations",
    "digest",
    "ical_feed",
    "obligations_for",
    "obligations_seen_by",
    "parse_states",
    "visible_to",
]

Role = Literal["owes", "owed", "both"]
"""Which side of an obligation the party is on: the debtor (`owes`), the creditor (`owed`), either."""


def _log(source: Workspace | Sequence[Event], agreement: Agreement | None) -> tuple[Agreement, tuple[Event, ...]]:
    from .workspace import Workspace

    if isinstance(source, Workspace):
        return source.agreement, source.events()
    if agreement is None:
        raise UserError("events without their agreement: give agreement= (the terms the log runs under)")
    return agreement, tuple(source)


def derive_obligations(
    source: Workspace | Sequence[Event], as_of: dt.date, agreement: Agreement | None = None
) -> tuple[tuple[Obligation, ...], tuple[ObligationError, ...]]:
    """Every obligation of the relationship as of `as_of`, with the events the obligations refused."""
    terms_of, events = _log(source, agreement)
    return obligations(terms_of, events, as_of)


def parse_states(state: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """States to keep: None (all), `open` (pending, due soon, violated, suspended), `all`, or state names."""
    if state is None:
        return None
    names = [state] if isinstance(state, str) else list(state)
    wanted: list[str] = []
    for name in (n.strip() for part in names for n in part.split(",")):
        if name == "all":
            return None
        if name == "open":
            wanted += OPEN_STATES
        elif name in STATES:
            wanted.append(name)
        else:
            raise UserError(
                f"--state {name!r}: expected one of {', '.join(STATES)}, open or all", field="--state", code="invalid"
            )
    return tuple(dict.fromkeys(wanted))


def _check_party(party: str) -> None:
    if party not in PARTIES:
        raise UserError(f"--party {party!r}: expected ilec or clec", field="--party")


def _mine(o: Obligation, party: str, role: Role) -> bool:
    owes, owed = o.debtor.party == party, o.creditor.party == party
    return {"owes": owes, "owed": owed, "both": owes or owed}[role]


def obligations_for(
    workspace_or_events: Workspace | Sequence[Event],
    party: str,
    as_of: dt.date,
    state: str | Iterable[str] | None = None,
    account: str | None = None,
    *,
    agreement: Agreement | None = None,
    role: Role = "owes",
    accounts: Collection[str] | None = None,
) -> tuple[Obligation, ...]:
    """The obligations `party` (ilec or clec) owes as of `as_of` (`role="owed"`: those owed to it),
    optionally only in `state` (a state, `open`, `all`, or several) and about `account`; with
    `accounts`, only those a CLEC holding these accounts may see (`visible_to`)."""
    _check_party(party)
    states = parse_states(state)
    found, _ = derive_obligations(workspace_or_events, as_of, agreement)
    if account is not None:
        known = {o.debtor.account for o in found} | {o.creditor.account for o in found}
        known |= {str(e.get("account")) for e in _accounts(workspace_or_events, agreement)}
        if account not in known:
            raise UserError(
                f"--account {account!r}: no such account in the log (known: {', '.join(sorted(k for k in known if k)) or 'none'})",
                field="--account",
                code="not_found",
            )
    chosen = tuple(
        o
        for o in found
        if _mine(o, party, role)
        and (states is None or o.state in states)
        and (account is None or account in (o.debtor.account, o.creditor.account))
        and (accounts is None or visible_to(o, accounts))
    )
    _audit(workspace_or_events, "obligations.read", party, {"as_of": as_of, "account": account, "count": len(chosen)})
    return chosen


def obligations_seen_by(
    workspace: Workspace,
    actor: Actor,
    party: str | None,
    as_of: dt.date,
    state: str | Iterable[str] | None = None,
    account: str | None = None,
    role: Role = "owes",
) -> tuple[str, tuple[Obligation, ...]]:
    """The party (`party`, or the actor's own side) and its obligations as `actor` may see them:
    a CLEC's user only its own accounts' and the relationship's (III.29.1.1); the read goes to
    the audit log with the actor, its organisation and role (amounts billed are customer
    information, VI.8.3.2). An auditor names the party."""
    authorise(actor, "obligations.read", account)
    if party is None:
        if actor.org_kind not in ("ilec", "clec"):
            raise UserError("party: expected ilec or clec (an auditor names the party)", field="party")
        party = actor.org_kind
    accounts = actor.accounts if actor.org_kind == "clec" else None
    events = workspace.events()
    found = obligations_for(
        events, party, as_of, state, account, agreement=workspace.agreement, role=role, accounts=accounts
    )
    audit(
        workspace.engine,
        "obligations.read",
        f"obligations/{party}",
        {"organisation": actor.org_id, "role": actor.role, "as_of": as_of, "account": account, "count": len(found)},
        actor=actor.user_id,
    )
    return party, found


def visible_to(o: Obligation, accounts: Collection[str]) -> bool:
    """Whether a CLEC holding `accounts` may see an obligation: one about one of its accounts, or
    one of the relationship (about no account) that the CLEC is a party to (III.29.1.1: no CLEC
    sees another's)."""
    about = {o.debtor.account, o.creditor.account} - {None}
    if about:
        return bool(about & set(accounts))
    return "clec" in (o.debtor.party, o.creditor.party)


def _accounts(source: Workspace | Sequence[Event], agreement: Agreement | None) -> list[Event]:
    _, events = _log(source, agreement)
    return [e for e in events if e.type == "billing.account_opened"]


def _audit(source: Workspace | Sequence[Event], action: str, party: str, detail: dict) -> None:
    from .workspace import Workspace

    if isinstance(source, Workspace):  # obligations show amounts billed to accounts (CPNI, docs/cpni.md)
        audit(source.engine, action, party, detail)


# -- digest ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Digest:
    """A party's day: what falls due today, what is due within `until`, what became violated today."""

    party: str
    as_of: dt.date
    until: dt.date
    fell_due: tuple[Obligation, ...]
    due_next: tuple[Obligation, ...]
    newly_violated: tuple[Obligation, ...]


def digest(
    workspace_or_events: Workspace | Sequence[Event],
    party: str,
    as_of: dt.date,
    days: int | None = None,
    *,
    agreement: Agreement | None = None,
) -> Digest:
    """The daily digest of what `party` owes: due on `as_of`, due in the next `days` calendar days
    (default: the due-soon window, `obligations.due_soon_window`), violated since yesterday."""
    if days is not None and days < 0:
        raise UserError(f"--days {days}: expected 0 or more", field="--days")
    found = obligations_for(workspace_or_events, party, as_of, agreement=agreement)
    terms_of, _ = _log(workspace_or_events, agreement)
    if days is None:
        from ..calendar.deadlines import Deadlines

        dl = Deadlines(terms_of.terms_at(as_of))
        # the last day whose due-soon window has begun by `as_of`
        until = as_of
        while due_soon_from(until + dt.timedelta(days=1), dl).value <= as_of:
            until += dt.timedelta(days=1)
    else:
        until = as_of + dt.timedelta(days=days)
    return Digest(
        party,
        as_of,
        until,
        fell_due=tuple(o for o in found if o.due.value == as_of),
        due_next=tuple(o for o in found if o.is_open and as_of < o.due.value <= until),
        newly_violated=tuple(o for o in found if o.state == "violated" and o.violated_since == as_of),
    )


# -- iCalendar (RFC 5545) -------------------------------------------------------------------

_STATUS = {"fulfilled": "CONFIRMED", "waived": "CANCELLED"}


def _description(o: Obligation) -> str:
    lines = [
        f"{o.debtor} owes {o.creditor}: {o.owed}",
        f"Clause: {o.clause}",
        f"State as of {o.as_of.isoformat()}: {o.state}",
        "Due date:",
        *(f"  {s.render()}" for s in o.due.steps),
    ]
    if o.fulfilled_by:
        lines.append(f"Fulfilled by {o.fulfilled_by} on {o.fulfilled_on}")
    if o.violated_since:
        lines.append(f"Violated since {o.violated_since.isoformat()}")
    lines += [f"If violated: {c.text} ({c.clause})" for c in o.consequences]
    return "\n".join(lines)


def ical_feed(
    workspace_or_events: Workspace | Sequence[Event],
    party: str,
    as_of: dt.date,
    *,
    stamp: dt.datetime,
    agreement: Agreement | None = None,
    role: Role = "owes",
    accounts: Collection[str] | None = None,
) -> bytes:
    """An RFC 5545 calendar of `party`'s obligations as of `as_of`: one all-day VEVENT per
    obligation on its due date, UID `<obligation id>@<agreement id>` (stable across feeds),
    DTSTAMP `stamp`, the clause in the description; an alarm when its due-soon window opens.
    With `accounts`, only the obligations a CLEC holding them may see (`visible_to`)."""
    import icalendar

    terms_of, _ = _log(workspace_or_events, agreement)
    found = obligations_for(workspace_or_events, party, as_of, agreement=agreement, role=role, accounts=accounts)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//icaops//obligations//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{terms_of.id}: obligations of the {party}")
    from ..calendar.deadlines import Deadlines

    dl = Deadlines(terms_of.terms_at(as_of))
    for o in found:
        event = icalendar.Event()
        event.add("uid", f"{o.id}@{terms_of.id}")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", o.due.value)
        event.add("dtend", o.due.value + dt.timedelta(days=1))
        event.add("summary", f"[{o.state}] {o.owed} ({o.clause})")
        event.add("description", _description(o))
        event.add("categories", [o.state, o.rule])
        event.add("status", _STATUS.get(o.state, "TENTATIVE" if o.nature == "option" else "CONFIRMED"))
        event.add("transp", "TRANSPARENT")
        if o.is_open and o.state != "violated":
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"due soon: {o.owed} ({o.clause})")
            start = due_soon_from(o.due.value, dl).value
            alarm.add("trigger", dt.datetime.combine(start, dt.time(8), tzinfo=dl.cal.zone).astimezone(dt.UTC))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
