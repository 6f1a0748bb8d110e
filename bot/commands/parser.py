"""``/group`` text → a frozen command dataclass, or a ``UsageError`` the user can act on.

Pure: no Slack, no database. Values are parsed for their shape only (a number, a range,
on/off); whether 40-20 is a sensible ring window is the engine's call.
"""

from __future__ import annotations

from bot.commands.grammar.args import ArgError, Args, tokenize
from bot.commands.grammar.commands import Command, Help, Parsed
from bot.commands.grammar.errors import UsageError
from bot.commands.grammar.rules import READERS
from bot.commands.help import SPECS, spec_for

# The command dataclasses are in ``bot.commands.grammar.commands`` (import them from
# there), the help in ``bot.commands.help``, the two errors in ``bot.commands.grammar.errors``.
__all__ = ["COMMANDS", "READ_ONLY", "is_read_only", "parse"]

# Anyone may run these; everything else needs an admin or the group's lead.
READ_ONLY: frozenset[str] = frozenset({"help", "list", "show", "simulate", "callflow", "history"})


def parse(text: str) -> Parsed:
    """Parse what follows ``/group``; an empty line is a request for help."""
    words = text.split(maxsplit=1)
    if not words:
        return Help()
    spec = spec_for(words[0])
    try:
        args = Args(tokenize(words[1] if len(words) > 1 else ""))
        return READERS[spec.name](args)
    except ArgError as err:
        raise UsageError(str(err), spec.usage_line) from None


def is_read_only(command: Command) -> bool:
    return command.subcommand in READ_ONLY


# Every subcommand name, in the order the help lists them.
COMMANDS: tuple[str, ...] = tuple(SPECS)
