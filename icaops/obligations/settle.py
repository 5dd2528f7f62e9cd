"""An obligation's state as of a date, decided the same way for every rule.

In order: a duty fulfilled on or before the date is fulfilled (late if after its due date:
`violated_since` is kept); one expressly waived by its creditor (III.52) is waived; one held in
abeyance (a timely billing dispute) is suspended; after its due date a duty is violated from
the day after (the due date is the last day of a "within N days" period,
docs/interpretations.md#within-n-days) and an option lapses (waived; taken late, it still
lapsed); from the start of the
due-soon window (`obligations.due_soon_window`) it is due soon; before that, pending.
"""

from __future__ import annotations

import datetime as dt

from ..calendar.deadlines import Deadlines
from ..calendar.periods import fmt, shift
from ..explain import Explained, Step
from .acts import Waiver
from .model import Duty, Obligation, ObligationError, State

__all__ = ["due_soon_from", "settle"]


def due_soon_from(due: dt.date, dl: Deadlines) -> Explained[dt.date]:
    """The first day an obligation due on `due` shows as due soon (`obligations.due_soon_window`)."""
    window = dl.terms.obligations.due_soon_window
    start = shift(due, window.value, -1, dl.cal)
    return Explained(
        start,
        (Step(f"due {fmt(due)} - {window.value} = {fmt(start)}: due soon from then (system choice)", window.clause),),
    )


def _waiver(duty: Duty, waiver: Waiver | None, as_of: dt.date) -> tuple[Waiver | None, tuple[ObligationError, ...]]:
    if waiver is None or waiver.on > as_of:
        return None, ()
    if waiver.by != duty.creditor.party:
        error = ObligationError(
            "waiver_not_by_creditor",
            waiver.event,
            "by",
            f"{duty.creditor.party}, the party owed obligation {duty.id} (a debtor cannot waive what it owes)",
            "III.52",
        )
        return None, (error,)
    return waiver, ()


def settle(
    duty: Duty, as_of: dt.date, dl: Deadlines, waiver: Waiver | None = None
) -> tuple[Obligation, tuple[ObligationError, ...]]:
    """The duty as an obligation on `as_of`, with the steps that decided its state."""
    waiver, errors = _waiver(duty, waiver, as_of)
    due = duty.due.value
    late_from = due + dt.timedelta(days=1)
    done = duty.fulfilled if duty.fulfilled is not None and duty.fulfilled.on <= as_of else None
    if done is not None and duty.nature == "option" and done.on > due:
        done = None  # an option taken after its date does not keep the right: it lapsed
    state: State
    violated_since = None
    waived_by = None
    suspended_by = None
    if done is not None and (waiver is None or done.on <= waiver.on):
        state = "fulfilled"
        late = done.on > due
        violated_since = late_from if late and duty.nature == "duty" else None
        when = f"late, after {fmt(due)}" if late else "in time"
        step = Step(f"{done.text or 'fulfilled'} by event {done.event} on {fmt(done.on)}, {when}", duty.clause)
    elif waiver is not None:
        state, waived_by = "waived", waiver.event
        step = Step(f"expressly waived by the {waiver.by} (event {waiver.event}, {fmt(waiver.on)})", "III.52")
    elif duty.suspended_by is not None:
        state, suspended_by = "suspended", duty.suspended_by
        step = Step(f"held in abeyance by {duty.suspended_by}", duty.clause)
    elif as_of > due and duty.nature == "option":
        state, waived_by = "waived", "lapsed"
        step = Step(f"not taken by {fmt(due)}: the option lapsed", duty.clause)
    elif as_of > due:
        state, violated_since = "violated", late_from
        step = Step(f"not done by {fmt(due)}: violated since {fmt(late_from)}", duty.clause)
    else:
        soon = due_soon_from(due, dl)
        if as_of >= soon.value:
            state = "due_soon"
            step = Step(f"on {fmt(as_of)}, within the window before {fmt(due)}: due soon", soon.clauses[0])
        else:
            state = "pending"
            step = Step(f"on {fmt(as_of)}, before {fmt(soon.value)}: pending", soon.clauses[0])
    owes = Step(f"{duty.debtor} owes {duty.creditor}: {duty.owed}", duty.clause)
    why = Explained(state, duty.due.steps + (owes, step))
    return (
        Obligation(
            id=duty.id,
            rule=duty.rule,
            debtor=duty.debtor,
            creditor=duty.creditor,
            clause=duty.clause,
            owed=duty.owed,
            trigger=duty.trigger,
            due=duty.due,
            state=state,
            as_of=as_of,
            nature=duty.nature,
            fulfilled_by=done.event if state == "fulfilled" and done else None,
            fulfilled_on=done.on if state == "fulfilled" and done else None,
            violated_since=violated_since,
            waived_by=waived_by,
            suspended_by=suspended_by,
            amount=duty.amount,
            consequences=duty.consequences,
            why=why,
        ),
        errors,
    )
