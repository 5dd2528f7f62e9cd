"""The public names of the reference and provider modules are locked (httpx style: an explicit __all__)."""

from __future__ import annotations

import dataclasses

import icaops.traffic.providers as providers
import icaops.traffic.reference as reference


def test_reference_public_surface():
    """icaops.traffic.reference exports exactly these names, all defined."""
    assert sorted(reference.__all__) == sorted(
        [
            "BLOCK_INDEX_SCHEMA",
            "COMPLETE_KINDS",
            "COVERAGE_CHECKS",
            "CoverageRange",
            "KINDS",
            "NUMBERING_KINDS",
            "Named",
            "ReferenceDataError",
            "ReferenceFile",
            "ReferenceSource",
            "SHIPPED_FILES",
            "build_reference",
            "coverage",
            "read_reference_file",
            "refused_message",
            "shipped_latas",
            "with_effective",
            "ENTRY_SCHEMA",
            "NUMBERING_COLUMNS",
            "REFERENCE_DIR",
            "Localities",
            "LoadIssue",
            "NpaInfo",
            "NpaTable",
            "NumberingEntry",
            "NumberingTable",
            "ReferenceData",
            "ServingArea",
            "ServingAreas",
            "SourceLine",
            "block_index_arrow",
            "load_lata_list",
            "load_localities",
            "load_npa_report",
            "load_numbering",
            "load_reference",
            "load_serving_areas",
            "load_shipped_reference",
            "normalize_number",
            "numbering_arrow",
            "parse_nanpa_date",
            "register_duckdb",
            "serving_areas_from_table",
        ]
    )
    assert all(hasattr(reference, name) for name in reference.__all__)


def test_providers_public_surface():
    """icaops.traffic.providers exports exactly these names, all defined."""
    assert sorted(providers.__all__) == sorted(
        [
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
    )
    assert all(hasattr(providers, name) for name in providers.__all__)


def test_records_are_frozen_dataclasses_with_slots():
    """Immutable records all the way down: every exported dataclass is frozen and slotted."""
    for module in (reference, providers):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj):
                params = obj.__dataclass_params__
                assert params.frozen and hasattr(obj, "__slots__"), f"{module.__name__}.{name}"


def test_every_traffic_package_defines_what_it_exports():
    """The records and pipeline packages, and every module of the records, reference and provider packages,
    have an explicit __all__ of names they define."""
    import importlib
    import pkgutil

    import icaops.traffic.pipeline as pipeline
    import icaops.traffic.records as records

    for package in (records, pipeline, reference, providers):
        assert all(hasattr(package, name) for name in package.__all__), package.__name__
    for package in (records, reference, providers):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            assert all(hasattr(module, name) for name in module.__all__), module.__name__
