"""The chart of accounts: which account names a billing account may post to, and on
which side each one normally carries its balance.

The chart is data handed in by the caller (one per CLEC billing account), never an enum in
the engine. A name ending in `:*` declares a family, e.g. `taxes_payable:*` admits
`taxes_payable:ID` and `taxes_payable:federal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .errors import Code, LedgerError

__all__ = ["Chart", "Normal"]

_FAMILY = ":*"


class Normal(StrEnum):
    """The side on which an account's balance is normally positive."""

    DEBIT = "debit"
    CREDIT = "credit"


@dataclass(frozen=True, slots=True)
class Chart:
    """Account names (and `prefix:*` families) with their normal side."""

    exact: Mapping[str, Normal]
    families: Mapping[str, Normal]  # keyed by the prefix including its colon

    @classmethod
    def parse(cls, mapping: Mapping[str, str]) -> Chart | LedgerError:
        """Build a chart from `{name: "debit" | "credit"}`; a bad entry is `chart_invalid`."""
        exact: dict[str, Normal] = {}
        families: dict[str, Normal] = {}
        for name, side in mapping.items():
            if side not in Normal.__members__.values():
                return LedgerError(
                    Code.CHART_INVALID,
                    f"account {name!r} has normal side {side!r}; expected 'debit' or 'credit'",
                    field=name,
                )
            stem = name.removesuffix(_FAMILY)
            if not stem or "*" in stem or stem != stem.strip():
                return LedgerError(
                    Code.CHART_INVALID,
                    f"account name {name!r} is not a name or a 'prefix:*' family",
                    field=name,
                )
            if name.endswith(_FAMILY):
                families[stem + ":"] = Normal(side)
            else:
                exact[name] = Normal(side)
        if not exact and not families:
            return LedgerError(Code.CHART_INVALID, "the chart declares no accounts")
        return cls(MappingProxyType(exact), MappingProxyType(families))

    def normal(self, account: str) -> Normal | None:
        """The account's normal side, or None when the chart does not admit the name."""
        side = self.exact.get(account)
        if side is not None:
            return side
        prefix, colon, rest = account.rpartition(":")
        while colon:
            if rest and (side := self.families.get(prefix + ":")) is not None:
                return side
            prefix, colon, rest = prefix.rpartition(":")
        return None
