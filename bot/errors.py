"""The one error family the Slack surface, the shell and the CLI know how to show.

A ``UserError`` is shown to the user exactly as written; anything else is a bug,
logged with a reference id (see ``bot.commands.errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class UserError(Exception):
    """Something the user can fix; ``str(err)`` is the message they see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class FieldErrors(UserError):
    """Rejections keyed by the field they concern (``"members.2.end"``, ``"extension"``).

    Modals turn the keys into input ``block_id``s; the command line shows them as a list.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(self._text(self.errors.items()))

    @staticmethod
    def _text(items: Iterable[tuple[str, str]]) -> str:
        lines = [message for _, message in items]
        return lines[0] if len(lines) == 1 else "\n".join(f"• {line}" for line in lines)
