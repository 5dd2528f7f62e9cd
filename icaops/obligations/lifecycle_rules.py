"""Obligations of the relationship's notices (III.2, III.7, III.20, III.50): each read off the
lifecycle fold (notices and the day each counts as received, III.34.1) and the obligations' acts.

Dates come from the lifecycle's own queries or the terms' deadline rules (calendar); the
party a notice is given `by` decides who owes what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from dateutil.relativedelta import relativedelta

from ..calendar.periods import fmt
from ..explain import Explained
from ..relationship import lifecycle
from ..relationship.lifecycle import Notice
from .model import Consequence, Duty, Fulfilment, PartyName, PartyRef
from .relationship import Relationship

__all__ = [
    "audit_commence",
    "audit_complete",
    "default_cure",
    "dispute_meeting",
    "dispute_representative",
    "successor_request",
    "termination_notice",
    "unauthorized_change_documentation",
    "unauthorized_change_switch_back",
]


def _other(party: str) -> PartyName:
    return "clec" if party == "ilec" else "ilec"


def _by(notice: Notice) -> PartyName:
    return "clec" if notice.by == "clec" else "ilec"


def _notices(rel: Relationship, kind: str) -> list[Notice]:
    return sorted(
        (n for n in rel.lifecycle.notices.values() if n.kind == kind and n.received.value <= rel.as_of),
        key=lambda n: (n.received.value, n.id),
    )


def _ask(rel: Relationship, name: str) -> Explained[Any]:
    """A lifecycle query (relationship/lifecycle.py) as of the relationship's date."""
    return lifecycle.query(rel.lifecycle, name, rel.as_of, rel.deadlines)


def _closed(rel: Relationship, notice: Notice, text: str) -> Fulfilment | None:
    """The notice's closing event (a dispute resolved, a default cured) as a fulfilment."""
    on = rel.lifecycle.closed.get(notice.id)
    if on is None:
        return None
    event = next(
        (e.id for e in rel.events if e.get("refers_to") == notice.id and e.type in lifecycle.LIFECYCLE_EVENTS), ""
    )
    return Fulfilment(event, on, text)


def _first(*found: Fulfilment | None) -> Fulfilment | None:
    present = [f for f in found if f is not None]
    return min(present, key=lambda f: f.on) if present else None


# -- audits (III.7.1.2) ---------------------------------------------------------------------


def audit_commence(rel: Relationship) -> Iterator[Duty]:
    """III.7.1.2: the Auditing Party may require the audit to commence within 30 days of its notice."""
    for n in _notices(rel, "audit"):
        yield Duty(
            id=f"audit_commence:{n.id}",
            rule="audit_commence",
            debtor=PartyRef(_other(n.by)),
            creditor=PartyRef(_by(n)),
            clause=rel.terms.deadline("audit_commence").clause,
            owed=f"let the audit noticed in {n.id} commence",
            trigger=n.id,
            due=_ask(rel, f"audit.{n.id}.commence_by"),
            fulfilled=rel.acts.of("audit.commenced", n.id),
        )


def audit_complete(rel: Relationship) -> Iterator[Duty]:
    """III.7.1.2: an audit is completed within 45 days after it commenced."""
    for n in _notices(rel, "audit"):
        began = rel.acts.of("audit.commenced", n.id)
        if began is None:
            continue
        yield Duty(
            id=f"audit_complete:{n.id}",
            rule="audit_complete",
            debtor=PartyRef(_by(n)),
            creditor=PartyRef(_other(n.by)),
            clause=rel.terms.deadline("audit_complete").clause,
            owed=f"complete the audit noticed in {n.id}",
            trigger=began.event,
            due=rel.deadlines.rule("audit_complete", began.on, f"audit commenced ({began.event})"),
            fulfilled=rel.acts.of("audit.completed", n.id),
        )


# -- dispute resolution (III.20) ------------------------------------------------------------


def _remedies(rel: Relationship, n: Notice) -> tuple[Consequence, ...]:
    return (
        Consequence(
            "other_remedies",
            "if the dispute is unresolved, either Party may pursue any remedies available to it",
            rel.terms.deadline("dispute_remedies").clause,
            _ask(rel, f"dispute.{n.id}.remedies_from"),
        ),
    )


def dispute_representative(rel: Relationship) -> Iterator[Duty]:
    """III.20.1: the Party receiving a notice of dispute designates its representative within 10 days."""
    for n in _notices(rel, "dispute"):
        yield Duty(
            id=f"dispute_representative:{n.id}",
            rule="dispute_representative",
            debtor=PartyRef(_other(n.by)),
            creditor=PartyRef(_by(n)),
            clause=rel.terms.deadline("dispute_representative").clause,
            owed=f"designate a representative to negotiate the dispute of {n.id}",
            trigger=n.id,
            due=_ask(rel, f"dispute.{n.id}.representative_by"),
            fulfilled=_first(
                rel.acts.of("dispute.representative_designated", n.id), _closed(rel, n, "the dispute was resolved")
            ),
            consequences=_remedies(rel, n),
        )


