"""Schemas of the directory fold's event types (fold.py reads them): one strict, closed model per type.

Listing methods are terms (`directory.listing_methods`), so the fold checks them, not a literal here."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictStr

from ..relationship.event_fields import AccountEvent, Choice, Decimal_, EventBase, IsoDate, Text
from .fold import ACTIONS, VIAS

__all__ = ["DIRECTORY_EVENT_SCHEMAS"]

_Wtn = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Directory = Annotated[StrictStr, Field(min_length=1, max_length=60)]
_Share = Annotated[Decimal_, Field(ge=0, le=1)]
ActionName = Literal[ACTIONS]  # type: ignore[valid-type]
ViaName = Literal[VIAS]  # type: ignore[valid-type]


class MethodChosen(AccountEvent):
    """The CLEC's listing method for all directory markets, or a change of it (VII.7)."""

    type: Literal["directory.method_chosen"]
    method: Choice
    effective: IsoDate | None = None


class CloseAnnounced(EventBase):
    """CenturyLink announces a directory's Business Office Close (VII.7.b.3, VII.8)."""

    type: Literal["directory.close_announced"]
    directory: _Directory
    close: IsoDate


class ListingSubmitted(AccountEvent):
    """An end user's listing added, changed or deleted, on an LSR or a stand-alone DSR (VII.2.a, VII.2.e, VII.7.a)."""

    type: Literal["listing.submitted"]
    wtn: _Wtn
    action: ActionName
    via: ViaName
    name: Text | None = None
    order: Text | None = None


class IntentNoticed(AccountEvent):
    """Notice of intent to provide an annual data file of Listing Information (VII.2.h)."""

    type: Literal["annual_file.intent_noticed"]
    directory: _Directory
    submission: IsoDate


class AnnualFileSubmitted(AccountEvent):
    """The annual data file of one directory's listings (VII.7.b)."""

    type: Literal["annual_file.submitted"]
    directory: _Directory


class GalleyProvided(AccountEvent):
    """CenturyLink provides the Galley Proof of the CLEC's listings in a directory (VII.2.g, VII.3.g)."""

    type: Literal["galley.provided"]
    directory: _Directory


class GalleyRequested(AccountEvent):
    """The CLEC asks for a further Galley Proof for `desired` (VII.2.g); beyond the free ones it is charged (VIII)."""

    type: Literal["directory.galley_requested"]
    directory: _Directory
    desired: IsoDate


class CorrectionsSubmitted(AccountEvent):
    """The CLEC's galley corrections, correcting `share` of its listings (VII.2.g)."""

    type: Literal["galley.corrections_submitted"]
    directory: _Directory
    share: _Share


DIRECTORY_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "directory.method_chosen": MethodChosen,
        "directory.close_announced": CloseAnnounced,
        "listing.submitted": ListingSubmitted,
        "annual_file.intent_noticed": IntentNoticed,
        "annual_file.submitted": AnnualFileSubmitted,
        "galley.provided": GalleyProvided,
        "directory.galley_requested": GalleyRequested,
        "galley.corrections_submitted": CorrectionsSubmitted,
    }
)
"""The schema of each directory event type (fold.DIRECTORY_EVENTS has the same keys)."""
