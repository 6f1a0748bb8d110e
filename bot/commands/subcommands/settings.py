"""The group's settings: ``/group edit`` (the Settings form), ``rename``, ``repeats``
and ``number``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from slack_sdk import WebClient

from bot.commands import roles, views
from bot.commands.edits import LineEdit, edited
from bot.commands.grammar.args import Args, to_int, to_number
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Opens, Replies, Spec, Subcommand
from bot.commands.subcommands.readers import group_only
from bot.commands.views import ModalMeta
from bot.commands.views.common import escape as _e
from bot.commands.views.common import escape_name as _n
from bot.engine import edits as e
from bot.engine.model import MAX_NAME, MAX_REPEATS, MIN_REPEATS
from bot.services import Actor

ADD_REMOVE = {"add": True, "remove": False}


@dataclass(frozen=True)
class Edit(Command):
    subcommand: ClassVar[str] = "edit"
    group: str


@dataclass(frozen=True)
class Rename(Command):
    subcommand: ClassVar[str] = "rename"
    group: str
    new_name: str


@dataclass(frozen=True)
class SetRepeats(Command):
    subcommand: ClassVar[str] = "repeats"
    group: str
    repeats: int


@dataclass(frozen=True)
class AddNumber(Command):
    subcommand: ClassVar[str] = "number"
    group: str
    number: str  # digits (an extension) or + then digits (a DID), separators removed


@dataclass(frozen=True)
class RemoveNumber(Command):
    subcommand: ClassVar[str] = "number"
    group: str
    number: str


# ---------------------------------------------------------------- readers


def _rename(args: Args) -> Rename:
    return Rename(args.group(), args.rest("the new name", MAX_NAME))


def _repeats(args: Args) -> SetRepeats:
    group = args.group()
    repeats = to_int(args.take("the number of repeats").text, "repeats", MIN_REPEATS, MAX_REPEATS)
    args.done()
    return SetRepeats(group, repeats)


def _number(args: Args) -> AddNumber | RemoveNumber:
    first = args.peek()
    if first is not None and first.text.lower() in ADD_REMOVE:
        add = args.choice(ADD_REMOVE, "the action")  # "number add sales 2010" reads fine too
        group = args.group()
    else:
        group = args.group()
        add = args.choice(ADD_REMOVE, "the action")
    number = to_number(args.rest("the extension or number", None))
    return AddNumber(group, number) if add else RemoveNumber(group, number)


# ---------------------------------------------------------------- handlers


def _form(
    command: Edit, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    shown = wired.services.get_group(who.team_id, command.group)
    roles.require_change(wired.services, who, shown, "edit it")
    return views.settings_modal(ModalMeta.for_group(shown, who.user_id, channel_id), shown.group)


def _renamed(command: Rename, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    new_name = command.new_name
    return LineEdit(
        command.group,
        e.edit(e.rename, new_name),
        lambda was, g: f"Renamed {_n(was)} → {_n(g.name)}.",
        lambda g: f"{_n(g.name)} is already called {_e(new_name)}.",
    )


def _times(repeats: int) -> str:
    return "once" if repeats == 1 else f"{repeats} times"


def _repeated(command: SetRepeats, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    repeats = command.repeats
    return LineEdit(
        command.group,
        e.edit(e.set_repeats, repeats),
        lambda was, g: f"{_n(g.name)} now rings through {_times(repeats)}.",
        lambda g: f"{_n(g.name)} already rings through {_times(repeats)}.",
    )


def _number_added(command: AddNumber, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    number = command.number
    return LineEdit(
        command.group,
        e.edit(e.add_number, number),
        lambda was, g: f"{_n(g.name)} now answers {number}.",
        lambda g: f"{_n(g.name)} already answers {number}.",
    )


def _number_removed(command: RemoveNumber, who: Actor, wired: Deps, client: WebClient) -> LineEdit:
    number = command.number
    return LineEdit(
        command.group,
        e.edit(e.remove_number, number),
        lambda was, g: f"{_n(g.name)} no longer answers {number}.",
        lambda g: f"{_n(g.name)} does not answer {number}.",
    )


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "edit",
            "edit <group>",
            "opens the Settings form: name, repeats, extensions, numbers",
            ("edit sales",),
        ),
        group_only(Edit),
        {Edit: Opens("Edit group", _form)},
    ),
    Subcommand(
        Spec(
            "rename",
            "rename <group> <new name>",
            "renames a group",
            ("rename sales Inside Sales",),
        ),
        _rename,
        {Rename: Replies(edited(_renamed))},
    ),
    Subcommand(
        Spec(
            "repeats",
            "repeats <group> <n>",
            "how many times the group rings through (1–20)",
            ("repeats sales 3",),
        ),
        _repeats,
        {SetRepeats: Replies(edited(_repeated))},
    ),
    Subcommand(
        Spec(
            "number",
            "number <group> add|remove <ext or +E164>",
            "adds or removes an extension or a phone number (DID)",
            ("number sales add +14155550123", "number sales add 2010", "number sales remove 2010"),
        ),
        _number,
        {AddNumber: Replies(edited(_number_added)), RemoveNumber: Replies(edited(_number_removed))},
    ),
)
