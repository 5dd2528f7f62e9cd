"""Properties over random command sequences (hypothesis): the trial balance is always
zero, no money is created or lost, replay is deterministic, duplicates change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icaops.billing.ledger import Flow, Kind, LedgerError, Period, Ref, Transfer, replay

from .helpers import BAN, OTHER_BAN, new_ledger, transfer

pytestmark = pytest.mark.slow

ACCOUNTS = (
    "receivable",
    "cash",
    "credits",
    "disputes:pending",
    "revenue:recurring",
    "revenue:usage",
    "revenue:late_charges",
    "taxes_payable:ID",
    "surcharges_payable:e911",
    "deposits_held",
)
START = date(2012, 7, 1)
CENTS = Decimal("0.01")


def _cents(n: int) -> Decimal:
    return Decimal(n) * CENTS


@st.composite
def balanced_rows(draw):
    """2–6 legs, nonzero cents, debits split exactly across the credit legs."""
    debits = draw(st.lists(st.integers(1, 10**7), min_size=1, max_size=3))
    total = sum(debits)
    cuts = sorted(set(draw(st.lists(st.integers(1, max(total - 1, 1)), max_size=2))))
    cuts = [c for c in cuts if 0 < c < total]
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    amounts = [_cents(d) for d in debits] + [-_cents(c) for c in credits]
    accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=len(amounts), max_size=len(amounts)))
    return [(a, x, f"L{i}") for i, (a, x) in enumerate(zip(accounts, amounts))]


@st.composite
def commands(draw):
    """A sequence of postings, holds, posts/voids of holds, corrections and closes. Keys
    come from a small pool, so some commands collide or name missing targets: the ledger
    refuses those, and the properties must hold all the same."""
    out, holds, posted = [], [], []
    for _ in range(draw(st.integers(1, 30))):
        ban = draw(st.sampled_from((BAN, OTHER_BAN)))
        day = START + timedelta(days=draw(st.integers(0, 90)))
        key = f"k{draw(st.integers(0, 40))}"
        what = draw(st.sampled_from(("post", "post", "post", "hold", "resolve", "correct", "close")))
        if what == "close":
            out.append(Period(ban, day, day + timedelta(days=draw(st.integers(0, 20)))))
        elif what == "hold":
            amount = _cents(draw(st.integers(1, 10**6)))
            out.append(
                transfer(
                    key,
                    ("disputes:pending", amount),
                    ("receivable", -amount),
                    ban=ban,
                    on=day,
                    kind=Kind.DISPUTE_HOLD,
                    clause="III.9.4",
                    flow=Flow.PENDING,
                    refs=(Ref("dispute", key),),
                )
            )
            holds.append(out[-1])
        elif what == "resolve" and holds:
            out.append(_resolution(draw, key, draw(st.sampled_from(holds)), day))
        elif what == "correct" and posted:
            original = draw(st.sampled_from(posted))
            rows = [(leg.account, -leg.amount, leg.line) for leg in original.legs]
            out.append(
                transfer(key, *rows, ban=original.billing_account, on=day, kind=Kind.REVERSAL, corrects=original.key)
            )
        else:
            out.append(transfer(key, *draw(balanced_rows()), ban=ban, on=day, kind=draw(st.sampled_from(list(Kind)))))
            posted.append(out[-1])
    return out


def _resolution(draw, key: str, held: Transfer, day: date) -> Transfer:
    common = {
        "ban": held.billing_account,
        "on": day,
        "kind": Kind.DISPUTE_RELEASE,
        "clause": "III.9.4.1",
        "pending_key": held.key,
    }
    if draw(st.booleans()):
        return transfer(key, flow=Flow.VOID_PENDING, **common)
    part = _cents(draw(st.integers(1, int(held.legs.amounts[0] / CENTS))))
    return transfer(key, ("disputes:pending", part), ("receivable", -part), flow=Flow.POST_PENDING, **common)


def _expected_totals(ledger):
    """Money by an independent route: from the stored transfers' legs, not from entries."""
    stored = ledger.transfers()
    resolved = {t.pending_key for t in stored if t.pending_key}
    posted = sum(
        (x for t in stored if t.flow in (Flow.POSTED, Flow.POST_PENDING) for x in t.legs.amounts if x > 0), Decimal(0)
    )
    pending = sum(
        (x for t in stored if t.flow is Flow.PENDING and t.key not in resolved for x in t.legs.amounts if x > 0),
        Decimal(0),
    )
    return posted, pending


@settings(max_examples=150, deadline=None)
@given(commands())
def test_trial_balance_is_zero_and_no_money_is_created_or_lost(cmds):
    """Double entry: after any sequence, debits equal credits (posted and pending), and the
    per-account balances total exactly what the stored transfers' legs moved."""
    ledger = new_ledger()
    replay(ledger, cmds)
    trial = ledger.trial_balance()
    assert trial.balanced
    posted, pending = _expected_totals(ledger)
    assert trial.total("debits_posted") == trial.total("credits_posted") == posted
    assert trial.total("debits_pending") == trial.total("credits_pending") == pending
    for day in (START, START + timedelta(days=45), START + timedelta(days=120)):
        assert ledger.trial_balance(as_of=day).balanced


@settings(max_examples=100, deadline=None)
@given(commands())
def test_replay_is_deterministic(cmds):
    """Deterministic replay: the same commands give equal states with the same digest."""
    one, two = new_ledger(), new_ledger()
    assert replay(one, cmds) == replay(two, cmds)
    assert one.state() == two.state()
    assert hash(one.state()) == hash(two.state())
    assert one.state().digest() == two.state().digest()


@settings(max_examples=100, deadline=None)
@given(commands())
def test_every_command_duplicated_gives_the_same_state(cmds):
    """Idempotency: replaying with each command sent twice gives the state of sending it once."""
    once, twice = new_ledger(), new_ledger()
    replay(once, cmds)
    replay(twice, [c for command in cmds for c in (command, command)])
    assert once.state() == twice.state()
    assert once.state().digest() == twice.state().digest()


@settings(max_examples=100, deadline=None)
@given(commands())
def test_retrying_accepted_postings_later_changes_nothing(cmds):
    """Idempotency: every accepted posting retried at the end returns the stored original."""
    ledger = new_ledger()
    results = replay(ledger, cmds)
    before = ledger.state()
    for command, result in zip(cmds, results):
        if isinstance(command, Transfer) and not isinstance(result, LedgerError):
            again = ledger.post(command)
            assert again == ledger.store.get(command.key)
    assert ledger.state() == before
