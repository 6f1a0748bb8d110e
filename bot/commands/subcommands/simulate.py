"""``/group simulate``: a simulated call, as text here and as a picture by direct message
(the walk itself is ``bot.commands.simulation``'s, shared with the Members form)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import simulation
from bot.commands.grammar.args import ArgError, Args, Token, to_seconds, to_user
from bot.commands.grammar.commands import Command, UserRef
from bot.commands.grammar.errors import shown
from bot.commands.roles import Deps
from bot.commands.subcommands.base import Posts, Spec, Subcommand
from bot.engine.model import MAX_REPEATS, MAX_SECONDS
from bot.services import Actor

# A simulated call rings for at most every repeat of the longest timeline.
MAX_ANSWER_AT = MAX_SECONDS * MAX_REPEATS


@dataclass(frozen=True)
class Answer:
    """``answer=@dana@15``: Dana picks up 15 s after the call arrives."""

    user: UserRef
    at: int


@dataclass(frozen=True)
class Simulate(Command):
    subcommand: ClassVar[str] = "simulate"
    group: str
    busy: tuple[UserRef, ...] = ()
    answer: Answer | None = None


ANSWER = re.compile(r"^(<@[^>]+>|@[^\s@,<>]+)@(.+)$")  # the time follows the mention's end


def _read(args: Args) -> Simulate:
    group = args.group()
    busy: list[UserRef] = []
    answer: Answer | None = None
    for token in args.take_all():
        key, sep, value = token.text.partition("=")
        key = key.lower()
        if sep and key == "busy":
            busy += [_user_in(part) for part in value.split(",") if part]
        elif sep and key == "answer":
            if not (match := ANSWER.match(value)):
                raise ArgError(
                    f"answer= needs a user and a time, like answer=@dana@15, not '{shown(value)}'"
                )
            at = to_seconds(match[2], "the answer time", 0, MAX_ANSWER_AT)
            answer = Answer(_user_in(match[1]), at)
        else:
            raise ArgError(f"'{shown(token.text)}' is not busy=@user,… or answer=@user@<seconds>")
    return Simulate(group, tuple(busy), answer)


def _user_in(text: str) -> UserRef:
    if (user := to_user(Token(text))) is None:
        raise ArgError(f"'{shown(text)}' is not a user: mention them, like @dana")
    return user


def _post(command: Simulate, who: Actor, wired: Deps, client: WebClient, respond: Respond) -> None:
    message, picture = simulation.simulation(command, who, wired, client)
    respond(**message, response_type="ephemeral")
    simulation.send_picture(client, who.user_id, picture, command.group)


SUBCOMMANDS = (
    Subcommand(
        Spec(
            "simulate",
            "simulate <group> [busy=@user,…] [answer=@user@<seconds>]",
            "who rings when and where an unanswered call ends",
            ("simulate sales", "simulate sales busy=@dana,@erin", "simulate sales answer=@erin@25"),
        ),
        _read,
        {Simulate: Posts(_post)},
    ),
)
