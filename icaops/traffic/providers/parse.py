"""Provider registry facts from YAML or event mappings, with where a wrong value was found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .facts import (
    AgreementKind,
    AgreementSigned,
    AgreementTerminated,
    CarryConfirmed,
    CarryNoticeGiven,
    DenialOfService,
    Fact,
    ProviderAdded,
    SeparateTrunkGroupEstablished,
    StopNoticeGiven,
)

__all__ = ["SpecError", "parse_date", "provider_fact"]


class SpecError(ValueError):
    """A day description or provider fact that cannot be used: where, which key, what was expected."""


_KINDS = {
    "amendment": AgreementKind.AMENDMENT,
    "numbering": AgreementKind.NUMBERING,
    "commercial_numbering": AgreementKind.COMMERCIAL_NUMBERING,
}


def provider_fact(raw: Mapping[str, Any], where: str, kind_key: str = "fact") -> Fact:
    """A registry fact from a mapping such as ``{fact: carry_notice, id: n1, on: 2020-02-10, provider: P}``."""

    def need(key: str) -> Any:
        if raw.get(key) in (None, ""):
            raise SpecError(f"{where}: {key}: expected a value")
        return raw[key]

    kind = need(kind_key)
    fid, on = str(need("id")), parse_date(need("on") if "on" in raw else need("date"), f"{where}: on")
    provider = str(raw["provider"]) if raw.get("provider") else None
    if kind in ("agreement_signed", "agreement_terminated"):
        agreement = _KINDS.get(str(need("kind")))
        if agreement is None:
            raise SpecError(f"{where}: kind: expected one of {', '.join(_KINDS)}, got {raw['kind']!r}")
        cls: type[AgreementSigned] | type[AgreementTerminated] = (
            AgreementSigned if kind == "agreement_signed" else AgreementTerminated
        )
        return cls(fid, on, agreement, provider)
    provider = str(need("provider"))
    if kind == "provider_added":
        return ProviderAdded(
            fid,
            on,
            provider,
            tuple(str(o) for o in raw.get("ocns") or ()),
            tuple(str(c) for c in raw.get("npa_nxxs") or ()),
            bool(raw.get("clec_own_ocn", False)),
        )
    simple: dict[str, type[CarryNoticeGiven] | type[StopNoticeGiven]] = {
        "carry_notice": CarryNoticeGiven,
        "stop_notice": StopNoticeGiven,
    }
    if kind in simple:
        return simple[kind](fid, on, provider, bool(raw.get("to_cam", True)))
    if kind == "carry_confirmed":
        return CarryConfirmed(fid, on, provider)
    if kind == "denial_of_service":
        return DenialOfService(fid, on, provider, str(raw.get("note", "")))
    if kind == "separate_trunk_group":
        return SeparateTrunkGroupEstablished(fid, on, provider, str(need("trunk_group")))
    raise SpecError(f"{where}: {kind_key}: expected a provider fact type, got {kind!r}")


def parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SpecError(f"{where}: expected an ISO date such as 2024-03-12, got {value!r}") from None
