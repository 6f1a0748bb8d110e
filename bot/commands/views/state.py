"""Reading ``view["state"]["values"]``: ``{block_id: {action_id: {type, <value key>}}}``.

Every getter tolerates a missing block (hidden by a toggle) or a null value (an empty
optional input) and returns None or an empty list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from bot.commands.ids import base_of

StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]


def _element(state: StateValues, block_id: str, action_id: str) -> Mapping[str, Any]:
    block = state.get(block_id) or {}
    return block.get(action_id) or {}


def text(state: StateValues, block_id: str, action_id: str) -> str | None:
    """A text, number, url or email input: the value stripped, None when empty."""
    value = _element(state, block_id, action_id).get("value")
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def number(state: StateValues, block_id: str, action_id: str) -> int | str | None:
    """A number input as an int when it is one, else the raw text (for the validator to
    reject with its own message), None when empty."""
    value = text(state, block_id, action_id)
    if value is None:
        return None
    return int(value) if re.fullmatch(r"-?\d+", value) else value


def decimal(state: StateValues, block_id: str, action_id: str) -> float | str | None:
    value = text(state, block_id, action_id)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def selected(state: StateValues, block_id: str, action_id: str) -> str | None:
    """A static select or radio buttons: the chosen option's value."""
    chosen = _element(state, block_id, action_id).get("selected_option")
    return str(chosen["value"]) if chosen else None


def selected_values(state: StateValues, block_id: str, action_id: str) -> list[str]:
    """Checkboxes or a multi static select: the chosen options' values."""
    chosen = _element(state, block_id, action_id).get("selected_options") or []
    return [str(o["value"]) for o in chosen]


def checked(state: StateValues, block_id: str, action_id: str) -> bool:
    """A one-checkbox toggle."""
    return bool(selected_values(state, block_id, action_id))


def users(state: StateValues, block_id: str, action_id: str) -> list[str]:
    return [str(u) for u in _element(state, block_id, action_id).get("selected_users") or []]


def conversation(state: StateValues, block_id: str, action_id: str) -> str | None:
    chosen = _element(state, block_id, action_id).get("selected_conversation")
    return str(chosen) if chosen else None


def with_base(state: StateValues, base: str) -> Iterator[tuple[list[str], str]]:
    """(suffix parts, block_id) of every block whose id is ``base`` or ``base:…``."""
    for block_id in state:
        if base_of(block_id) == base:
            yield block_id.split(":")[1:], block_id
