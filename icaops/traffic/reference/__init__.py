"""Numbering reference data: who holds a number, where it is rated, and which ILEC switch serves it.

Loads LERG / NANPA central-office-code / pooling-block / operator-style CSVs, the NANPA NPA report
and the LATA list into immutable lookups (see docs/reference-data.md). Every loader returns
`(value, issues)`: a bad row is reported as a LoadIssue (`file:line: column: expected …`) and the
rest of the file still loads.

Modules: `sheets` (reading CSVs, LoadIssue), `numbering` (NPA-NXX and block entries), `nanp` (NPA
report, LATA list, localities), `areas` (ILEC serving areas), `columnar` (Arrow and DuckDB forms),
`load` (everything loaded and cross-checked).
"""

from icaops.traffic.reference.areas import ServingArea, ServingAreas, load_serving_areas, serving_areas_from_table
from icaops.traffic.reference.columnar import (
    BLOCK_INDEX_SCHEMA,
    ENTRY_SCHEMA,
    block_index_arrow,
    numbering_arrow,
    register_duckdb,
)
from icaops.traffic.reference.load import REFERENCE_DIR, ReferenceData, load_reference, load_shipped_reference
from icaops.traffic.reference.nanp import (
    Localities,
    NpaInfo,
    NpaTable,
    load_lata_list,
    load_localities,
    load_npa_report,
    parse_nanpa_date,
)
from icaops.traffic.reference.numbering import (
    NUMBERING_COLUMNS,
    NumberingEntry,
    NumberingTable,
    SourceLine,
    load_numbering,
    normalize_number,
)
from icaops.traffic.reference.sheets import LoadIssue

__all__ = [
    "BLOCK_INDEX_SCHEMA",
    "ENTRY_SCHEMA",
    "NUMBERING_COLUMNS",
    "REFERENCE_DIR",
    "LoadIssue",
    "Localities",
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
