"""Members who come and go themselves: ``/group join``, ``/group leave``, and
``/group selfservice``, which lets them (a lead's choice; off by default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import views
from bot.commands.grammar.args import Args
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import Message
from bot.commands.views.common import escape, typed_ref
from bot.commands.views.presence import plain
from bot.services import Actor


@dataclass(frozen=True)
class Join(Command):
    subcommand: ClassVar[str] = "join"
    group: str


@dataclass(frozen=True)
class Leave(Command):
    subcommand: ClassVar[str] = "leave"
    group: str


@dataclass(frozen=True)
class SelfService(Command):
    subcommand: ClassVar[str] = "selfservice"
    group: str
    on: bool


def _selfservice(args: Args) -> SelfService:
    group = args.group()
    on = args.choice({"on": True, "off": False}, "self-service")
    args.done()
    return SelfService(group, on)


def _joined(command: Join, who: Actor, wired: Deps, client: WebClient) -> Message:
    result = wired.services.join(who, command.group)
    group = result.view.group
    mine = group.members[-1]  # a member joins at the end (``edits.join``)
    name = escape(group.name)
    return views.saved_message(
        result,
        f"You joined {name}: your phones ring {mine.start}–{mine.end} s after a call "
        f"arrives. /group leave {typed_ref(group.name)} to leave.",
    )


def _left(command: Leave, who: Actor, wired: Deps, client: WebClient) -> Message:
    result = wired.services.leave(who, command.group)
    name = escape(result.view.group.name)
    return views.saved_message(result, f"You left {name}; your phones no longer ring for it.")


def _switched(command: SelfService, who: Actor, wired: Deps, client: WebClient) -> Message:
    wired.services.set_selfservice(who, command.group, command.on)
    stored = wired.services.get_group(who.team_id, command.group).name
    name, ref = escape(stored), typed_ref(stored)
    if command.on:
        return plain(
            f"✅ {name} is open to self-service: anyone with a PBX user can "
            f"/group join {ref} and /group leave {ref}."
        )
    return plain(
        f"✅ {name} is closed to self-service: only its leads and admins change its members."
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "join",
            "join <group>",
            "adds you to a group open to self-service, ringing where a newcomer rings",
            ("join sales",),
        ),
        group_only(Join),
        {Join: Replies(_joined)},
    ),
    Subcommand(
        Spec(
            "leave",
            "leave <group>",
            "takes you out of a group open to self-service",
            ("leave sales",),
        ),
        group_only(Leave),
        {Leave: Replies(_left)},
    ),
    Subcommand(
        Spec(
            "selfservice",
            "selfservice <group> on|off",
            "lets members join and leave a group themselves (off by default; leads and admins)",
            ("selfservice sales on", "selfservice sales off"),
        ),
        _selfservice,
        {SelfService: Replies(_switched)},
    ),
)
