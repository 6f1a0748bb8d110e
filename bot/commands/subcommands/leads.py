"""``/group lead``: the team leads of a group, who may change it (admins name them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import people, views
from bot.commands.grammar.args import Args
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.views import Message
from bot.commands.views.common import escape_name
from bot.services import Actor


@dataclass(frozen=True)
class AddLeads(Command):
    subcommand: ClassVar[str] = "lead"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class RemoveLeads(Command):
    subcommand: ClassVar[str] = "lead"
    group: str
    users: tuple[UserRef, ...]


def _read(args: Args) -> AddLeads | RemoveLeads:
    group = args.group()
    first = args.peek()
    if first is not None and not first.quoted and first.text.lower() == "remove":
        args.take("remove")
        return RemoveLeads(group, args.users())
    return AddLeads(group, args.users())


def _set_leads(
    command: AddLeads | RemoveLeads, who: Actor, wired: Deps, client: WebClient
) -> Message:
    services = wired.services
    shown = services.get_group(who.team_id, command.group)
    named = {people.slack_id(u) for u in command.users}
    adding = isinstance(command, AddLeads)
    leads = shown.leads | named if adding else shown.leads - named
    done = services.set_leads(who, command.group, frozenset(leads))
    return views.done_message(
        f"Leads of {escape_name(done.group.name)}: " + people.mentions(sorted(done.leads))
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "lead",
            "lead <group> [remove] @user …",
            "admin: names (or removes) team leads, who may change the group",
            ("lead sales @dana", "lead sales remove @dana"),
        ),
        _read,
        {AddLeads: Replies(_set_leads), RemoveLeads: Replies(_set_leads)},
    ),
)
