"""``/group list`` and ``/group show``: reading the groups, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import views
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only, no_args
from bot.commands.views import Message
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.services import Actor


@dataclass(frozen=True)
class ListGroups(Command):
    subcommand: ClassVar[str] = "list"


@dataclass(frozen=True)
class Show(Command):
    subcommand: ClassVar[str] = "show"
    group: str


def _list(command: ListGroups, who: Actor, wired: Deps, client: WebClient) -> Message:
    return views.list_message(wired.services.group_summaries(who.team_id))


def _show(command: Show, who: Actor, wired: Deps, client: WebClient) -> Message:
    services = wired.services
    shown = services.show_group(who.team_id, command.group)
    # the directory (the whole account) only when a feature names something in it
    needed = _names_targets(shown.group)
    return views.show_message(
        shown,
        directory=services.directory(who.team_id) if needed else None,
        can_change=services.can_change(who, shown),
        time_zone=wired.users.get(client, who.team_id, who.user_id).tz,  # "⏸ until 14:00"
    )


def _names_targets(group: Group) -> bool:
    features = group.features
    return (
        features.next_action.kind is not NextActionKind.NONE
        or features.ringback.kind is RingbackKind.MEDIA
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "list",
            "list",
            "every group: extension, numbers, members, features",
            ("list",),
        ),
        no_args(ListGroups()),
        {ListGroups: Replies(_list)},
    ),
    Subcommand(
        Spec(
            "show",
            "show <group>",
            "a group's details, ring timeline and features, with buttons",
            ("show sales", "show 201", 'show "Front desk"'),
        ),
        group_only(Show),
        {Show: Replies(_show)},
    ),
)
