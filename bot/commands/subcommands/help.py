"""``/group help [command]``: the overview, or one subcommand's usage and examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import views
from bot.commands.grammar.args import Args
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.views import Message
from bot.services import Actor


@dataclass(frozen=True)
class Help(Command):
    subcommand: ClassVar[str] = "help"
    topic: str | None = None  # a subcommand name, already checked to exist


def _read(args: Args) -> Help:
    # Imported when read: the help reads the register, which lists this module.
    from bot.commands.help import spec_for

    if not args:
        return Help()
    topic = args.take("the command").text.lower()
    args.done()
    return Help(spec_for(topic).name)


def _answer(command: Help, who: Actor, wired: Deps, client: WebClient) -> Message:
    from bot.commands.help import help_text

    return views.help_message(help_text(command.topic))


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "help",
            "help [command]",
            "help with examples for every subcommand",
            ("help ring", "help"),
        ),
        _read,
        {Help: Replies(_answer)},
    ),
)
