"""The directory work of a CLEC account through the gateway (Article VII), for every front end:
the table of its account actions (each an event of the directory lifecycle, the permission it
needs and its schema), the account's directory state as its projection holds it, and the
listing method in force on a day (VII.7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine

from ...directory import event_schemas as schemas
from ...directory.model import DirectoryState, MethodChoice
from ...terms.loader import Agreement
from .reads import fetch

__all__ = ["DIRECTORY_ACTIONS", "AccountAction", "current_method", "directory_rest"]


@dataclass(frozen=True)
class AccountAction:
    """One action of a CLEC account (not of an existing object): its resource name, the event
    type it records, the permission it needs, its body (the event's schema), and the body field
    naming the object in the audit log."""

    name: str
    event_type: str
    permission: str
    schema: type[BaseModel]
    summary: str
    key: str | None = None


DIRECTORY_ACTIONS = (
    AccountAction("directoryListing", "listing.submitted", "listings.submit", schemas.ListingSubmitted, "Add, change or delete an End User's listing, on an LSR or a stand-alone DSR (VII.2.a, VII.2.e); a DSR is charged (VIII)", "wtn"),
    AccountAction("directoryMethod", "directory.method_chosen", "listings.submit", schemas.MethodChosen, "Choose LSR/DSR or the annual data file for all directory markets; a change needs notice (VII.7)", "method"),
    AccountAction("directoryClose", "directory.close_announced", "listings.work", schemas.CloseAnnounced, "CenturyLink announces a directory's Business Office Close to a CLEC (VII.7.b.3, VII.8)", "directory"),
    AccountAction("galleyProof", "galley.provided", "listings.work", schemas.GalleyProvided, "CenturyLink provides the Galley Proof of the CLEC's listings (VII.2.g, VII.3.g)", "directory"),
    AccountAction("galleyRequest", "directory.galley_requested", "listings.submit", schemas.GalleyRequested, "Ask for a Galley Proof by the deadline; beyond the free ones it is charged (VII.2.g, VIII)", "directory"),
    AccountAction("galleyCorrections", "galley.corrections_submitted", "listings.submit", schemas.CorrectionsSubmitted, "Galley corrections, by the cut-off before the close (VII.2.g)", "directory"),
    AccountAction("annualFileIntent", "annual_file.intent_noticed", "listings.submit", schemas.IntentNoticed, "Notice of intent to provide an annual data file (VII.2.h)", "directory"),
    AccountAction("annualFile", "annual_file.submitted", "listings.submit", schemas.AnnualFileSubmitted, "The annual data file of a directory, before its close and after the intent notice (VII.7.b)", "directory"),
)  # fmt: skip
"""The directory actions of a CLEC account (Article VII): the CLEC's and CenturyLink's."""


def directory_rest(engine: Engine, agreement: Agreement, account: str, on: dt.date) -> Mapping[str, Any]:
    """An account's directory state but its listings: method choices, the directories' closes
    (books), galleys, corrections, annual file intents and files."""
    found = fetch(engine, agreement, "directory", account, "", "", on)
    return found if found is not None else {}


def current_method(rest: Mapping[str, Any], account: str, on: dt.date) -> MethodChoice | None:
    """The listing method of `account` in force on `on` (VII.7): the latest choice effective by
    then (None: none chosen yet), as the directory domain answers it."""
    return DirectoryState(methods=tuple(rest.get("methods", ()))).method_on(account, on)
