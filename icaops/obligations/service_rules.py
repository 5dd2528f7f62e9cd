"""Obligations of maintenance (V), directory listings (VII) and Daily Usage Files (VI.9.2).

Tickets and their escalation levels come from the maintenance fold (icaops/maintenance), the
directories, galleys, corrections and annual files from the directory fold
(icaops/directory), with the dates its book queries give; a Daily Usage File is owed on each
Business Day (II.2.10) from the first one delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from ..calendar.periods import fmt
from ..directory.fold import ANNUAL_FILE, LSR_DSR
from ..directory.model import Book
from ..directory.queries import BOOK_QUERIES
from ..explain import Explained, Step
from ..maintenance.model import EscalationLevel, Procedures, Ticket
from ..relationship.events import Event
from .model import Consequence, Duty, Fulfilment, PartyRef
from .relationship import Relationship

__all__ = [
    "annual_file",
    "close_date_notice",
    "daily_usage_file",
    "galley_corrections",
    "galley_proof",
    "ticket_restoration",
]

# -- trouble tickets and escalation (V.2, V.3) -----------------------------------------------


def _procedures(rel: Relationship) -> Procedures | None:
    published = [p for p in rel.tickets.procedures if p.by == "ilec" and p.on <= rel.as_of]
    return published[-1] if published else None


def _level_reached(ticket: Ticket, level: EscalationLevel, rel: Relationship) -> Explained[dt.date]:
    """The day an open ticket reaches an escalation level (the inverse of maintenance.aging.level_due)."""
    cal = rel.deadlines.cal
    received = ticket.received_at
    if level.after_hours is not None:
        # elapsed time in UTC, as the ticket's age is counted across a daylight-time change
        moment = (received.astimezone(dt.UTC) + dt.timedelta(hours=level.after_hours)).astimezone(cal.zone)
        text = f"received {received.isoformat()} + {level.after_hours} hours = {moment.isoformat()}"
        return Explained(moment.date(), (Step(text, "V.3.1"),))
    assert level.after_business_days is not None
    day = cal.add_business_days(received.date(), level.after_business_days)
    text = f"received {fmt(received.date())} + {level.after_business_days} Business Days = {fmt(day)}"
    return Explained(day, (Step(text, "II.2.10"),))


def _resolution(ticket: Ticket) -> Fulfilment | None:
    if ticket.resolved_at is None:
        return None
    event = next((eid for at, status, eid in reversed(ticket.history) if status == "resolved"), ticket.id)
    return Fulfilment(event, ticket.resolved_at.date(), "the trouble was resolved")


def ticket_restoration(rel: Relationship) -> Iterator[Duty]:
    """V.3.1: a trouble ticket not resolved "in an appropriate fashion" goes up CenturyLink's written
    escalation procedures: each level's threshold is a date by which the trouble is to be resolved,
    after which Granite may escalate to that level's contact."""
    procedures = _procedures(rel)
    if procedures is None:
        return
    for ticket in sorted(rel.tickets.tickets.values(), key=lambda t: (t.received_at, t.id)):
        resolved = _resolution(ticket)
        for level in procedures.levels:
            reached = _level_reached(ticket, level, rel)
            ended = ticket.ended_at.date() if ticket.ended_at is not None and resolved is None else None
            if ended is not None and ended <= reached.value:
                continue  # cancelled, closed or rejected before the level was reached
            published = Step(
                f"escalation procedures published {fmt(procedures.on)} ({procedures.event_id}): level "
                f"{level.level}, {level.contact}",
                "V.3.1",
            )
            due = Explained(reached.value, (published, *reached.steps))
            yield Duty(
                id=f"ticket_restoration:{ticket.id}:{level.level}",
                rule="ticket_restoration",
                debtor=PartyRef("ilec"),
                creditor=PartyRef("clec", ticket.account),
                clause="V.3.1",
                owed=f"resolve the trouble of ticket {ticket.id} before escalation level {level.level}",
                trigger=ticket.history[0][2] if ticket.history else ticket.id,
                due=due,
                fulfilled=resolved,
                consequences=(
                    Consequence(
                        "escalation",
                        f"Granite may escalate ticket {ticket.id} to level {level.level} ({level.contact})",
                        "V.3.1",
                        due,
                    ),
                ),
            )


# -- directory (VII.2.g, VII.7.b) --------------------------------------------------------------


def _announcement(rel: Relationship, book: Book) -> str:
    return next(
        (e.id for e in rel.events if e.type == "directory.close_announced" and e.get("directory") == book.directory),
        book.directory,
    )


def _accounts(rel: Relationship, method: str, on: dt.date) -> list[str]:
    """Accounts whose listing method on `on` is `method` (VII.7)."""
    accounts = sorted({m.account for m in rel.directory.methods})
    return [a for a in accounts if (choice := rel.directory.method_on(a, on)) is not None and choice.method == method]


def _books(rel: Relationship) -> list[Book]:
    return sorted(rel.directory.books.values(), key=lambda b: (b.close, b.directory))


def _first_event(rel: Relationship, etype: str, account: str, directory: str) -> Event | None:
    return next(
        (e for e in rel.events if e.type == etype and e.get("account") == account and e.get("directory") == directory),
        None,
    )


def galley_proof(rel: Relationship) -> Iterator[Duty]:
    """VII.2.g: for Listing Information held in its database (the LSR/DSR method), CenturyLink provides
    the Galley Proofs 30 days before the directory's Business Office Close."""
    for book in _books(rel):
        due = BOOK_QUERIES["galley_by"](book, rel.deadlines)
        for account in _accounts(rel, LSR_DSR, due.value):
            given = _first_event(rel, "galley.provided", account, book.directory)
            yield Duty(
                id=f"galley_proof:{book.directory}:{account}",
                rule="galley_proof",
                debtor=PartyRef("ilec"),
                creditor=PartyRef("clec", account),
                clause=rel.terms.deadline("galley_proof").clause,
                owed=f"provide the Galley Proofs of {account}'s listings in {book.directory}",
                trigger=_announcement(rel, book),
                due=due,
                fulfilled=None if given is None else Fulfilment(given.id, given.date, "Galley Proofs provided"),
            )


