"""Load errors for terms files: each names the file, the line, the key and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TermsError", "TermsLoadError"]


@dataclass(frozen=True, slots=True)
class TermsError:
    """One problem in a terms file."""

    file: str
    line: int | None
    key: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} expected {self.expected}"


class TermsLoadError(Exception):
    """Raised when an agreement cannot be loaded; carries every error found."""

    def __init__(self, errors: list[TermsError]):
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in errors))
