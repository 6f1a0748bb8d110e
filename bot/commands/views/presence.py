"""Pauses as people read them: "until 14:00" in the reader's own time zone, the replies
to pause, resume, join and leave, the last-member warning with its Confirm button, and
App Home's "My groups"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.commands.ids import Action, Block, suffixed
from bot.commands.views.common import Block as BlockDict
from bot.commands.views.common import Message, actions, button, clip, escape, header, section
from bot.engine.clock_words import until_words

PAUSED = "⏸"


def pause_mark(paused_until: datetime | None, now: datetime, time_zone: str | None) -> str:
    """``⏸ until 14:00`` for a member paused now (their ``paused_until``), else ""."""
    if paused_until is None or paused_until <= now:
        return ""
    return f"{PAUSED} until {until_words(paused_until, now, time_zone)}"


def names_of(groups: Sequence[str]) -> str:
    names = [escape(n) for n in groups]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def plain(text: str) -> Message:
    return {"text": clip(text, 3000), "blocks": [section(text, Block.HEADER)]}


@dataclass(frozen=True)
class ConfirmPause:
    """The warning before pausing the last member who would ring, and the button's value."""

    warning: str  # plain words from the services: who, which group, where calls go
    value: str  # ``PauseRequest.encode()``


def confirm_pause(ask: ConfirmPause) -> Message:
    text = f"⚠ {escape(ask.warning)} Pause anyway?"
    confirm = button("Confirm pause", Action.PAUSE_CONFIRM, ask.value, style="danger")
    return {
        "text": clip(text, 3000),
        "blocks": [
            section(clip(text, 3000), Block.PAUSE_WARNING),
            actions([confirm], Block.PAUSE_CONFIRM),
        ],
    }


@dataclass(frozen=True)
class MyGroup:
    """One group the viewer rings in, for App Home."""

    id: int
    name: str
    mark: str  # ``pause_mark``: "" when they ring
    value: str  # the buttons' ``GroupRef``


def my_groups_blocks(groups: Sequence[MyGroup], room: int) -> list[BlockDict]:
    """App Home's "My groups": at most ``room`` blocks (two a group, and the header)."""
    if not groups or room < 3:
        return []
    blocks: list[BlockDict] = [header("My groups", Block.MY_GROUPS)]
    for group in groups[: (room - 1) // 2]:
        state = f"paused {group.mark.removeprefix(PAUSED).strip()}" if group.mark else "ringing"
        mark = f"{PAUSED} " if group.mark else "🔔 "
        blocks.append(
            section(f"{mark}*{escape(group.name)}*: {state}", suffixed(Block.MY_GROUP, group.id))
        )
        value = group.value
        # only what can be done now: a paused member resumes, a ringing one pauses
        choices = (
            [button("Resume", suffixed(Action.HOME_RESUME, group.id), value)]
            if group.mark
            else [
                button("Pause 1 h", suffixed(Action.HOME_PAUSE_HOUR, group.id), value),
                button(
                    "Pause until tomorrow 09:00",
                    suffixed(Action.HOME_PAUSE_TOMORROW, group.id),
                    value,
                ),
            ]
        )
        blocks.append(actions(choices, suffixed(Block.MY_GROUP_ACTIONS, group.id)))
    return blocks
