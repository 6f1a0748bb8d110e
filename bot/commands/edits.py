"""Changes typed on the command line (``/group rename``, ``ring``, ``record``, …): the pure
change of the group, and what to say once it is saved, or that nothing needed changing.

Each subcommand family (``bot.commands.subcommands``) words its own ``LineEdit`` (the
change itself is one of the engine's, ``bot.engine.edits``); ``apply`` saves it through
the services and words the reply. Every text here is mrkdwn: names are escaped, people
are mentions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.commands import people, views
from bot.commands.grammar.commands import UserRef
from bot.commands.roles import Deps
from bot.commands.views import Message
from bot.engine.edits import Edit
from bot.engine.model import Group
from bot.services import Actor


@dataclass(frozen=True)
class LineEdit:
    """One command-line change: the group it names, the pure change, and the words.

    ``done(name before, group after)`` is the headline of a save that changed something;
    ``already(group)`` says that the group was as asked already.
    """

    ref: str
    change: Edit
    done: Callable[[str, Group], str]
    already: Callable[[Group], str]


def apply(edit: LineEdit, who: Actor, wired: Deps) -> Message:
    """Save ``edit`` (the services re-check rights and rules) and word the reply."""
    result = wired.services.change_group(who, edit.ref, edit.change)
    after = result.view.group
    before = result.was or after.name  # the name as stored, for "Renamed Sales → Inside Sales"
    return views.saved_message(result, edit.done(before, after), unchanged=edit.already(after))


Answer = Callable[[Any, Actor, Deps, WebClient], Message]


def edited(make: Callable[[Any, Actor, Deps, WebClient], LineEdit]) -> Answer:
    """The answer of a subcommand whose ``make`` words one change of one group."""

    def answer(command: Any, who: Actor, wired: Deps, client: WebClient) -> Message:
        return apply(make(command, who, wired, client), who, wired)

    return answer


def pbx_users(users: Sequence[UserRef], who: Actor, wired: Deps, client: WebClient) -> list[str]:
    """The PBX users of the people a command names (``people.pbx_users_named``)."""
    return people.pbx_users_named(wired.services, wired.users, client, who.team_id, users)


def named(users: Sequence[UserRef], who: Actor, wired: Deps, client: WebClient) -> dict[str, str]:
    """PBX user id → the person as the command named them."""
    ids = pbx_users(users, who, wired, client)
    return dict(zip(ids, (people.mention(u) for u in users), strict=True))