def dispute_meeting(rel: Relationship) -> Iterator[Duty]:
    """III.20.1: the representatives meet at least once within 30 days of the notice (each Party owes it)."""
    for n in _notices(rel, "dispute"):
        for party in (_other(n.by), _by(n)):
            yield Duty(
                id=f"dispute_meeting:{n.id}:{party}",
                rule="dispute_meeting",
                debtor=PartyRef(party),
                creditor=PartyRef(_other(party)),
                clause=rel.terms.deadline("dispute_meeting").clause,
                owed=f"meet (at least by conference call) to negotiate the dispute of {n.id}",
                trigger=n.id,
                due=_ask(rel, f"dispute.{n.id}.meeting_by"),
                fulfilled=_first(
                    rel.acts.of("dispute.meeting_held", n.id), _closed(rel, n, "the dispute was resolved")
                ),
                consequences=_remedies(rel, n),
            )


# -- defaults (III.2.6) ---------------------------------------------------------------------


def default_cure(rel: Relationship) -> Iterator[Duty]:
    """III.2.6: a Default is cured within 30 days of written notice of it, or the other Party may terminate."""
    for n in _notices(rel, "default"):
        yield Duty(
            id=f"default_cure:{n.id}",
            rule="default_cure",
            debtor=PartyRef(_other(n.by)),
            creditor=PartyRef(_by(n)),
            clause=rel.terms.deadline("default_cure").clause,
            owed=f"cure the Default noticed in {n.id}",
            trigger=n.id,
            due=_ask(rel, f"default.{n.id}.cure_by"),
            fulfilled=_closed(rel, n, "the Default was cured"),
            consequences=(
                Consequence(
                    "termination_right",
                    "the non-defaulting Party may terminate the Agreement",
                    rel.terms.deadline("default_cure").clause,
                    rel.deadlines.day_after(
                        "default_cure", n.received.value, "the Agreement may be terminated", f"notice {n.id} received"
                    ),
                ),
            ),
        )


# -- term, termination and successor (III.2.2–III.2.4) --------------------------------------


def _notice_deadline(rel: Relationship, term_end: dt.date) -> Explained[dt.date]:
    """The last day a Notice of Termination for a term ending `term_end` may be received (III.2.3)."""
    initial = rel.deadlines.initial_term_end()
    if term_end == initial.value:
        rule = rel.deadlines.rule("termination_notice_initial", term_end, "end of the Initial Term")
        return Explained(rule.value, initial.steps + rule.steps)
    follow_on = rel.terms.lifecycle.follow_on_term
    ends = initial.then(
        term_end,
        f"the Initial Term ended {initial.value.isoformat()}; the Agreement continues in Follow-on Terms of "
        f"{follow_on.value}: one ends {fmt(term_end)}",
        follow_on.clause,
    )
    rule = rel.deadlines.rule("termination_notice_follow_on", term_end, "end of the Follow-on Term")
    return Explained(rule.value, ends.steps + rule.steps)


def _term_ends(rel: Relationship) -> list[dt.date]:
    """The end of the last term whose notice deadline has passed (if any) and of the next one still open."""
    upcoming = rel.deadlines.termination_date(rel.as_of).value
    initial = rel.deadlines.initial_term_end().value
    months = rel.terms.lifecycle.follow_on_term.value.amount
    ends = [initial]
    while ends[-1] < upcoming:  # the term ends as termination_date counts them (III.2.2)
        ends.append(initial + relativedelta(months=months * len(ends)))
    return ends[-2:]


def termination_notice(rel: Relationship) -> Iterator[Duty]:
    """III.2.3: either Party may end the Agreement at the end of a term by a Notice of Termination
    received 90 days (Initial Term) or 30 days (Follow-on Term) before; otherwise it renews (III.2.2).
    An option of each Party; once a notice is given, the option it took is fulfilled."""
    given = _notices(rel, "termination")
    renew = rel.terms.lifecycle.follow_on_term
    ends = [_ask(rel, "agreement.termination_date").value] if given else _term_ends(rel)
    for end in ends:
        assert isinstance(end, dt.date)
        deadline = _notice_deadline(rel, end)
        for party in ("ilec", "clec"):
            mine = [n for n in given if n.by == party]
            yield Duty(
                id=f"termination_notice:{party}:{end.isoformat()}",
                rule="termination_notice",
                debtor=PartyRef(party),
                creditor=PartyRef(_other(party)),
                clause=rel.terms.deadline("termination_notice_initial").clause,
                owed=f"to end the Agreement at the end of the term ending {end.isoformat()}: a Notice of Termination",
                trigger="agreement",
                due=deadline,
                nature="option",
                fulfilled=Fulfilment(mine[0].id, mine[0].received.value, "Notice of Termination received")
                if mine
                else None,
                consequences=(
                    Consequence(
                        "renewal",
                        f"without a notice in time the Agreement continues for Follow-on Terms of {renew.value}",
                        renew.clause,
                    ),
                ),
            )


