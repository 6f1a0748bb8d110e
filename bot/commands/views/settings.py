"""The Settings modal (``/group edit``, the Edit button) and its reader."""

from __future__ import annotations

import re
from typing import Any

from bot.commands.ids import Action, Block, Callback
from bot.commands.views import state as st
from bot.commands.views.common import (
    LIST_FIELD_LENGTH,
    ModalMeta,
    View,
    clip,
    input_block,
    modal,
    number_input,
    text_input,
)
from bot.engine.model import MAX_NAME, MAX_REPEATS, MIN_REPEATS, Group


def _split(text: str | None) -> list[str]:
    return [token for token in re.split(r"[\s,;]+", text or "") if token]


def settings_modal(meta: ModalMeta, group: Group) -> View:
    """Name, dialing repeats, the extension, more extensions, phone numbers."""
    blocks = [
        input_block(
            Block.NAME,
            "Group name",
            text_input(Action.NAME, group.name, max_length=MAX_NAME),
        ),
        input_block(
            Block.REPEATS,
            "Dialing repeats",
            number_input(Action.REPEATS, group.repeats, minimum=MIN_REPEATS, maximum=MAX_REPEATS),
            hint="How many times the whole timeline rings before the next action (1–20).",
        ),
        input_block(
            Block.EXTENSION,
            "Extension",
            text_input(Action.EXTENSION, group.extension, max_length=3),
            hint="Exactly 3 digits, not used by a user or another group.",
        ),
        input_block(
            Block.EXTRA_EXTENSIONS,
            "More extensions",
            text_input(
                Action.EXTRA_EXTENSIONS,
                ", ".join(group.extra_extensions),
                placeholder="2010, 2011",
                max_length=LIST_FIELD_LENGTH,
            ),
            optional=True,
            hint="3–6 digits each, separated by commas or spaces.",
        ),
        input_block(
            Block.NUMBERS,
            "Phone numbers",
            text_input(
                Action.NUMBERS,
                ", ".join(group.numbers),
                placeholder="+14155550123",
                max_length=LIST_FIELD_LENGTH,
            ),
            optional=True,
            hint="E.164: + then 8–15 digits, separated by commas or spaces.",
        ),
    ]
    return modal(Callback.SETTINGS, clip(f"Edit {group.name}", 24), blocks, meta)


def read_settings(state: st.StateValues) -> dict[str, Any]:
    """The settings as group fields: merge over the stored group's data, then
    ``parse_group``."""
    return {
        "name": st.text(state, Block.NAME, Action.NAME) or "",
        "repeats": st.number(state, Block.REPEATS, Action.REPEATS),
        "extension": st.text(state, Block.EXTENSION, Action.EXTENSION) or "",
        "extra_extensions": _split(st.text(state, Block.EXTRA_EXTENSIONS, Action.EXTRA_EXTENSIONS)),
        "numbers": _split(st.text(state, Block.NUMBERS, Action.NUMBERS)),
    }
