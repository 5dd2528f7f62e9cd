"""Schemas of the provider registry's event types (Carrier Partner facts, CPA.1–CPA.10).

Each event becomes a registry fact (traffic/samples/day_spec.py `provider_fact`); one strict,
closed Pydantic model per type, `PROVIDER_EVENT_SCHEMAS` the table by type.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictStr

from ...relationship.event_fields import EventBase, Flag, ShortCode

__all__ = ["PROVIDER_EVENT_SCHEMAS", "ProviderName"]

ProviderName = Annotated[StrictStr, Field(min_length=1, max_length=64)]
_NpaNxx = Annotated[StrictStr, Field(pattern=r"^[0-9]{6,7}$")]
_AgreementKind = Literal["amendment", "numbering", "commercial_numbering"]


class _ProviderEvent(EventBase):
    provider: ProviderName


class ProviderAdded(_ProviderEvent):
    """A Carrier Partner added with its OCNs and NPA-NXX(-X) blocks."""

    type: Literal["traffic.provider_added"]
    ocns: tuple[ShortCode, ...] = ()
    npa_nxxs: tuple[_NpaNxx, ...] = ()
    clec_own_ocn: Flag | None = None


class AgreementSigned(EventBase):
    """The amendment, or a provider's numbering agreement, signed."""

    type: Literal["traffic.agreement_signed"]
    kind: _AgreementKind
    provider: ProviderName | None = None


class AgreementTerminated(EventBase):
    """The amendment, or a provider's numbering agreement, ended."""

    type: Literal["traffic.agreement_terminated"]
    kind: _AgreementKind
    provider: ProviderName | None = None


class ProviderConfirmed(_ProviderEvent):
    """CenturyLink confirmed it will carry the provider's traffic."""

    type: Literal["traffic.provider_confirmed"]


class ProviderNotice(_ProviderEvent):
    """Notice to start (or stop) sending a provider's traffic."""

    type: Literal["traffic.provider_notice"]
    action: Literal["start", "stop"] = "start"
    to_cam: Flag | None = None


class ProviderRemoved(_ProviderEvent):
    """A provider removed from the registry."""

    type: Literal["traffic.provider_removed"]


class DosDetected(_ProviderEvent):
    """A denial-of-service by a provider's traffic (CPA.8)."""

    type: Literal["traffic.dos_detected"]


class SeparateTrunkGroup(_ProviderEvent):
    """A separate trunk group established for a provider."""

    type: Literal["traffic.separate_trunk_group_established"]
    trunk_group: Annotated[StrictStr, Field(min_length=1, max_length=20)]


PROVIDER_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "traffic.provider_added": ProviderAdded,
        "traffic.agreement_signed": AgreementSigned,
        "traffic.agreement_terminated": AgreementTerminated,
        "traffic.provider_confirmed": ProviderConfirmed,
        "traffic.provider_notice": ProviderNotice,
        "traffic.provider_removed": ProviderRemoved,
        "traffic.dos_detected": DosDetected,
        "traffic.separate_trunk_group_established": SeparateTrunkGroup,
    }
)
"""The schema of each provider event type."""
