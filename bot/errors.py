"""The one error family the Slack surface, the shell and the CLI know how to show.

A ``UserError`` is shown to the user exactly as written; anything else is a bug,
logged with a reference id (see ``bot.commands.errors``).
"""

from __future__ import annotations

from bot.engine.errors import FieldErrors, UserError


class NotFound(UserError):
    pass


class Forbidden(UserError):
    pass


class NotAvailableYet(UserError):
    pass


class Conflict(UserError):
    """Someone else saved first; the user should reopen and try again."""


class PbxUnavailable(UserError):
    """The change is stored but the PBX has not taken it yet (it stays in the outbox)."""


__all__ = [
    "Conflict",
    "FieldErrors",
    "Forbidden",
    "NotAvailableYet",
    "NotFound",
    "PbxUnavailable",
    "UserError",
]
