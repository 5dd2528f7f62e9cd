"""Schemas of `traffic.calls` (a day's calls written inline, or a generated demo day),
`traffic.reference` (numbering files in effect from the event's date, docs/traffic-reference.md)
and `usage.file_delivered`: CenturyLink issued a Daily Usage File (VI.9.1, VI.9.2), which the
obligations read (a file is owed each day, Monday through Friday, except holidays observed by
CenturyLink; obligations/usage_rules.py).

The scenario files' traffic queries read them (scenarios/traffic_kinds.py); the provider
events' schemas are in providers/event_schemas.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator

from ..relationship.event_fields import AccountId, Count, Decimal_, EventBase, IsoDate, ShortCode, Text

__all__ = ["TRAFFIC_CALL_SCHEMAS", "USAGE_FILE_SCHEMAS", "TrafficCalls", "TrafficReference", "UsageFileDelivered"]

_Number = Annotated[StrictStr, Field(max_length=15)]
_Seconds = Annotated[StrictInt | Decimal_, Field(ge=0)]


class Call(BaseModel):
    """One call (or `repeat` calls spread over `over` seconds) at a time of the event's day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")]
    calling: _Number | None = None
    called: _Number | None = None
    billing: _Number | None = None
    duration: _Seconds | None = None
    conversation: _Seconds | None = None
    trunk_group: Annotated[StrictStr, Field(max_length=20)] | None = None
    dir: Literal["in", "out", "resale"] | None = None
    orig_ocn: ShortCode | None = None
    term_ocn: ShortCode | None = None
    sending_ocn: ShortCode | None = None
    orig_lrn: _Number | None = None
    message_type: Annotated[StrictStr, Field(max_length=2)] | None = None
    repeat: Annotated[Count, Field(ge=1, le=1_000_000)] | None = None
    over: Annotated[Count, Field(ge=1, le=86_400)] | None = None


class Generate(BaseModel):
    """A generated demo day: how many calls, the seed, and the demo registry's facts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calls: Annotated[Count, Field(ge=1, le=10_000_000)] | None = None
    seed: Count | None = None
    registry: Literal["demo"] | None = None


class TrafficCalls(EventBase):
    """A day's calls for the traffic checks: `calls` inline or `generate` a demo day."""

    type: Literal["traffic.calls"]
    clec_ocn: ShortCode | None = None
    calls: tuple[Call, ...] | None = None
    generate: Generate | None = None

    @model_validator(mode="after")
    def _some_calls(self) -> TrafficCalls:
        if not self.calls and self.generate is None:
            raise ValueError("calls (a list of calls) or generate: {calls: N, seed: S}")
        return self


class ReferenceFileEntry(BaseModel):
    """A numbering file and its kind: a path relative to the scenario file, or `shipped:NAME`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Annotated[StrictStr, Field(min_length=1, max_length=500)]
    kind: Literal["nanpa-npa", "nanpa-co", "pooling-blocks", "lerg6", "serving-areas", "ilec-ocns"]


class TrafficReference(EventBase):
    """Numbering files in effect from the event's date, per kind (icaops.traffic.reference.KINDS)."""

    type: Literal["traffic.reference"]
    files: Annotated[tuple[ReferenceFileEntry, ...], Field(min_length=1)]


TRAFFIC_CALL_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {"traffic.calls": TrafficCalls, "traffic.reference": TrafficReference}
)
"""The schemas of `traffic.calls` and `traffic.reference`."""


class UsageFileDelivered(EventBase):
    """A Daily Usage File issued on the event's date; `for_date` when it is a day's file sent later."""

    type: Literal["usage.file_delivered"]
    account: AccountId | None = None
    file: Text | None = None
    records: Count | None = None
    for_date: IsoDate | None = None


USAGE_FILE_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType({"usage.file_delivered": UsageFileDelivered})
"""The schema of `usage.file_delivered`."""
