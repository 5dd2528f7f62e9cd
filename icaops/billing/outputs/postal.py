"""A US postal address as the agreement writes it, split for X12 N3/N4: street, city, state, ZIP.

`100 CenturyLink Drive, Monroe, Louisiana 71203` -> street `100 CenturyLink Drive`, city
`Monroe`, state `LA`, ZIP `71203`. The state may be written out or as its USPS code; the
ZIP has five digits, optionally `-` and four more. An address that does not end
`…, City, State ZIP` is not split (the 811 then carries it in N3 only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["STATES", "PostalAddress", "split_address"]

STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "puerto rico": "PR",
}
_TAIL = re.compile(r",\s*(?P<city>[^,]+?)\s*,\s*(?P<state>[A-Za-z][A-Za-z .]*?)\.?\s+(?P<zip>\d{5}(?:-\d{4})?)\s*$")


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """An address split for N3 (street) and N4 (city, state code, ZIP)."""

    street: str
    city: str
    state: str  # USPS code, e.g. LA
    zip: str


def split_address(text: str) -> PostalAddress | None:
    """The address split, or None if it does not end `…, City, State ZIP` with a known state."""
    match = _TAIL.search(text)
    if match is None:
        return None
    state = match["state"].strip()
    code = state.upper() if state.upper() in STATES.values() else STATES.get(" ".join(state.lower().split()))
    street = text[: match.start()].strip(" ,")
    if code is None or not street:
        return None
    return PostalAddress(street, match["city"].strip(), code, match["zip"])
