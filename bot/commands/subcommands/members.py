"""Who rings, and when: ``/group members`` (the Members form), ``add``, ``remove``,
``ring`` and ``distribute``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from slack_sdk import WebClient

from bot.commands import drafts, people, roles, views
from bot.commands.edits import LineEdit, edited, named, pbx_users
from bot.commands.grammar.args import Args, to_range, to_seconds
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Opens, Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import ModalMeta
from bot.commands.views.common import escape_name as _n
from bot.engine import edits as e
from bot.engine.model import DEFAULT_WINDOW, MAX_SECONDS
from bot.services import Actor


@dataclass(frozen=True)
class OpenMembersModal(Command):
    subcommand: ClassVar[str] = "members"
    group: str


@dataclass(frozen=True)
class AddMembers(Command):
    subcommand: ClassVar[str] = "add"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class RemoveMembers(Command):
    subcommand: ClassVar[str] = "remove"
    group: str
    users: tuple[UserRef, ...]


@dataclass(frozen=True)
class Ring(Command):
    subcommand: ClassVar[str] = "ring"
    group: str
    user: UserRef
    start: int
    end: int


@dataclass(frozen=True)
class Distribute(Command):
    subcommand: ClassVar[str] = "distribute"
    group: str
    seconds: int | None = None  # None: the default window (120 s)


# ---------------------------------------------------------------- readers


def _members_change(
    make: Callable[[str, tuple[UserRef, ...]], Command],
) -> Callable[[Args], Command]:
    def parse_members(args: Args) -> Command:
        return make(args.group(), args.users())

    return parse_members


def _ring(args: Args) -> Ring:
    group, user = args.group(), args.user()
    start, end = to_range(args.rest("start-end", None), 0, MAX_SECONDS)
    return Ring(group, user, start, end)


def _distribute(args: Args) -> Distribute:
    group = args.group()
    # 0 is read, so that the engine can say why it is too short for these members
    seconds = to_seconds(args.take("").text, "the window", 0, MAX_SECONDS) if args else None
    args.done()
    return Distribute(group, seconds)


# ---------------------------------------------------------------- handlers


def _form(
    command: OpenMembersModal, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    services = wired.services
    team = who.team_id
    shown = services.get_group(team, command.group)
    roles.require_change(services, who, shown, "change its members")
    directory = services.directory(team)
    slack_ids = people.slack_ids(wired.users, client, team, shown.group, directory)
    rows = views.member_rows(shown, slack_ids)
    meta = ModalMeta.for_group(shown, who.user_id, channel_id)
    return drafts.members_form(wired, client, team, shown, meta, rows, directory=directory)


def _added(command: AddMembers, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    added = named(command.users, who, wired, client)
    who_ = people.mentions(command.users)
    return LineEdit(
        command.group,
        e.edit(e.add_members, added),
        lambda was, g: f"Added {who_} to {_n(g.name)}.",
        lambda g: f"{who_} already in {_n(g.name)}.",
    )


def _removed(command: RemoveMembers, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    removed = named(command.users, who, wired, client)
    who_ = people.mentions(command.users)
    return LineEdit(
        command.group,
        e.edit(e.remove_members, removed),
        lambda was, g: f"Removed {who_} from {_n(g.name)}.",
        lambda g: f"{who_} not in {_n(g.name)}.",
    )


def _rung(command: Ring, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    (uid,) = pbx_users((command.user,), who, wired, client)
    who_rings, when = people.mention(command.user), f"{command.start}–{command.end} s"
    return LineEdit(
        command.group,
        e.edit(e.ring, uid, who_rings, command.start, command.end),
        lambda was, g: f"{who_rings} now rings {when} in {_n(g.name)}.",
        lambda g: f"{who_rings} already rings {when} in {_n(g.name)}.",
    )


def _distributed(command: Distribute, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    # 0 is a window too (the engine says it is too short), not "the default"
    span = DEFAULT_WINDOW if command.seconds is None else command.seconds
    return LineEdit(
        command.group,
        e.edit(e.distribute, span),
        lambda was, g: f"Spread the members of {_n(g.name)} over {span} s.",
        lambda g: f"The members of {_n(g.name)} are already spread over {span} s.",
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "members",
            "members <group>",
            "opens the Members form: up to 15 users, each one's ring window, Distribute",
            ("members sales",),
        ),
        group_only(OpenMembersModal),
        {OpenMembersModal: Opens("Members", _form)},
    ),
    Subcommand(
        Spec(
            "add",
            "add <group> @user …",
            "adds members (they ring 0–20 s)",
            ("add sales @dana @erin",),
        ),
        _members_change(AddMembers),
        {AddMembers: Replies(edited(_added))},
    ),
    Subcommand(
        Spec(
            "remove",
            "remove <group> @user …",
            "removes members",
            ("remove sales @erin",),
        ),
        _members_change(RemoveMembers),
        {RemoveMembers: Replies(edited(_removed))},
    ),
    Subcommand(
        Spec(
            "ring",
            "ring <group> @user <start>-<end>",
            "when a member's phones ring, in seconds after the call arrives",
            ("ring sales @dana 0-20", "ring sales @erin 20-40"),
        ),
        _ring,
        {Ring: Replies(edited(_rung))},
    ),
    Subcommand(
        Spec(
            "distribute",
            "distribute <group> [seconds]",
            "spreads the members evenly, one after another, over the window (default 120 s)",
            ("distribute sales 60", "distribute sales"),
        ),
        _distribute,
        {Distribute: Replies(edited(_distributed))},
    ),
)
