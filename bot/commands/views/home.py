"""The App Home tab: a Create group button, the storage gauge, and every group with its
buttons (at most 100 blocks: the groups beyond are summarised)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.commands.ids import Action, Block, suffixed
from bot.commands.views.common import (
    VIEW_BLOCKS,
    View,
    actions,
    button,
    clip,
    context,
    divider,
    escape_name,
    header,
    section,
)
from bot.commands.views.common import Block as BlockDict
from bot.commands.views.messages import group_buttons, group_summary
from bot.services import GroupSummary, GroupView

STORAGE_UNKNOWN = "`/group storage` shows the report."


def home_view(
    groups: Sequence[GroupView | GroupSummary],
    *,
    can_change: Callable[[GroupView | GroupSummary], bool] | None = None,
    can_create: bool = True,
    storage: str | None = None,
) -> View:
    """``views.publish(user_id=…, view=home_view(…))``.

    ``can_change(view)`` hides the changing buttons of groups the viewer may not change
    (default: shown); ``storage`` is the gauge's mrkdwn (``views.storage_gauge``).
    """
    blocks: list[BlockDict] = [header("Ring groups", Block.HEADER)]
    if can_create:
        blocks.append(
            actions(
                [button("Create group", Action.CREATE, "create", style="primary")],
                Block.HOME_ACTIONS,
            )
        )
    blocks.append(section(f"*Recording storage*\n{storage or STORAGE_UNKNOWN}", Block.STORAGE))
    blocks.append(divider())
    if not groups:
        blocks.append(section("No ring groups yet.", Block.MORE))
        return {"type": "home", "blocks": blocks}
    room = VIEW_BLOCKS - len(blocks)
    fits = room // 2 if len(groups) * 2 <= room else (room - 1) // 2
    for view in groups[:fits]:
        allowed = can_change(view) if can_change else True
        blocks.append(section(group_summary(view), suffixed(Block.GROUP, view.id)))
        blocks.append(
            actions(
                group_buttons(view, can_change=allowed),
                suffixed(Block.GROUP_ACTIONS, view.id),
            )
        )
    rest = groups[fits:]
    if rest:
        names = ", ".join(f"{escape_name(v.name)} ({v.extension})" for v in rest)
        blocks.append(
            context([clip(f"…and {len(rest)} more: {names}. `/group list` shows them all.", 3000)])
        )
    return {"type": "home", "blocks": blocks}