def successor_request(rel: Relationship) -> Iterator[Duty]:
    """III.2.4: after a Notice of Termination, a request to negotiate a successor agreement made on or
    before the noticed termination date keeps the Agreement in effect up to 180 days longer."""
    if not _notices(rel, "termination"):
        return
    ends = _ask(rel, "agreement.termination_date")
    asked = rel.lifecycle.successor_requested_on
    request = next((e for e in rel.events if e.type == "agreement.successor_requested"), None)
    for party in ("ilec", "clec"):
        done = None
        if asked is not None and request is not None:
            done = Fulfilment(request.id, asked, f"successor negotiation requested by the {request.get('by', 'clec')}")
        yield Duty(
            id=f"successor_request:{party}",
            rule="successor_request",
            debtor=PartyRef(party),
            creditor=PartyRef(_other(party)),
            clause=rel.terms.deadline("successor_negotiation").clause,
            owed="to keep the Agreement in effect while a successor is negotiated: request negotiation "
            f"on or before the termination date {fmt(ends.value)}",
            trigger=_notices(rel, "termination")[0].id,
            due=ends,
            nature="option",
            fulfilled=done,
            consequences=(
                Consequence(
                    "termination_right",
                    "without a request the Agreement terminates on the noticed date",
                    rel.terms.lifecycle.termination_time.clause,
                ),
            ),
        )


# -- unauthorized changes (III.50) ----------------------------------------------------------


def _documentation_due(rel: Relationship, n: Notice) -> Explained[dt.date]:
    rule = rel.deadlines.rule("unauthorized_change_documentation", n.received.value, f"notification {n.id} received")
    return Explained(rule.value, n.received.steps + rule.steps)


def _switch_back_charge(rel: Relationship) -> Consequence:
    price = rel.terms.prices["unauthorized_change"]
    return Consequence(
        "switch_back_charge",
        f"the End User is switched back, at ${price.value.amount} per affected line",
        price.clause,
    )


def unauthorized_change_documentation(rel: Relationship) -> Iterator[Duty]:
    """III.50.1: notified of an End User's complaint, Granite provides written authorization within 30 days."""
    for n in _notices(rel, "unauthorized_change"):
        yield Duty(
            id=f"unauthorized_change_documentation:{n.id}",
            rule="unauthorized_change_documentation",
            debtor=PartyRef("clec"),
            creditor=PartyRef("ilec"),
            clause=rel.terms.deadline("unauthorized_change_documentation").clause,
            owed=f"provide the End User's written authorization (notification {n.id})",
            trigger=n.id,
            due=_documentation_due(rel, n),
            fulfilled=rel.acts.of("unauthorized_change.documented", n.id),
            consequences=(
                Consequence(
                    "switch_back_charge",
                    "within 3 Business Days after, direct the change back, hand over the records and notify",
                    rel.terms.deadline("unauthorized_change_switch_back").clause,
                ),
                _switch_back_charge(rel),
            ),
        )


def unauthorized_change_switch_back(rel: Relationship) -> Iterator[Duty]:
    """III.50.1: without the authorization in time, within 3 Business Days Granite directs the change
    back, gives the records to the previous LEC and notifies the End User and CenturyLink."""
    for n in _notices(rel, "unauthorized_change"):
        documented = _documentation_due(rel, n)
        shown = rel.acts.of("unauthorized_change.documented", n.id)
        if rel.as_of <= documented.value or (shown is not None and shown.on <= documented.value):
            continue
        rule = rel.deadlines.rule(
            "unauthorized_change_switch_back", documented.value, "end of the documentation period"
        )
        yield Duty(
            id=f"unauthorized_change_switch_back:{n.id}",
            rule="unauthorized_change_switch_back",
            debtor=PartyRef("clec"),
            creditor=PartyRef("ilec"),
            clause=rel.terms.deadline("unauthorized_change_switch_back").clause,
            owed=f"direct the change back to the previous LEC, give it the records and notify (notification {n.id})",
            trigger=n.id,
            due=Explained(rule.value, documented.steps + rule.steps),
            fulfilled=rel.acts.of("unauthorized_change.switch_back_directed", n.id),
            consequences=(_switch_back_charge(rel),),
        )
