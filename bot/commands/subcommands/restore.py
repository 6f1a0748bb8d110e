"""``/group restore``: an admin brings a deleted group back, as it was when deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import Message
from bot.commands.views.common import escape_name
from bot.services import Actor


@dataclass(frozen=True)
class Restore(Command):
    subcommand: ClassVar[str] = "restore"
    group: str


def _restore(command: Restore, who: Actor, wired: Deps, client: WebClient) -> Message:
    result = wired.services.restore_group(who, command.group)
    name = escape_name(result.view.group.name)
    return views.saved_message(result, f"Restored {name} as it was when it was deleted.")


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "restore",
            "restore <group>",
            "admin: brings a deleted group back, as it was when it was deleted",
            ("restore sales",),
        ),
        group_only(Restore),
        {Restore: Replies(_restore)},
    ),
)
