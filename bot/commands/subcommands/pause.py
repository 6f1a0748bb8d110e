"""Stepping out of a group for a while: ``/group pause`` and ``/group resume``."""

from __future__ import annotations

import re
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
from bot.engine.text import as_typed
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


def _people(args: Args) -> list[UserRef]:
    """The mentions after the group, each person once (named twice is meant once)."""
    people: dict[str, UserRef] = {}
    while (token := args.peek()) is not None and to_user(token) is not None:
        user = args.user()
        people.setdefault(user.user_id or f"@{user.label}", user)
    return list(people.values())


def _one(people: list[UserRef], example: str) -> UserRef | None:
    """The person a command names; more than one: what to type instead, one a line."""
    if len(people) > 1:
        commands = ", then ".join(example.format(person=_named(p)) for p in people[:2])
        raise ArgError(f"name one person at a time: {commands}")
    return people[0] if people else None


def _named(user: UserRef) -> str:
    return f"<@{user.user_id}>" if user.user_id else f"@{user.label}"


def _pause(args: Args) -> Pause:
    group, people = args.group("the group (or all)"), _people(args)
    words = " ".join(t.text for t in args.take_all()).strip() or None
    typed = as_typed(group)
    user = _one(people, f"/group pause {typed} {{person}}" + (f" {words}" if words else ""))
    try:  # said wrong, it is refused here; the moment itself is worked out when it runs
        pause_end(words, datetime.now(UTC))
    except FieldErrors as error:
        # words that begin as a pause's do ("for ever", "1 hour and a bit") are what is
        # wrong; others may be the rest of a name typed without quotes ("Front desk …")
        begins = re.match(r"(?:for|until)\b|\d", words or "", re.IGNORECASE) is not None
        raise ArgError(
            " ".join(error.errors.values()).rstrip("."), about_names=not begins
        ) from None
    return Pause(group, user, words)


def _resume(args: Args) -> Resume:
    group, people = args.group("the group (or all)"), _people(args)
    args.done()
    typed = as_typed(group)
    user = _one(people, f"/group resume {typed} {{person}}")
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
            "pause <group>|all [@user] [for 45m|for 2h|until 14:00|until 5pm|until tomorrow]",
            "stops your phones ringing in a group for a while (by default until 18:00 "
            "your time; after 18:00: 09:00 tomorrow); leads may pause anyone in their group, "
            "one person at a time",
            (
                "pause sales for 1h",
                "pause all until tomorrow",
                "pause sales @bob until 14:00",
                "pause sales 90 min",
                "pause sales until 5pm",
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
