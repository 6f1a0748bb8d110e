"""Reader shapes several subcommands share: no words at all, or just the group."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands.grammar.args import Args
from bot.commands.grammar.commands import Command


def no_args(command: Command) -> Callable[[Args], Command]:
    def parse_none(args: Args) -> Command:
        args.done()
        return command

    return parse_none


def group_only(make: Callable[[str], Command]) -> Callable[[Args], Command]:
    def parse_group(args: Args) -> Command:
        group = args.group()
        args.done()
        return make(group)

    return parse_group
