"""The Interconnected VoIP Provider registry: pure state computed from dated facts (CPA.1, CPA.8, CPA.11).

Facts are deduplicated by id and applied by date (then kind, then id), so feeding a fact twice or
in another order changes nothing. Every query takes a date; nothing reads the clock.

Modules: `facts` (the dated facts), `replay` (facts applied in order into a state), `registry`
(the registry and its answers).
"""

from icaops.traffic.providers.facts import (
    AgreementKind,
    AgreementSigned,
    AgreementTerminated,
    CarryConfirmed,
    CarryNoticeGiven,
    DenialOfService,
    Fact,
    FactIssue,
    ProviderAdded,
    SeparateTrunkGroupEstablished,
    StopNoticeGiven,
)
from icaops.traffic.providers.registry import CarryAnswer, ProviderRegistry, Reason
from icaops.traffic.providers.replay import ProviderStatus, RegistryState

__all__ = [
    "AgreementKind",
    "AgreementSigned",
    "AgreementTerminated",
    "CarryAnswer",
    "CarryConfirmed",
    "CarryNoticeGiven",
    "DenialOfService",
    "Fact",
    "FactIssue",
    "ProviderAdded",
    "ProviderRegistry",
    "ProviderStatus",
    "Reason",
    "RegistryState",
    "SeparateTrunkGroupEstablished",
    "StopNoticeGiven",
]
