"""The Delete confirmation modal, for when a confirm dialog is not enough (e.g. from a
shortcut or the shell); the Delete button's own confirm dialog is in ``messages``."""

from __future__ import annotations

from bot.commands.ids import Action, Block, Callback
from bot.commands.views import state as st
from bot.commands.views.common import (
    ModalMeta,
    View,
    clip,
    escape,
    escape_name,
    input_block,
    modal,
    section,
    toggle,
)
from bot.commands.views.messages import members_count
from bot.services import GroupView


def delete_modal(meta: ModalMeta, view: GroupView) -> View:
    """What deleting removes, and a box to tick before the red button does it."""
    group = view.group
    numbers = ", ".join(group.all_numbers)
    blocks = [
        section(
            f"*{escape_name(group.name)}* rings {members_count(len(group.members))} on "
            f"{escape(clip(numbers, 500))}.\nDeleting it removes the group and every "
            "document it owns on the PBX; calls to these numbers will ring no one.",
            Block.HEADER,
        ),
        input_block(
            Block.DELETE_CONFIRM,
            "Confirm",
            toggle(Action.DELETE_CONFIRM, clip(f"Yes, delete {group.name}", 75), False),
        ),
    ]
    title = clip(f"Delete {group.name}", 24)
    return modal(Callback.DELETE, title, blocks, meta, submit="Delete")


def read_delete(state: st.StateValues) -> bool:
    """Whether the box was ticked (Slack refuses to submit it unticked anyway)."""
    return st.checked(state, Block.DELETE_CONFIRM, Action.DELETE_CONFIRM)
