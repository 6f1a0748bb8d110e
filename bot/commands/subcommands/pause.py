"""Stepping out of a group for a while: ``/group pause`` and ``/group resume``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from slack_sdk import WebClient

from bot.commands import presence
from bot.commands.grammar.args import ArgError, Args, to_user
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Replies, Spec, Subcommand
from bot.commands.views import Message
from bot.engine.errors import FieldErrors
from bot.engine.presence import pause_end
from bot.services import Actor


@dataclass(frozen=True)
class Pause(Command):
    subcommand: ClassVar[str] = "pause"
    group: str  # or "all"
    user: UserRef | None = None  # None: whoever types it
    words: str | None = None  # "for 45m", "until 14:00", …; None: end of the working day


@dataclass(frozen=True)
class Resume(Command):
    subcommand: ClassVar[str] = "resume"
    group: str  # or "all"
    user: UserRef | None = None


# ---------------------------------------------------------------- readers


def _someone(args: Args) -> UserRef | None:
    token = args.peek()
    return args.user() if token is not None and to_user(token) is not None else None


def _pause(args: Args) -> Pause:
    group, user = args.group("the group (or all)"), _someone(args)
    words = " ".join(t.text for t in args.take_all()).strip() or None
    try:  # said wrong, it is refused here; the moment itself is worked out when it runs
        pause_end(words, datetime.now(UTC))
    except FieldErrors as error:
        raise ArgError(" ".join(error.errors.values()).rstrip(".")) from None
    return Pause(group, user, words)


def _resume(args: Args) -> Resume:
    group, user = args.group("the group (or all)"), _someone(args)
    args.done()
    return Resume(group, user)


# ---------------------------------------------------------------- handlers


def _paused(command: Pause, who: Actor, wired: Deps, client: WebClient) -> Message:
    return presence.pause(who, wired, client, command.group, command.user, command.words)


def _resumed(command: Resume, who: Actor, wired: Deps, client: WebClient) -> Message:
    return presence.resume(who, wired, client, command.group, command.user)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "pause",
            "pause <group>|all [@user] [for 45m|for 2h|until 14:00|until tomorrow]",
            "stops your phones ringing in a group for a while (by default until the end of "
            "your working day); leads may pause anyone in their group",
            (
                "pause sales for 1h",
                "pause all until tomorrow",
                "pause sales @bob until 14:00",
            ),
            "The pause ends by itself, on the PBX, even if groupbot is down. Pausing the "
            "last member who would ring asks first, saying where calls would go.",
        ),
        _pause,
        {Pause: Replies(_paused)},
    ),
    Subcommand(
        Spec(
            "resume",
            "resume <group>|all [@user]",
            "ends a pause: the member rings again",
            ("resume sales", "resume all", "resume sales @bob"),
        ),
        _resume,
        {Resume: Replies(_resumed)},
    ),
)
