"""Slack users as groupbot sees them: who they are (users.info) and which PBX user they are.

A Slack user maps to the PBX user linked to them explicitly (the directory's
``slack_user``) or else to the PBX user with the same email; the services decide, we
bring the email. A Slack user with no PBX user is an error that names them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands.grammar.commands import UserRef
from bot.commands.shape import SLACK_USER
from bot.engine.directory import Directory
from bot.engine.model import Group
from bot.errors import FieldErrors, NotFound, UserError
from bot.services import Services

# users.info is Tier 4 (100+/min per workspace). Every request builds a fresh Actor, but
# the facts behind it may be a minute old: a demoted admin keeps rights for at most that long.
PROFILE_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str  # what to call them in a reply: real name, else display name, else the id
    email: str | None
    is_admin: bool  # workspace admin, owner or primary owner (of their own team)
    is_bot: bool = False
    team_id: str | None = None  # their own team: another organisation's when external
    tz: str | None = None  # their Slack time zone ("Europe/Paris"): when "until 14:00" is


def _from_users_info(user: dict[str, Any]) -> SlackUser:
    profile = user.get("profile") or {}
    name = (
        profile.get("real_name")
        or user.get("real_name")
        or profile.get("display_name")
        or user.get("name")
        or user["id"]
    )
    return SlackUser(
        id=user["id"],
        name=str(name),
        email=profile.get("email") or None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")),
        team_id=str(user["team_id"]) if user.get("team_id") else None,
        tz=str(user["tz"]) if user.get("tz") else None,
    )


class SlackUsers:
    """users.info, remembered for a short while per (team, user)."""

    def __init__(
        self, ttl: float = PROFILE_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], tuple[float, SlackUser]] = {}

    def get(self, client: WebClient, team_id: str, user_id: str) -> SlackUser:
        key = (team_id, user_id)
        now = self._clock()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            response = client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                raise NotFound(f"<@{user_id}> is not a user of this Slack workspace") from None
            raise
        user = _from_users_info(response["user"])
        with self._lock:
            self._cache[key] = (now, user)
        return user

    def by_email(self, client: WebClient, team_id: str, email: str) -> str | None:
        """The Slack user id with ``email`` (users.lookupByEmail), or None."""
        key = (team_id, "email:" + email.casefold())
        now = self._clock()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1].id or None
        try:
            found = _from_users_info(client.users_lookupByEmail(email=email)["user"])
        except SlackApiError as error:
            if error.response.get("error") not in ("users_not_found", "user_not_found"):
                raise
            found = SlackUser(id="", name=email, email=email, is_admin=False)
        with self._lock:
            self._cache[key] = (now, found)
        return found.id or None


def pbx_user(
    services: Services, users: SlackUsers, client: WebClient, team_id: str, slack_user_id: str
) -> str:
    """The PBX user id of a Slack user, or ``UserError`` naming them."""
    person = users.get(client, team_id, slack_user_id)
    try:
        return services.pbx_user_for(team_id, slack_user_id, person.email)
    except NotFound:
        raise NotFound(_no_pbx_user(person)) from None


def pbx_users(
    services: Services,
    users: SlackUsers,
    client: WebClient,
    team_id: str,
    slack_user_ids: Iterable[str],
    *,
    field: str = "members",
) -> list[str]:
    """PBX user ids, in order; every Slack user without one is named in one ``FieldErrors``."""
    found: list[str] = []
    missing: list[str] = []
    for slack_user_id in slack_user_ids:
        try:
            found.append(pbx_user(services, users, client, team_id, slack_user_id))
        except NotFound as error:  # not e.g. a workspace with no PBX account: that is said once
            missing.append(error.message)
    if missing:
        raise FieldErrors({field: _join(missing)})
    return found


def slack_ids(
    users: SlackUsers, client: WebClient, team_id: str, group: Group, directory: Directory
) -> dict[str, str]:
    """PBX user id → Slack user id for the members of ``group``, found by email; members
    whose email Slack does not know are left out (the Members modal keeps them aside)."""
    found: dict[str, str] = {}
    for member in group.members:
        fact = directory.users.get(member.user_id)
        if fact is None or not fact.email:
            continue
        slack_id = users.by_email(client, team_id, fact.email)
        if slack_id:
            found[member.user_id] = slack_id
    return found


def _no_pbx_user(person: SlackUser) -> str:
    who = f"{person.name} (<@{person.id}>)"
    if person.email:
        return (
            f"{who} has no PBX user with the email {person.email}: add them in SmartPBX with "
            "that email (or ask an admin to), then try again"
        )
    # groupbot finds a Slack user's PBX user by email, and Slack shows none for this one
    return (
        f"{who} has no PBX user: Slack shows no email for them, and groupbot finds "
        "people's PBX users by email. Pick someone whose Slack email their SmartPBX user has."
    )


def _join(messages: Sequence[str]) -> str:
    return messages[0] if len(messages) == 1 else "; ".join(messages)


# ---------------------------------------------------------------- people named in a command


def slack_id(user: UserRef) -> str:
    """The Slack user id of a mention; a bare ``@name`` (no id) cannot be resolved."""
    if not user.user_id:
        raise UserError(
            f"I can't tell who {user.display} is: pick them from Slack's @-mention list "
            "so that Slack says exactly who you mean."
        )
    return user.user_id


def pbx_users_named(
    services: Services,
    users: SlackUsers,
    client: WebClient,
    team_id: str,
    named: Sequence[UserRef],
) -> list[str]:
    """The PBX user ids of the people a command mentions, in order."""
    return pbx_users(services, users, client, team_id, [slack_id(u) for u in named])


def mention(user: UserRef | str | None) -> str:
    """A user (a mention in a command, or a Slack user id) as mrkdwn."""
    if user is None:
        return ""
    if isinstance(user, str):
        if SLACK_USER.fullmatch(user):
            return f"<@{user}>"
        # a stored lead that is no user id (an old import) shows as text, never as markup
        return user.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<@{user.user_id}>" if user.user_id else user.display


def mentions(users: Sequence[UserRef] | Sequence[str]) -> str:
    return ", ".join(mention(u) for u in users) or "nobody"
