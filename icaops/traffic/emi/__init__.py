"""EMI Daily Usage File codec (agreement VI.9): field map, reader, writer."""

from icaops.traffic.emi.decode import ElapsedFormat
from icaops.traffic.emi.reader import ReadOptions, read_emi, read_emi_table
from icaops.traffic.emi.writer import (
    EmiWriter,
    EncodeError,
    FieldError,
    PackInfo,
    encode_records,
    write_emi,
)

__all__ = [
    "ElapsedFormat",
    "EmiWriter",
    "EncodeError",
    "FieldError",
    "PackInfo",
    "ReadOptions",
    "encode_records",
    "read_emi",
    "read_emi_table",
    "write_emi",
]
