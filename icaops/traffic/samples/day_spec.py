"""The description of a generated traffic day (``demo_day.yaml``) and the provider registry it implies.

Errors name the file, the key and what was expected. Provider facts use the names of
``icaops.traffic.providers`` in snake case (``provider_added``, ``agreement_signed``,
``carry_notice``, ``carry_confirmed``, ``stop_notice``, ``agreement_terminated``,
``denial_of_service``, ``separate_trunk_group``); the same names are scenario event types
(``provider.*``, docs/scenarios.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from icaops.terms.yamlsource import read_yaml
from icaops.traffic.providers import Fact, ProviderRegistry
from icaops.traffic.providers.parse import SpecError, parse_date, provider_fact

__all__ = [
    "DEMO_DAY_SPEC",
    "DaySpec",
    "DosBurst",
    "ProviderSpec",
    "SpecError",
    "TrunkGroup",
    "demo_registry",
    "load_day_spec",
]

DEMO_DAY_SPEC = Path(__file__).with_name("demo_day.yaml")


@dataclass(frozen=True, slots=True)
class TrunkGroup:
    """A CLEC interconnection trunk group and the CenturyLink switch it reaches."""

    id: str
    switch: str


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """An Interconnected VoIP Provider on the CLEC's trunks: OCN, NPA-NXX-X blocks, share of calls."""

    id: str
    ocn: str
    blocks: tuple[str, ...]
    share: str


@dataclass(frozen=True, slots=True)
class DosBurst:
    """A flood of attempts from one provider on one trunk group, `factor` times the terms' thresholds."""

    provider: str
    trunk_group: str
    start_seconds: int
    minutes: int
    factor: str


@dataclass(frozen=True)
class DaySpec:
    """Everything `generate_day` needs besides the reference data and the terms."""

    source: str
    date: dt.date
    clec_name: str
    clec_ocn: str
    ilec_ocns: tuple[str, ...]
    trunk_groups: tuple[TrunkGroup, ...]
    providers: tuple[ProviderSpec, ...]
    transit_blocks: tuple[str, ...]
    outside_blocks: tuple[str, ...]
    unassigned_block: str
    invalid_calling_number: str
    direction_mix: Mapping[str, str]
    distance_weights: Mapping[str, str]
    answer_ratio: str
    answered_short_share: str
    median_conversation_seconds: int
    hourly_profile: tuple[str, ...]
    resale_usage_share: str
    anomalies: Mapping[str, int]
    dos_burst: DosBurst
    facts: tuple[Fact, ...]

    @property
    def unauthorized_providers(self) -> frozenset[str]:
        """Providers the registry does not let the CLEC carry on the day (CPA.1.1)."""
        registry = demo_registry(self)
        return frozenset(p.id for p in self.providers if not registry.may_carry(p.id, self.date).allowed)


def demo_registry(spec: DaySpec) -> ProviderRegistry:
    """The provider registry built from the spec's facts."""
    return ProviderRegistry.from_facts(spec.facts)


def load_day_spec(path: Path | str = DEMO_DAY_SPEC) -> DaySpec:
    """Read a day description; SpecError naming the file and key on bad input."""
    path = Path(path)
    doc, errors = read_yaml(path)
    if doc is None or errors:
        raise SpecError("; ".join(str(e) for e in errors) or f"{path}: expected a YAML mapping")
    data = doc.data

    def need(key: str) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise SpecError(f"{doc.where((key,))}: {key}: expected a value")
        return data[key]

    try:
        providers = tuple(
            ProviderSpec(str(p["id"]), str(p["ocn"]), tuple(str(b) for b in p["blocks"]), str(p["share"]))
            for p in need("providers")
        )
        burst = need("dos_burst")
        hh, mm = str(burst["start"]).split(":")
        spec = DaySpec(
            source=doc.file,
            date=parse_date(need("date"), f"{doc.file}: date"),
            clec_name=str(need("clec")["name"]),
            clec_ocn=str(need("clec")["ocn"]),
            ilec_ocns=tuple(str(o) for o in need("ilec_ocns")),
            trunk_groups=tuple(TrunkGroup(str(t["id"]), str(t["switch"])) for t in need("trunk_groups")),
            providers=providers,
            transit_blocks=tuple(str(b) for b in need("transit_blocks")),
            outside_blocks=tuple(str(b) for b in need("outside_blocks")),
            unassigned_block=str(need("unassigned_block")),
            invalid_calling_number=str(need("invalid_calling_number")),
            direction_mix=MappingProxyType({k: str(v) for k, v in need("direction_mix").items()}),
            distance_weights=MappingProxyType({k: str(v) for k, v in need("distance_weights").items()}),
            answer_ratio=str(need("answer_ratio")),
            answered_short_share=str(need("answered_short_share")),
            median_conversation_seconds=int(need("median_conversation_seconds")),
            hourly_profile=tuple(str(h) for h in need("hourly_profile")),
            resale_usage_share=str(need("resale_usage_share")),
            anomalies=MappingProxyType({k: int(v) for k, v in need("anomalies").items()}),
            dos_burst=DosBurst(
                str(burst["provider"]),
                str(burst["trunk_group"]),
                int(hh) * 3600 + int(mm) * 60,
                int(burst["minutes"]),
                str(burst["factor"]),
            ),
            facts=tuple(provider_fact(f, f"{doc.where(('facts', i))}") for i, f in enumerate(need("facts"))),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"{path}: expected the layout of {DEMO_DAY_SPEC.name} ({type(exc).__name__}: {exc})") from None
    _check(spec, doc)
    return spec


def _check(spec: DaySpec, doc) -> None:
    """Cross-references inside the spec: the burst names a provider and trunk group; 24 hours; known mixes."""
    where = doc.where(("dos_burst",))
    if spec.dos_burst.provider not in {p.id for p in spec.providers}:
        raise SpecError(f"{where}: dos_burst.provider: expected one of the providers, got {spec.dos_burst.provider!r}")
    if spec.dos_burst.trunk_group not in {t.id for t in spec.trunk_groups}:
        raise SpecError(
            f"{where}: dos_burst.trunk_group: expected one of the trunk groups, got {spec.dos_burst.trunk_group!r}"
        )
    if len(spec.hourly_profile) != 24:
        raise SpecError(
            f"{doc.where(('hourly_profile',))}: hourly_profile: expected 24 values, got {len(spec.hourly_profile)}"
        )
    for key, names in (
        ("direction_mix", ("clec_to_ilec", "ilec_to_clec", "transit")),
        ("distance_weights", ("local", "intralata_toll", "interlata")),
    ):
        if set(getattr(spec, key)) != set(names):
            raise SpecError(f"{doc.where((key,))}: {key}: expected keys {', '.join(names)}")
