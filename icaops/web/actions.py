"""A form's action recorded as the signed-in actor's, through the gateway's one write path
(`icaops.app.gateway.requests.act`), with the form's one-time key as its Idempotency-Key. The
answer kept is what a page needs: whether the action was kept, its event, and every refusal
with its code, field, message and clause."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..app.gateway.actions import Check, Outcome
from ..app.gateway.projection import Refusal
from ..app.gateway.requests import act
from .core import Portal, Posted, idempotency_of

__all__ = ["Done", "perform"]


@dataclass(frozen=True)
class Done:
    """What an action did: kept or not, its event id, its refusals (dicts with their clause)."""

    kept: bool
    event: str
    refusals: tuple[Mapping[str, str], ...]
    emitted: tuple[str, ...]

    @property
    def refused(self) -> bool:
        """Whether the agreement refused it (not kept, or kept with its refusals)."""
        return not self.kept or bool(self.refusals)


Cite = Callable[[Outcome], tuple[Refusal, ...]]
"""The clauses of an outcome's refusals where its fold cites none (a notice's are its terms')."""


def _body(outcome: Outcome, cite: Cite | None = None) -> tuple[int, Mapping[str, Any]]:
    if cite is not None:
        outcome = replace(outcome, refusals=cite(outcome))
    refusals = [{"code": r.code, "field": r.field, "message": r.message, "clause": r.clause} for r in outcome.refusals]
    status = 200 if outcome.kept and not refusals else 422
    return status, {
        "kept": outcome.kept,
        "event": outcome.event.id,
        "refusals": refusals,
        "emitted": [e.id for e in outcome.emitted],
    }


def perform(
    portal: Portal,
    posted: Posted,
    path: str,
    account: str,
    event_type: str,
    data: Mapping[str, Any],
    subject: str,
    check: Check | None = None,
    authorization: str | None = None,
    cite: Cite | None = None,
) -> Done:
    """Record the action and say what it did (a form sent twice is answered as the first time);
    `cite` gives the clause of refusals whose fold names none (a notice's are its method's term's)."""
    idem = idempotency_of(posted, path, data)
    _, body, _ = act(
        portal.engine, portal.agreement, posted.actor, account, event_type, data, subject, portal.now(),
        lambda o: _body(o, cite), idem, portal.notify, check, authorization,
    )  # fmt: skip
    return Done(
        bool(body["kept"]),
        str(body["event"]),
        tuple(dict(r) for r in body["refusals"]),
        tuple(str(e) for e in body.get("emitted", ())),
    )
