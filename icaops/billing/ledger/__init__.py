"""Double-entry, append-only ledger for CLEC billing accounts (pure domain, no I/O).

See docs/ledger.md for the model, the dispute flow and every error code.
"""

from .accounts import Chart, Normal
from .balances import Balance, TrialBalance
from .checks import AMOUNT_DIGITS_MAX
from .errors import Code, LedgerError
from .ledger import Ledger, replay
from .state import LedgerState
from .store import Entry, LedgerStore, MemoryStore
from .transfers import Flow, Kind, Leg, Legs, Period, Ref, Transfer

__all__ = [
    "AMOUNT_DIGITS_MAX",
    "Balance",
    "Chart",
    "Code",
    "Entry",
    "Flow",
    "Kind",
    "Ledger",
    "LedgerError",
    "LedgerState",
    "LedgerStore",
    "Leg",
    "Legs",
    "MemoryStore",
    "Normal",
    "Period",
    "Ref",
    "Transfer",
    "TrialBalance",
    "replay",
]
