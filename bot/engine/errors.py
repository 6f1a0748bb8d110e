"""The errors the domain raises: what the user can fix, keyed by field where it has one.

``bot.errors`` adds the application's own (not found, forbidden, conflicts, the PBX
lagging) to these; the Slack surface, the shell and the CLI show any of them as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class UserError(Exception):
    """Something the user can fix; ``str(err)`` is the message they see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
