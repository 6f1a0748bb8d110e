"""What one ``/group`` subcommand is made of: its help ``Spec``, its reader and, for each
command its reader returns, the handler that answers it.

A handler is one of three kinds, because Slack answers them differently: ``Replies``
(an ephemeral message), ``Posts`` (replies itself, e.g. with a picture by direct message)
and ``Opens`` (a form: its Loading modal opens at the acknowledgement, while the
trigger_id is fresh, and is filled in after it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands.grammar.args import Args
from bot.commands.grammar.commands import Command
from bot.commands.roles import Deps
from bot.commands.views import Message
from bot.services import Actor

SLASH = "/group"


@dataclass(frozen=True)
class Spec:
    """The help of one subcommand: the overview line, ``/group help <cmd>`` and the usage
    line of every ``UsageError``, so the help can never disagree with the parser."""

    name: str
    usage: str  # after "/group "
    summary: str
    examples: tuple[str, ...]  # after "/group ", the first one goes on the usage line
    details: str = ""
    # What parse() returns for this subcommand: filled in by the register (bot.commands.help)
    # from the handlers, so that a family names each of its commands once.
    commands: tuple[type[Command], ...] = ()

    @property
    def usage_line(self) -> str:
        return f"Usage: {SLASH} {self.usage}   e.g. {SLASH} {self.examples[0]}"


# The handlers take the command their subcommand's reader returned; ``Any`` because each
# is written for its own dataclass and the register pairs them by type.
@dataclass(frozen=True)
class Replies:
    """Answered with one ephemeral message (secrets hidden from non-admins)."""

    answer: Callable[[Any, Actor, Deps, WebClient], Message]


@dataclass(frozen=True)
class Posts:
    """Answers through ``respond`` itself, and may send more (a picture by DM)."""

    post: Callable[[Any, Actor, Deps, WebClient, Respond], None]


@dataclass(frozen=True)
class Opens:
    """Opens a form: ``form(command, who, wired, client, channel_id)`` is its view."""

    title: str
    form: Callable[[Any, Actor, Deps, WebClient, str | None], dict[str, Any]]


Handler = Replies | Posts | Opens


@dataclass(frozen=True)
class Subcommand:
    """One word after ``/group``: its help, its reader, and a handler per command it reads.

    The reader raises ``ArgError`` with the reason only; the parser adds the usage line.
    """

    spec: Spec
    read: Callable[[Args], Command]
    handlers: Mapping[type[Command], Handler]
