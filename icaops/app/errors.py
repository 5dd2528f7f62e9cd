"""The one error an operation raises for a user's mistake: what was given, and what was expected.

The CLI prints it (exit 2), the REST API answers it as JSON; neither shows a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["UserError"]


class UserError(Exception):
    """A user's input or request that cannot be carried out.

    `code` is stable for clients (`not_found`, `invalid`, `conflict`); `field` names the
    option, argument or record field at fault when there is one; `details` are further lines
    (e.g. each error of a terms file), or named values a client acts on (`{"retry_after": 30}`
    of `rate_limited`).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field: str | None = None,
        details: tuple[str, ...] | Mapping[str, Any] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details
