"""``/group delete``: asks to confirm; the confirmation's button deletes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import roles, views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import Message
from bot.services import Actor


@dataclass(frozen=True)
class Delete(Command):
    subcommand: ClassVar[str] = "delete"
    group: str


def _prompt(command: Delete, who: Actor, wired: Deps, client: WebClient) -> Message:
    shown = wired.services.get_group(who.team_id, command.group)
    roles.require_change(wired.services, who, shown, "delete it")
    wired.services.refuse_delete_if_targeted(who.team_id, shown.group.name)
    return views.delete_prompt(shown)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "delete",
            "delete <group>",
            "deletes a group after you confirm",
            ("delete sales",),
        ),
        group_only(Delete),
        {Delete: Replies(_prompt)},
    ),
)
