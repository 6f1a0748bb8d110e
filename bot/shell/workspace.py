"""The shell's workspace: who and what a form or a command can name.

A person is named ``@handle`` (or by the ``<@U…>`` mention Slack would send), a channel
``#name``; a name that is not there is an :class:`AnswerError` listing what is. In a
command's text, ``@handle`` is escaped as Slack escapes it (``escape_mentions``): a
person as ``<@U…|alice>``, a Slack user group as ``<!subteam^S…|@oncall>``; a name no one
and no user group has is found before anything is sent (``unknown_mentions``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MENTION = re.compile(r"(?<![<\w])@([A-Za-z0-9][\w.\-]*)")  # @alice typed in a command
BROADCASTS = ("here", "channel", "everyone")  # Slack escapes @here as <!here>
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|[^>]*)?>$")


class AnswerError(ValueError):
    """The answer cannot go into the field; the message says why, and the field is asked again."""


@dataclass(frozen=True)
class Person:
    """A member of the shell's workspace: ``handle`` is what follows the ``@``."""

    user_id: str
    handle: str
    real_name: str = ""


@dataclass(frozen=True)
class UserGroup:
    """A Slack user group of the workspace, mentioned as ``@handle``."""

    usergroup_id: str
    handle: str


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str


@dataclass(frozen=True)
class Workspace:
    """Who and what a form can pick from."""

    people: Sequence[Person] = ()
    channels: Sequence[Channel] = ()
    current_channel: str | None = None
    usergroups: Sequence[UserGroup] = ()

    def usergroup(self, handle: str) -> UserGroup | None:
        wanted = handle.removeprefix("@").lower()
        return next((g for g in self.usergroups if g.handle.lower() == wanted), None)

    def person(self, token: str) -> Person:
        token = token.strip().rstrip(",")
        mention = _MENTION.match(token)
        wanted = mention.group(1) if mention else token.removeprefix("@")
        for person in self.people:
            if wanted in {person.user_id, person.handle} or wanted.lower() == person.handle:
                return person
        raise AnswerError(f"no one called {token} in this workspace; {self.people_list()}")

    def handle(self, user_id: str) -> str:
        found = next((p for p in self.people if p.user_id == user_id), None)
        return "@" + (found.handle if found else user_id)

    def channel(self, token: str) -> Channel:
        token = token.strip()
        mention = _CHANNEL.match(token)
        wanted = mention.group(1) if mention else token.removeprefix("#")
        for channel in self.channels:
            if wanted in {channel.channel_id, channel.name}:
                return channel
        known = " ".join("#" + c.name for c in self.channels) or "none"
        raise AnswerError(f"no channel {token}; channels: {known}")

    def channel_name(self, channel_id: str) -> str:
        found = next((c for c in self.channels if c.channel_id == channel_id), None)
        return "#" + (found.name if found else channel_id)

    def people_list(self) -> str:
        return "people: " + ", ".join(
            f"@{p.handle}" + (f" ({p.real_name})" if p.real_name else "") for p in self.people
        )


def _person(handle: str, known: Mapping[str, Person]) -> Person | None:
    return known.get(handle.lower()) or known.get(handle.rstrip(".,;:").lower())


def _usergroup(handle: str, known: Mapping[str, UserGroup]) -> UserGroup | None:
    return known.get(handle.lower()) or known.get(handle.rstrip(".,;:").lower())


def unknown_mentions(
    text: str, people: Sequence[Person], usergroups: Sequence[UserGroup] = ()
) -> list[str]:
    """The ``@names`` typed in ``text`` that are no member and no user group of the workspace."""
    known = {p.handle.lower(): p for p in people}
    groups = {g.handle.lower(): g for g in usergroups}
    unknown: list[str] = []
    for match in MENTION.finditer(text):
        handle = match.group(1)
        bare = handle.rstrip(".,;:")
        named = _person(handle, known) or _usergroup(handle, groups)
        if named is None and bare.lower() not in BROADCASTS:
            unknown.append("@" + bare)
    return list(dict.fromkeys(unknown))


def escape_mentions(
    text: str, people: Sequence[Person], usergroups: Sequence[UserGroup] = ()
) -> str:
    """``@alice`` → ``<@U…|alice>`` for the workspace's members, ``@oncall`` →
    ``<!subteam^S…|@oncall>`` for its user groups and ``@here`` → ``<!here>``, as Slack
    escapes a slash command's text when the command has ``should_escape``; anything
    else is left as typed. A member's name is looked up before a user group's."""
    known = {p.handle.lower(): p for p in people}
    groups = {g.handle.lower(): g for g in usergroups}

    def escape(match: re.Match[str]) -> str:
        handle = match.group(1)
        person = _person(handle, known)
        if person is None:
            bare = handle.rstrip(".,;:")
            group = _usergroup(handle, groups)
            if group is not None:
                trailing = handle[len(group.handle) :]
                return f"<!subteam^{group.usergroup_id}|@{group.handle}>{trailing}"
            if bare.lower() in BROADCASTS:
                return f"<!{bare.lower()}>{handle[len(bare) :]}"
            return match.group(0)
        trailing = handle[len(person.handle) :]
        return f"<@{person.user_id}|{person.handle}>{trailing}"

    return MENTION.sub(escape, text)
