"""Which of our listeners a button or a form is for: one Bolt listener per kind of
request, and a table of ours behind it.

Bolt tries its listeners one after another, and each built-in matcher builds its
arguments anew (``build_required_kwargs``): about 25 µs a listener here, so a button
registered 27th waited some 0.7 ms for its acknowledgement (docs/performance.md). Bolt
sees one listener for the actions and one for the view submissions; which of ours runs is
a dictionary lookup on the action or callback id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest

from bot.commands.ids import SEPARATOR, base_of
from bot.errors import UserError

Listener = Callable[[BoltRequest], None]
OLDER_BUTTON = "This button or form is from an older groupbot, or damaged: open it again."


class Routes:
    """Listeners by id: ``exact`` ones answer that id only, the others also its suffixed
    forms (``show:42``: the same button on each group's row)."""

    def __init__(self, id_of: Callable[[dict[str, Any]], str]) -> None:
        self._id_of = id_of
        self._exact: dict[str, Listener] = {}
        self._suffixed: dict[str, Listener] = {}

    def add(self, base: str, listener: Listener, *, exact: bool = False) -> None:
        if base in self._exact or base in self._suffixed:
            raise ValueError(f"{base} has a listener already")
        (self._exact if exact else self._suffixed)[base] = listener

    def pattern(self) -> re.Pattern[str]:
        """What Bolt matches for the one listener: exactly the ids this table answers."""
        forms = [re.escape(i) for i in self._exact]
        forms += [rf"{re.escape(i)}(?:{re.escape(SEPARATOR)}.*)?" for i in self._suffixed]
        # \Z, not $: "$" also matches before a final line break ("group_create\n")
        return re.compile(rf"^(?:{'|'.join(forms)})\Z")

    def listener(self) -> Listener:
        def route(request: BoltRequest) -> None:
            identifier = self._id_of(request.body)
            found = self._exact.get(identifier) or self._suffixed.get(base_of(identifier))
            if found is None:  # Bolt matched ``pattern``: only a forged id gets here
                raise UserError(OLDER_BUTTON)
            found(request)

        return route


def action_id(body: dict[str, Any]) -> str:
    """The pressed element's id (Bolt matched ``pattern`` on the same field)."""
    return str(body["actions"][0]["action_id"])


def callback_id(body: dict[str, Any]) -> str:
    return str(body["view"]["callback_id"])
