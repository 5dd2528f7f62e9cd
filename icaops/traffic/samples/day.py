"""A generated day of traffic on the CLEC's trunks (Carrier Partner Amendment), for the demo and tests.

The day is described by data (``demo_day.yaml`` beside this module: the CLEC, its trunk groups, the
Interconnected VoIP Providers and their blocks, the traffic mix, what to plant, the registry
facts) and generated with numpy, seeded and deterministic, as rows of ``CALL_RECORD_SCHEMA``:

- category 11 access records for trunk traffic: CLEC→CenturyLink (a provider's caller to a
  CenturyLink end user; ``orig_term_ind`` "2", ``sending_ocn`` the CLEC), CenturyLink→CLEC
  (``orig_term_ind`` "1", sending OCN the ILEC's) and transit (a provider's caller to another
  carrier's number in a CenturyLink rate center); ``orig_ocn``/``term_ocn`` are the LERG holders
  of the calling/called numbers; answered calls have ``conversation_tenths`` > 0;
- category 01 message records for the CLEC's resold lines (per-message billing, VIII);
- planted: a DoS burst from one provider on one trunk group, sized from the terms' thresholds
  (CPA.8), calls with a missing or altered calling number (CPA.7), VoIP 911 calls to CenturyLink
  (CPA.10), calls to numbers outside every CenturyLink serving area (CPA.9), and the traffic of a
  provider the CLEC never notified (CPA.1.1).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from icaops.traffic.emi import columns as C
from icaops.traffic.emi import write_emi
from icaops.traffic.emi.writer import PackInfo
from icaops.traffic.records import CALL_RECORD_SCHEMA, finish_batch, local_to_utc
from icaops.traffic.reference import NumberingEntry, ReferenceData
from icaops.traffic.samples.day_spec import DaySpec, SpecError

__all__ = ["GeneratedDay", "generate_day", "write_day"]

_EPOCH = dt.date(1970, 1, 1)
CAT_11, CAT_01 = "110101", "010101"
DIRECTIONS = ("clec_to_ilec", "ilec_to_clec", "transit")
DISTANCES = ("local", "intralata_toll", "interlata")


@dataclass(frozen=True)
class GeneratedDay:
    """The calls of one day and what was planted in them (counts by kind; DoS windows in UTC)."""

    date: dt.date
    calls: pa.Table
    planted: Mapping[str, int]
    dos_windows: tuple[tuple[dt.datetime, dt.datetime], ...]
    dos_provider: str
    dos_trunk_group: str


@dataclass(frozen=True)
class _Prefixes:
    """Seven-digit NPA-NXX-X prefixes with their holder's OCN, rate center, LATA and serving switches."""

    codes: np.ndarray
    ocns: tuple[str | None, ...]
    rate_centers: tuple[str | None, ...]
    latas: tuple[str | None, ...]
    switches: tuple[tuple[str, ...], ...]


def _entry(reference: ReferenceData, code: str) -> NumberingEntry:
    entry = reference.lookup(code + "000")
    assert entry is not None, f"block {code}: not in the reference data the day was specified against"
    return entry


def _prefixes(reference: ReferenceData, codes: list[str]) -> _Prefixes:
    entries = [_entry(reference, code) for code in codes]
    return _Prefixes(
        np.array([int(c) for c in codes], dtype=np.int64),
        tuple(e.ocn for e in entries),
        tuple(e.rate_center for e in entries),
        tuple(e.lata for e in entries),
        tuple(reference.serving_switches(c + "000") for c in codes),
    )


def _held_blocks(reference: ReferenceData, npa_nxx: str, ocns: frozenset[str]) -> list[str]:
    """The thousands blocks of an NPA-NXX whose holder is one of `ocns` (skips blocks pooled to others)."""
    out = []
    for digit in "0123456789":
        entry = reference.lookup(f"{npa_nxx}{digit}000")
        if entry is not None and entry.ocn in ocns:
            out.append(npa_nxx + digit)
    return out


