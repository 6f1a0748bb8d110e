"""The Create modal (``/group create``, App Home's Create group button) and its reader."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.commands.ids import Action, Block, Callback
from bot.commands.views import state as st
from bot.commands.views.common import (
    LIST_FIELD_LENGTH,
    ModalMeta,
    View,
    input_block,
    modal,
    text_input,
)
from bot.engine.model import MAX_MEMBERS, MAX_NAME
from bot.engine.numbers import is_extension

NUMBERS_HINT = (
    "Separate them with commas or spaces: extensions of 3–6 digits, "
    "phone numbers as + then 8–15 digits, e.g. 2010, +14155550123"
)


def split_numbers(text: str | None) -> tuple[list[str], list[str]]:
    """(extra extensions, phone numbers) from one field, told apart as SmartPBX does."""
    extensions: list[str] = []
    numbers: list[str] = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        (extensions if is_extension(token) else numbers).append(token)
    return extensions, numbers


def members_select(block_id: str, action_id: str, slack_users: Sequence[str]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": action_id,
        "max_selected_items": MAX_MEMBERS,
        "placeholder": {"type": "plain_text", "text": "Choose up to 15 people"},
    }
    if slack_users:
        element["initial_users"] = list(dict.fromkeys(slack_users))[:MAX_MEMBERS]
    return element


def create_modal(
    meta: ModalMeta,
    *,
    name: str | None = None,
    extension: str | None = None,
    slack_users: Sequence[str] = (),
    numbers: str | None = None,
) -> View:
    """Name, 3-digit extension, up to 15 members, optional extra extensions and DIDs."""
    blocks = [
        input_block(
            Block.NAME,
            "Group name",
            text_input(Action.NAME, name, placeholder="Support", max_length=MAX_NAME),
        ),
        input_block(
            Block.EXTENSION,
            "Extension",
            text_input(Action.EXTENSION, extension, placeholder="201", max_length=3),
            hint="Exactly 3 digits, not used by a user or another group.",
        ),
        input_block(
            Block.MEMBERS,
            f"Members (up to {MAX_MEMBERS})",
            members_select(Block.MEMBERS, Action.MEMBERS_SELECT, slack_users),
            hint="Each member rings from 0 to 20 s; set the timeline later with Members.",
        ),
        input_block(
            Block.NUMBERS,
            "More extensions and phone numbers",
            text_input(
                Action.NUMBERS,
                numbers,
                placeholder="2010, +14155550123",
                max_length=LIST_FIELD_LENGTH,
            ),
            optional=True,
            hint=NUMBERS_HINT,
        ),
    ]
    return modal(Callback.CREATE, "Create a ring group", blocks, meta, submit="Create")


@dataclass(frozen=True)
class CreateForm:
    """What the Create modal holds; members are Slack users until the handler maps them."""

    name: str
    extension: str
    slack_users: tuple[str, ...]
    extra_extensions: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()

    def group_data(self, pbx_user_ids: Sequence[str]) -> dict[str, Any]:
        """Data for ``parse_group``; ``pbx_user_ids`` in the order of ``slack_users``."""
        return {
            "name": self.name,
            "extension": self.extension,
            "extra_extensions": list(self.extra_extensions),
            "numbers": list(self.numbers),
            "members": [{"user_id": user_id} for user_id in pbx_user_ids],
        }


def read_create(state: st.StateValues) -> CreateForm:
    extensions, numbers = split_numbers(st.text(state, Block.NUMBERS, Action.NUMBERS))
    return CreateForm(
        name=st.text(state, Block.NAME, Action.NAME) or "",
        extension=st.text(state, Block.EXTENSION, Action.EXTENSION) or "",
        slack_users=tuple(st.users(state, Block.MEMBERS, Action.MEMBERS_SELECT)),
        extra_extensions=tuple(extensions),
        numbers=tuple(numbers),
    )


# field path (first part) -> input block, for errors_for_view
CREATE_FIELDS: Mapping[str, str] = {
    "name": Block.NAME,
    "extension": Block.EXTENSION,
    "extra_extensions": Block.NUMBERS,
    "numbers": Block.NUMBERS,
    "members": Block.MEMBERS,
}
