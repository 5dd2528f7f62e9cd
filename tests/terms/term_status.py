"""Terms no code reads yet, and the module that is to read each (docs/terms-format.md).

Every term of the schema is read by code (tests/terms/reads.py), marked `informational: true`
in the terms files, or listed here. A new term that is none of these fails
tests/terms/test_term_reads.py. When a module starts reading a term, remove it from here.
"""

from __future__ import annotations

__all__ = ["PENDING"]

# term key -> the module that is to read it, and what it is to do with it.
PENDING: dict[str, str] = {}
