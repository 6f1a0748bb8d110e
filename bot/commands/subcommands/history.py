"""A group's past: ``/group history`` and ``/group undo``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import presence, views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import Message
from bot.commands.views.common import escape, escape_name
from bot.services import Actor


@dataclass(frozen=True)
class History(Command):
    subcommand: ClassVar[str] = "history"
    group: str


@dataclass(frozen=True)
class Undo(Command):
    subcommand: ClassVar[str] = "undo"
    group: str


def _history(command: History, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    shown = services.get_group(who.team_id, command.group)
    return views.history_message(shown.group.name, services.history(who.team_id, command.group))


def _undo(command: Undo, who: Actor, wired: Deps, client: WebClient) -> Message:
    before = wired.services.get_group(who.team_id, command.group).group
    result = wired.services.undo(who, command.group)
    presence.tell_pauses_undone(who, wired, client, before, result)
    name = escape_name(result.view.group.name)
    undone = escape(result.summary.removeprefix("Undid: "))
    return views.saved_message(
        result,
        f"Undid a change to {name}: {undone}.",
        unchanged=f"Nothing to undo: {name} is already as it was before its last change.",
    )


SUBCOMMANDS = (
    Subcommand(
        Spec("history", "history <group>", "who changed what, and when", ("history sales",)),
        group_only(History),
        {History: Replies(_history)},
    ),
    Subcommand(
        Spec(
            "undo",
            "undo <group>",
            "undoes the newest change not undone yet; again, the one before it",
            ("undo sales",),
        ),
        group_only(Undo),
        {Undo: Replies(_undo)},
    ),
)