def galley_corrections(rel: Relationship) -> Iterator[Duty]:
    """VII.2.g: Granite returns its corrections by the cut-off date, five Business Days before the
    BOC (15 days before it when more than 10 % of its listings need them); otherwise the Galley
    Proofs are deemed correct. An option: it keeps Granite's right to have the errors corrected."""
    for book in _books(rel):
        accounts = sorted({g.account for g in rel.directory.galleys if g.directory == book.directory})
        for account in accounts:
            provided = _first_event(rel, "galley.provided", account, book.directory)
            if provided is None:
                continue
            # the share the corrections name decides the date, even when the fold refused them as late
            named = next(
                (
                    e
                    for e in rel.events
                    if e.type == "galley.corrections_submitted"
                    and (e.get("account"), e.get("directory")) == (account, book.directory)
                ),
                None,
            )
            share = Decimal(str(named.get("share"))) if named is not None and named.get("share") else Decimal(0)
            sent = next(
                (c for c in rel.directory.corrections if (c.account, c.directory) == (account, book.directory)), None
            )
            due = rel.deadlines.galley_corrections_by(book.close, share)
            yield Duty(
                id=f"galley_corrections:{book.directory}:{account}",
                rule="galley_corrections",
                debtor=PartyRef("clec", account),
                creditor=PartyRef("ilec"),
                clause=rel.terms.deadline("galley_corrections").clause,
                owed=f"return the corrections to the Galley Proofs of {book.directory}",
                trigger=provided.id,
                due=due,
                nature="option",
                fulfilled=None if sent is None else Fulfilment(sent.event_id, sent.on, "corrections submitted"),
                consequences=(
                    Consequence(
                        "galley_deemed_correct",
                        "the Galley Proofs are deemed correct and Granite indemnifies CenturyLink for claims "
                        "about errors published in reliance on them",
                        rel.terms.deadline("galley_corrections").clause,
                        due.then(due.value + dt.timedelta(days=1), "from the day after the cut-off date", "VII.2.g"),
                    ),
                ),
            )


def close_date_notice(rel: Relationship) -> Iterator[Duty]:
    """VII.7.b.3: where Granite uses the annual data file, CenturyLink gives notice of the close date
    each year at least 120 days before it (the announcement is the notice: late if after)."""
    for book in _books(rel):
        due = BOOK_QUERIES["close_notice_by"](book, rel.deadlines)
        for account in _accounts(rel, ANNUAL_FILE, book.announced_on):
            event = _announcement(rel, book)
            yield Duty(
                id=f"close_date_notice:{book.directory}:{account}",
                rule="close_date_notice",
                debtor=PartyRef("ilec"),
                creditor=PartyRef("clec", account),
                clause=rel.terms.deadline("close_date_notice").clause,
                owed=f"give notice of the close date of {book.directory}",
                trigger=event,
                due=due,
                fulfilled=Fulfilment(event, book.announced_on, "close date announced"),
            )


def annual_file(rel: Relationship) -> Iterator[Duty]:
    """VII.7.b.3: under the annual data file method, Granite provides the file before the close date."""
    for book in _books(rel):
        due = BOOK_QUERIES["annual_file_by"](book, rel.deadlines)
        for account in _accounts(rel, ANNUAL_FILE, due.value):
            sent = next((f for f in rel.directory.files if (f.account, f.directory) == (account, book.directory)), None)
            yield Duty(
                id=f"annual_file:{book.directory}:{account}",
                rule="annual_file",
                debtor=PartyRef("clec", account),
                creditor=PartyRef("ilec"),
                clause="VII.7.b.3",
                owed=f"provide the annual data file of {book.directory}",
                trigger=_announcement(rel, book),
                due=due,
                fulfilled=None if sent is None else Fulfilment(sent.event_id, sent.on, "annual data file provided"),
            )


# -- Daily Usage Files (VI.9.2) -----------------------------------------------------------------


def _file_day(e: Event) -> dt.date:
    day = e.get("for_date")
    return day if isinstance(day, dt.date) else e.date


def daily_usage_file(rel: Relationship) -> Iterator[Duty]:
    """VI.9.2: "Daily Usage Files ... will be issued each day, Monday through Friday, except holidays
    observed by CenturyLink": one file each Business Day, from the first file delivered."""
    files = [e for e in rel.events if e.type == "usage.file_delivered"]
    if not files:
        return
    delivered: dict[dt.date, Event] = {}
    for e in files:
        delivered.setdefault(_file_day(e), e)
    cal = rel.deadlines.cal
    day = min(delivered)
    while day <= rel.as_of:
        if cal.is_business_day(day):
            file = delivered.get(day)
            yield Duty(
                id=f"daily_usage_file:{day.isoformat()}",
                rule="daily_usage_file",
                debtor=PartyRef("ilec"),
                creditor=PartyRef("clec"),
                clause="VI.9.2",
                owed=f"issue the Daily Usage File of {fmt(day)}",
                trigger=files[0].id,
                due=Explained(
                    day,
                    (
                        Step(f"{fmt(day)} is a Business Day", "II.2.10"),
                        Step("Daily Usage Files are issued each day, Monday through Friday, except holidays", "VI.9.2"),
                    ),
                ),
                fulfilled=None if file is None else Fulfilment(file.id, file.date, "Daily Usage File issued"),
            )
        day += dt.timedelta(days=1)
