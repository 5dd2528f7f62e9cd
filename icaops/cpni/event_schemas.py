"""Schemas of the CPNI fold's event types (fold.py reads them): one strict, closed model per type."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictStr

from ..relationship.event_fields import AccountEvent, Choice, EventId, Text
from .access import INFORMATION_KINDS, ROLES
from .fold import AUTHORIZATION_SCOPES, DVF_FILES

__all__ = ["CPNI_EVENT_SCHEMAS"]

_Wtn = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Actor = Annotated[StrictStr, Field(min_length=1, max_length=100)]
RoleName = Literal[ROLES]  # type: ignore[valid-type]
KindName = Literal[INFORMATION_KINDS]  # type: ignore[valid-type]
ScopeName = Literal[AUTHORIZATION_SCOPES]  # type: ignore[valid-type]
FileName = Literal[DVF_FILES]  # type: ignore[valid-type]


class BlanketLoaFiled(AccountEvent):
    """The CLEC's Blanket Letter of Authorization is on file (VI.8.4.1, III.29.1)."""

    type: Literal["cpni.blanket_loa_filed"]


class BlanketLoaWithdrawn(AccountEvent):
    """The CLEC's Blanket LOA no longer applies."""

    type: Literal["cpni.blanket_loa_withdrawn"]


class AuthorizationRecorded(AccountEvent):
    """An End User Customer's authorisation, on the CLEC's records (VI.8.4.2); its id is the event id."""

    type: Literal["cpni.authorization_recorded"]
    wtn: _Wtn
    scope: ScopeName = "release_of_cpni"


class AuthorizationWithdrawn(AccountEvent):
    """An End User Customer withdrew an authorisation."""

    type: Literal["cpni.authorization_withdrawn"]
    refers_to: EventId


class CsrRequested(AccountEvent):
    """A Customer Service Record Search requested (II.2.26): granted, it derives the priced `csr.searched`."""

    type: Literal["csr.requested"]
    wtn: _Wtn
    channel: Choice
    authorization: EventId | None = None
    actor: _Actor | None = None


class CpniAccessed(AccountEvent):
    """A read of the CLEC's customer information by any role (VI.8.3.2): the access record."""

    type: Literal["cpni.accessed"]
    actor: _Actor
    role: RoleName
    organisation: _Actor | None = None
    kind: KindName = "customer_record"
    wtn: _Wtn | None = None
    authorization: EventId | None = None
    purpose: Text | None = None


class DvfRequested(AccountEvent):
    """A Data Validation File requested (VI.8.5.1), at most as often as VI.8.5.2 allows."""

    type: Literal["dvf.requested"]
    file: FileName


CPNI_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "cpni.blanket_loa_filed": BlanketLoaFiled,
        "cpni.blanket_loa_withdrawn": BlanketLoaWithdrawn,
        "cpni.authorization_recorded": AuthorizationRecorded,
        "cpni.authorization_withdrawn": AuthorizationWithdrawn,
        "csr.requested": CsrRequested,
        "cpni.accessed": CpniAccessed,
        "dvf.requested": DvfRequested,
    }
)
"""The schema of each CPNI event type (fold.CPNI_EVENTS has the same keys)."""
