"""The ledger as one value: what replay must reproduce exactly."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from .transfers import Period, Transfer

__all__ = ["LedgerState"]


@dataclass(frozen=True, slots=True)
class LedgerState:
    """Every stored transfer in id order and every closed period; equal states hash equal."""

    currency: str
    scale: int
    transfers: tuple[Transfer, ...]
    closed: tuple[Period, ...]

    def digest(self) -> str:
        """A SHA-256 over a canonical JSON text of the state (amounts as integer minor
        units, times in UTC), stable across processes and machines."""
        sha = hashlib.sha256(json.dumps([self.currency, self.scale]).encode())
        for transfer in self.transfers:
            sha.update(b"\n" + _canonical(transfer, self.scale).encode())
        for period in self.closed:
            closed = [period.billing_account, str(period.first), str(period.last)]
            sha.update(b"\n" + json.dumps(closed).encode())
        return sha.hexdigest()


def _canonical(transfer: Transfer, scale: int) -> str:
    legs = transfer.legs
    return json.dumps(
        [
            transfer.id,
            transfer.key,
            transfer.billing_account,
            str(transfer.kind),
            str(transfer.effective_date),
            transfer.posted_at.astimezone(UTC).isoformat(),
            transfer.currency,
            transfer.clause,
            transfer.memo,
            str(transfer.flow),
            transfer.pending_key,
            transfer.corrects,
            [[ref.source, ref.id] for ref in transfer.refs],
            legs.accounts,
            [int(amount.scaleb(scale)) for amount in legs.amounts],
            legs.lines,
        ]
    )