def _check_blocks(spec: DaySpec, reference: ReferenceData) -> None:
    for provider in spec.providers:
        for block in provider.blocks:
            entry = reference.lookup(block + "000")
            if entry is None or entry.ocn != provider.ocn or entry.rate_center is None:
                found = "no entry" if entry is None else f"OCN {entry.ocn}, rate center {entry.rate_center}"
                raise SpecError(
                    f"{spec.source}: providers: {provider.id}: block {block}: expected a block held by "
                    f"{provider.ocn} with a rate center in the reference data, found {found}"
                )
    for block in spec.outside_blocks:
        if reference.lookup(block + "000") is None or reference.serving_switches(block + "000"):
            raise SpecError(
                f"{spec.source}: outside_blocks: {block}: expected an assigned block outside every "
                f"CenturyLink serving area"
            )
    if reference.lookup(spec.unassigned_block + "000") is not None:
        raise SpecError(f"{spec.source}: unassigned_block: {spec.unassigned_block}: expected a block no one holds")


class _Draw:
    """The columns being built: numbers as int64 with a digit count (0 = absent), indices into names."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **cols: np.ndarray) -> None:
        n = len(cols["local"])
        defaults = {"calling_len": np.full(n, 10), "called_len": np.full(n, 10), "category": np.zeros(n, np.int8)}
        self.parts.append({**defaults, **cols})

    def concat(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}


def generate_day(
    spec: DaySpec,
    reference: ReferenceData,
    terms,
    *,
    calls: int,
    seed: int = 0,
    day: dt.date | None = None,
    source_file: str = "generated-day",
) -> GeneratedDay:
    """About `calls` call records for one day (exactly `calls` unless the planted calls alone exceed it).

    Deterministic for a given spec, reference, terms, `calls` and `seed`.
    """
    _check_blocks(spec, reference)
    day = day or spec.date
    rng = np.random.default_rng(seed)
    g = _Generator(spec, reference, rng, (day - _EPOCH).days * 86400)
    burst = g.dos_burst(terms.get("carrier_partner.dos_thresholds").value)
    planted = g.anomalies()
    normal = max(calls - burst - planted, 0)
    resale = int((normal * Decimal(spec.resale_usage_share)).to_integral_value())
    g.normal(normal - resale)
    g.resale(resale)
    table = g.table(source_file)
    counts = dict(g.planted)
    windows = tuple((dt.datetime.fromtimestamp(a, dt.UTC), dt.datetime.fromtimestamp(b, dt.UTC)) for a, b in g.windows)
    return GeneratedDay(
        day, table, MappingProxyType(counts), windows, spec.dos_burst.provider, spec.dos_burst.trunk_group
    )


class _Generator:
    """Builds the day's columns segment by segment (normal traffic, burst, planted calls, resale usage)."""

    def __init__(self, spec: DaySpec, reference: ReferenceData, rng: np.random.Generator, day_start: int) -> None:
        self.spec, self.ref, self.rng, self.day_start = spec, reference, rng, day_start
        self.draw = _Draw()
        self.planted: dict[str, int] = {}
        self.windows: list[tuple[int, int]] = []
        ilec = frozenset(spec.ilec_ocns)
        self.ilec = _prefixes(
            reference,
            [
                b
                for area in reference.serving_areas.by_switch.values()
                for nxx in sorted(area.npa_nxxs)
                for b in _held_blocks(reference, nxx, ilec)
            ],
        )
        self.provider_ids = tuple(p.id for p in spec.providers)
        self.prov = _prefixes(reference, [b for p in spec.providers for b in p.blocks])
        self.prov_owner = np.array([i for i, p in enumerate(spec.providers) for _ in p.blocks])
        self.transit = _prefixes(reference, list(spec.transit_blocks))
        self.outside = _prefixes(reference, list(spec.outside_blocks))
        self.tgs = tuple(t.id for t in spec.trunk_groups)
        self.names = _Names(spec, self.tgs, self.ilec, self.prov, self.transit, self.outside)
        self.unauthorized = spec.unauthorized_providers

    # -- pieces ---------------------------------------------------------------------------

    def _times(self, n: int) -> np.ndarray:
        hourly = _weights(self.spec.hourly_profile)
        # The hourly shares are read at mid-hour and interpolated per minute, so the day has no steps.
        weights = np.interp(np.arange(1440) + 0.5, np.arange(24) * 60 + 30, hourly, period=1440)
        minutes = self.rng.choice(1440, size=n, p=weights / weights.sum())
        return self.day_start + minutes * 60 + self.rng.integers(0, 60, n)

    def _lines(self, codes: np.ndarray) -> np.ndarray:
        return codes * 1000 + self.rng.integers(0, 1000, codes.size)

    def _tg_for(self, dest: _Prefixes, idx: np.ndarray) -> np.ndarray:
        """A trunk group reaching the switch that serves each destination prefix (any, if none does)."""
        choices = [
            [i for i, t in enumerate(self.spec.trunk_groups) if t.switch in sw] or list(range(len(self.tgs)))
            for sw in dest.switches
        ]
        pick = self.rng.random(idx.size)
        out = np.empty(idx.size, dtype=np.int64)
        for j, options in enumerate(choices):
            rows = idx == j
            out[rows] = np.asarray(options)[(pick[rows] * len(options)).astype(np.int64)]
        return out

    def _durations(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(duration, conversation) in tenths: answered calls talk, the rest ring and give up."""
        s = self.spec
        answered = self.rng.random(n) < _weights([s.answer_ratio])[0]
        short = self.rng.random(n) < _weights([s.answered_short_share])[0]
        talk = np.maximum(self.rng.lognormal(math.log(s.median_conversation_seconds * 10), 1.0, n), 1).astype(np.int64)
        talk = np.where(short, self.rng.integers(5, 50, n), np.minimum(talk, 36000))
        ring = self.rng.integers(20, 300, n)
        conversation = np.where(answered, talk, 0)
        return conversation + np.where(answered, self.rng.integers(20, 80, n), ring), conversation

    def _distance_choice(self, src: _Prefixes, src_idx: np.ndarray, dst: _Prefixes) -> np.ndarray:
        """For each source prefix, a destination prefix weighted by local / intraLATA / interLATA."""
        w = self.spec.distance_weights
        out = np.empty(src_idx.size, dtype=np.int64)
        for j in np.unique(src_idx):
            rows = np.flatnonzero(src_idx == j)
            weight = _weights(
                [
                    w["local"]
                    if rc == src.rate_centers[j]
                    else w["intralata_toll"]
                    if lata == src.latas[j]
                    else w["interlata"]
                    for rc, lata in zip(dst.rate_centers, dst.latas)
                ]
            )
            out[rows] = self.rng.choice(len(dst.codes), size=rows.size, p=weight / weight.sum())
        return out

    def _provider_blocks(self, n: int, providers: np.ndarray | None = None) -> np.ndarray:
        if providers is None:
            share = _weights([p.share for p in self.spec.providers])
            providers = self.rng.choice(len(share), size=n, p=share / share.sum())
        out = np.empty(n, dtype=np.int64)
        for i in range(len(self.spec.providers)):
            rows = providers == i
            blocks = np.flatnonzero(self.prov_owner == i)
            out[rows] = blocks[self.rng.integers(0, blocks.size, int(rows.sum()))]
        return out

    def _trunk_calls(self, local: np.ndarray, blocks: np.ndarray, direction: int, **extra: np.ndarray) -> None:
        """Calls between providers' blocks and CenturyLink end users (or transit targets), on trunk groups."""
        n = local.size
        if direction == 2:
            dst = self.rng.integers(0, len(self.transit.codes), n)
            tg = self._tg_for(self.transit, dst)
            other, other_ocn = self._lines(self.transit.codes[dst]), self.names.transit_ocn[dst]
        else:
            dst = self._distance_choice(self.prov, blocks, self.ilec)
            tg = self._tg_for(self.ilec, dst)
            other, other_ocn = self._lines(self.ilec.codes[dst]), self.names.ilec_ocn[dst]
        mine, my_ocn = self._lines(self.prov.codes[blocks]), self.names.prov_ocn[blocks]
        duration, conversation = self._durations(n)
        outbound = direction != 1
        cols = {
            "local": local,
            "calling": np.where(outbound, mine, other),
            "called": np.where(outbound, other, mine),
            "orig_ocn": np.where(outbound, my_ocn, other_ocn),
            "term_ocn": np.where(outbound, other_ocn, my_ocn),
            "sending": np.full(n, self.names.clec if outbound else self.names.ilec_sender),
            "ind": np.full(n, 1 if outbound else 0),
            "tg": tg,
            "duration": duration,
            "conversation": conversation,
        }
        cols.update(extra)
        self.draw.add(**cols)

    # -- segments -------------------------------------------------------------------------

    def normal(self, n: int) -> None:
        """The day's ordinary traffic: diurnal times, providers by share, directions by mix."""
        if n <= 0:
            return
        mix = _weights([self.spec.direction_mix[d] for d in DIRECTIONS])
        direction = self.rng.choice(3, size=n, p=mix / mix.sum())
        local = self._times(n)
        blocks = self._provider_blocks(n)
        for d in range(3):
            rows = direction == d
            self._trunk_calls(local[rows], blocks[rows], d)
        unauthorized = [i for i, p in enumerate(self.spec.providers) if p.id in self.unauthorized]
        owners = self.prov_owner[blocks]
        self.planted["provider_not_authorized"] = int(np.isin(owners, unauthorized).sum())

    def dos_burst(self, thresholds) -> int:
        """A flood sized from the terms: attempts above both the window minimum and the rate limit (CPA.8)."""
        b = self.spec.dos_burst
        window = thresholds.window_seconds
        floor = max(thresholds.min_attempts_in_window, math.floor(thresholds.max_attempts_per_second * window) + 1)
        per_window = math.ceil(floor * Decimal(b.factor))
        provider = self.provider_ids.index(b.provider)
        tg = self.tgs.index(b.trunk_group)
        start = self.day_start + b.start_seconds
        start -= start % window  # whole windows from a clock minute: the planted windows below
        n = per_window * b.minutes * 60 // window
        local = start + self.rng.integers(0, b.minutes * 60, n)
        local = np.sort(local)
        self.windows = [
            (self._utc(start + k * window), self._utc(start + (k + 1) * window))
            for k in range(b.minutes * 60 // window)
        ]
        blocks = self._provider_blocks(n, np.full(n, provider))
        short_tenths = thresholds.short_call_seconds * 10
        # Answered half as often as the minimum ratio; short calls halfway between the maximum ratio and all.
        answered = self.rng.random(n) < _weights([Decimal(thresholds.min_answer_seizure_ratio) / 2])[0]
        short = answered | (self.rng.random(n) < _weights([(1 + Decimal(thresholds.max_short_call_ratio)) / 2])[0])
        duration = np.where(
            short, self.rng.integers(1, short_tenths, n), self.rng.integers(short_tenths, 4 * short_tenths, n)
        )
        conversation = np.where(answered, np.maximum(duration - 5, 1), 0)
        self._trunk_calls(local, blocks, 0, tg=np.full(n, tg), duration=duration, conversation=conversation)
        self.planted["dos_burst_calls"] = int(n)
        return int(n)

    def _utc(self, local_s: int) -> int:
        return int(local_to_utc(np.array([local_s], dtype=np.int64))[0])

    def anomalies(self) -> int:
        """Planted single calls from authorized providers during business hours (CPA.7, 9, 10)."""
        a = self.spec.anomalies
        authorized = [
            i
            for i, p in enumerate(self.spec.providers)
            if p.id not in self.unauthorized and p.id != self.spec.dos_burst.provider
        ]
        total = 0
        for kind in ("cpn_missing", "cpn_altered", "voip_911", "outside_serving_area"):
            n = int(a.get(kind, 0))
            if n == 0:
                continue
            local = self.day_start + self.rng.integers(9 * 3600, 17 * 3600, n)
            providers = np.asarray(authorized)[np.arange(n) % len(authorized)]
            blocks = self._provider_blocks(n, providers)
            self._trunk_calls(local, blocks, 0, **self._plant(kind, n))
            self.planted[kind] = n
            total += n
        return total

    def _plant(self, kind: str, n: int) -> dict[str, np.ndarray]:
        if kind == "cpn_missing":
            return {"calling_len": np.zeros(n, np.int64)}
        if kind == "voip_911":
            return {"called": np.full(n, 911), "called_len": np.full(n, 3), "term_ocn": np.full(n, -1)}
        if kind == "outside_serving_area":
            pick = np.arange(n) % len(self.outside.codes)
            return {"called": self._lines(self.outside.codes[pick]), "term_ocn": self.names.outside_ocn[pick]}
        # cpn_altered: a calling number only alteration explains -- an unassigned NPA-NXX, a CenturyLink
        # end user's number sent with the provider's OCN, or digits that are not a NANP number.
        variants = [
            self._lines(np.full(n, self.names.unassigned_code)),
            self._lines(self.ilec.codes[np.arange(n) % len(self.ilec.codes)]),
            np.full(n, self.names.invalid_number),
        ]
        return {"calling": np.choose(np.arange(n) % 3, variants)}

    def resale(self, n: int) -> None:
        """Category 01 message records: local calls from the CLEC's resold lines (billed per message, VIII)."""
        if n <= 0:
            return
        src = self.rng.integers(0, len(self.ilec.codes), n)
        lines = self.ilec.codes[src] * 1000 + self.rng.integers(0, 40, n)  # 40 resold lines per block
        dst = self._distance_choice(self.ilec, src, self.ilec)
        duration, _ = self._durations(n)
        self.draw.add(
            local=self._times(n),
            calling=lines,
            called=self._lines(self.ilec.codes[dst]),
            duration=duration,
            conversation=np.zeros(n, np.int64),
            orig_ocn=np.full(n, -1),
            term_ocn=np.full(n, -1),
            sending=np.full(n, -1),
            ind=np.full(n, -1),
            tg=np.full(n, -1),
            category=np.ones(n, np.int8),
        )

    def table(self, source_file: str) -> pa.Table:
        cols = self.draw.concat()
        order = np.argsort(cols["local"], kind="stable")
        cols = {k: v[order] for k, v in cols.items()}
        return pa.Table.from_batches([self.names.batch(cols, source_file)], CALL_RECORD_SCHEMA)


class _Names:
    """Text for the index columns: OCNs, trunk groups, record types; numbers as digit strings."""

    def __init__(
        self,
        spec: DaySpec,
        tgs: tuple[str, ...],
        ilec: _Prefixes,
        prov: _Prefixes,
        transit: _Prefixes,
        outside: _Prefixes,
    ):
        ocns = sorted(
            {
                o
                for o in (*spec.ilec_ocns, spec.clec_ocn, *ilec.ocns, *prov.ocns, *transit.ocns, *outside.ocns)
                if o is not None
            }
        )
        self.ocns = tuple(ocns)
        self.clec = ocns.index(spec.clec_ocn)
        self.ilec_sender = ocns.index(spec.ilec_ocns[0])
        at: dict[str | None, int] = {o: i for i, o in enumerate(ocns)}  # only outside blocks may lack an OCN
        self.ilec_ocn = np.array([at[o] for o in ilec.ocns])
        self.prov_ocn = np.array([at[o] for o in prov.ocns])
        self.transit_ocn = np.array([at[o] for o in transit.ocns])
        self.outside_ocn = np.array([at[o] if o else -1 for o in outside.ocns])
        self.tgs = tgs
        self.unassigned_code = int(spec.unassigned_block)
        self.invalid_number = int(spec.invalid_calling_number)

    def batch(self, cols: dict[str, np.ndarray], source_file: str) -> pa.RecordBatch:
        n = cols["local"].size
        cat11 = cols["category"] == 0
        out = {
            "record_no": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "record_type": _pick((CAT_11, CAT_01), cols["category"]),
            "connect_time_local": pa.array(cols["local"], pa.int64()),
            "calling_number": _digits(cols["calling"], cols["calling_len"]),
            "called_number": _digits(cols["called"], cols["called_len"]),
            "duration_tenths": pa.array(cols["duration"], pa.int64()),
            "conversation_tenths": pa.array(cols["conversation"], pa.int64(), mask=~cat11),
            "orig_term_ind": _pick(("1", "2"), cols["ind"]),
            "trunk_group": _pick(self.tgs, cols["tg"]),
            "orig_ocn": _pick(self.ocns, cols["orig_ocn"]),
            "term_ocn": _pick(self.ocns, cols["term_ocn"]),
            "sending_ocn": _pick(self.ocns, cols["sending"]),
            "billing_number": _digits(cols["calling"], np.where(cat11, 0, cols["calling_len"])),
            "message_type": _pick(("1",), np.where(cat11, -1, 0)),
            "rate_class": _pick(("1",), np.where(cat11, -1, 0)),
        }
        return finish_batch(out, n=n, source_file=source_file, source_format="generated")


def _weights(values) -> np.ndarray:
    """Decimal or numeric-text shares and probabilities as numpy doubles, for random sampling only (never money)."""
    return np.array([Decimal(str(v)) for v in values], dtype=np.float64)


def _pick(names: tuple[str, ...], idx: np.ndarray) -> pa.Array:
    """names[idx] as strings; a negative index is null."""
    valid = idx >= 0
    indices = pa.array(np.where(valid, idx, 0).astype(np.int32), mask=~valid)
    return pa.DictionaryArray.from_arrays(indices, pa.array(names, pa.string())).cast(pa.string())


def _digits(values: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Numbers as zero-filled digit strings of their length (10, or 3 for 911); length 0 is null."""
    col = C.from_int(values, 10)
    short = lengths < 10
    if short.any():
        for width in np.unique(lengths[short & (lengths > 0)]):
            rows = lengths == width
            col[rows, :width] = C.from_int(values[rows], int(width))
    return C.string_array(col, lengths.astype(np.int64), lengths > 0)


def write_day(day: GeneratedDay, path: Path, *, sending_ocn: str = "0000") -> Path:
    """Write the day as Parquet (``.parquet``), EMI (``.emi``/``.dat``) or CSV (``.csv``), by suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        pq.write_table(day.calls, path, row_group_size=262144)
    elif suffix in (".emi", ".dat", ".duf"):
        write_emi(path, day.calls, PackInfo(created=day.date, sending_company=sending_ocn))
    elif suffix == ".csv":
        _write_csv(day.calls, path)
    else:
        raise ValueError(f"{path}: expected a name ending in .parquet, .emi, .dat or .csv")
    return path


def _write_csv(calls: pa.Table, path: Path) -> None:
    keep = [
        n
        for n in calls.column_names
        if n
        not in (
            "record_id",
            "source_file",
            "source_format",
            "record_no",
            "byte_offset",
            "category",
            "call_date",
            "connect_time",
        )
    ]
    table = calls.select(keep)
    local = pc.strftime(table.column("connect_time_local"), format="%Y-%m-%d %H:%M:%S")
    table = table.set_column(keep.index("connect_time_local"), "connect_time_local", local)
    pacsv.write_csv(table, path)
