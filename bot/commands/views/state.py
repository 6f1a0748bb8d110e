"""Reading ``view["state"]["values"]``: ``{block_id: {action_id: {type, <value key>}}}``.

Every getter tolerates a missing block (hidden by a toggle) or a null value (an empty
optional input) and returns None or an empty list. A value of a type Slack never sends
there (a list for a text, a number for a user id…) is refused with ``MalformedState``, a
``UserError``: the payload was forged or garbled, and reading it as empty could save
"every feature off" from a form that said nothing of the kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.commands.ids import base_of
from bot.errors import UserError

StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]

# Every integer input groupbot has is small (seconds ≤ 10,800, repeats ≤ 20, percent ≤
# 100). A longer number is read as ±BEYOND, which each field's range then refuses in its
# own words, instead of converting thousands of digits (Python refuses beyond 4,300).
MAX_DIGITS = 9
BEYOND: int = 10**MAX_DIGITS
# Slack's bounds on what a select sends: an option's value, a user id; and ours on how
# many choices one input may hold (a form of 15 members has no use for more).
MAX_OPTION_VALUE = 150
MAX_CHOICES = 100
USER_ID = re.compile(r"[UW][A-Z0-9]{1,63}")


class MalformedState(UserError):
    """A form's values are not shaped the way Slack sends them."""

    def __init__(self, block_id: str, what: str) -> None:
        self.block_id = block_id
        super().__init__(
            f"This request is malformed: the value of “{block_id[:64]}” is not {what}. "
            "Close the form and open it again."
        )


def _element(state: StateValues, block_id: str, action_id: str) -> Mapping[str, Any]:
    if not isinstance(state, Mapping):
        raise MalformedState(block_id, "part of a form")
    block = state.get(block_id)
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise MalformedState(block_id, "an input block")
    element = block.get(action_id)
    if element is None:
        return {}
    if not isinstance(element, Mapping):
        raise MalformedState(block_id, "an input")
    return element


def _string(value: object, block_id: str, what: str) -> str:
    """A text Slack sends as a string; numbers are taken as their text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedState(block_id, what)
    return str(value)


def _list(value: object, block_id: str, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_CHOICES:
        raise MalformedState(block_id, what)
    return value


def text(state: StateValues, block_id: str, action_id: str) -> str | None:
    """A text, number, url or email input: the value stripped, None when empty."""
    value = _element(state, block_id, action_id).get("value")
    if value is None:
        return None
    stripped = _string(value, block_id, "a text").strip()
    return stripped or None


def text_as_typed(state: StateValues, block_id: str, action_id: str) -> str:
    """A text input exactly as typed, "" when empty: for a value whose spaces count, such
    as a caller-ID prefix ("Sales: " keeps its space, as on the command line)."""
    value = _element(state, block_id, action_id).get("value")
    return "" if value is None else _string(value, block_id, "a text")


def number(state: StateValues, block_id: str, action_id: str) -> int | str | None:
    """A number input as an int when it is one (±BEYOND when it has more digits than any
    range allows), else the raw text (for the validator to reject with its own message),
    None when empty."""
    value = text(state, block_id, action_id)
    if value is None:
        return None
    if not re.fullmatch(r"-?\d+", value):
        return value
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("-").lstrip("0")
    if len(digits) > MAX_DIGITS:
        return sign * BEYOND
    return sign * int(digits or "0")


def decimal(state: StateValues, block_id: str, action_id: str) -> float | str | None:
    """A decimal input as a finite float, else the raw text, None when empty."""
    value = text(state, block_id, action_id)
    if value is None:
        return None
    try:
        parsed = float(value)
    except ValueError:
        return value
    return parsed if math.isfinite(parsed) else value


def _option_value(option: object, block_id: str) -> str:
    if not isinstance(option, Mapping):
        raise MalformedState(block_id, "a choice")
    value = _string(option.get("value"), block_id, "a choice")
    if len(value) > MAX_OPTION_VALUE:
        raise MalformedState(block_id, "a choice")
    return value


def selected(state: StateValues, block_id: str, action_id: str) -> str | None:
    """A static select or radio buttons: the chosen option's value."""
    chosen = _element(state, block_id, action_id).get("selected_option")
    if chosen is None or chosen == {}:
        return None
    return _option_value(chosen, block_id)


def selected_values(state: StateValues, block_id: str, action_id: str) -> list[str]:
    """Checkboxes or a multi static select: the chosen options' values."""
    chosen = _element(state, block_id, action_id).get("selected_options")
    return [_option_value(o, block_id) for o in _list(chosen, block_id, "a list of choices")]


def checked(state: StateValues, block_id: str, action_id: str) -> bool:
    """A one-checkbox toggle."""
    return bool(selected_values(state, block_id, action_id))


def users(state: StateValues, block_id: str, action_id: str) -> list[str]:
    chosen = _element(state, block_id, action_id).get("selected_users")
    found = _list(chosen, block_id, "a list of people")
    if not all(isinstance(user, str) and USER_ID.fullmatch(user) for user in found):
        raise MalformedState(block_id, "a list of people")
    return found


def conversation(state: StateValues, block_id: str, action_id: str) -> str | None:
    chosen = _element(state, block_id, action_id).get("selected_conversation")
    if chosen is None or chosen == "":
        return None
    if not isinstance(chosen, str):
        raise MalformedState(block_id, "a conversation")
    return chosen


def with_base(state: StateValues, base: str) -> Iterator[tuple[list[str], str]]:
    """(suffix parts, block_id) of every block whose id is ``base`` or ``base:…``."""
    for block_id in state:
        if base_of(block_id) == base:
            yield block_id.split(":")[1:], block_id
