"""Slack user groups that keep a ring group's members: the ``subteam_members_changed``
event, and ``SlackUserGroups``, the services' ``UserGroupSource`` over Slack's Web API
(``usergroups.users.list``; users.info for emails; direct messages to leads)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import roles, views
from bot.commands.people import SlackUsers
from bot.commands.views.common import escape_keeping_mentions
from bot.errors import NotFound
from bot.services import NotDelivered, UserGroupUnreadable

log = logging.getLogger(__name__)

ClientFor = Callable[[str], WebClient]

# What Slack's refusals of usergroups.users.list mean for whoever reads the reason.
_WHY = {
    "no_such_subteam": "Slack has no such user group any more (deleted or disabled)",
    "missing_scope": (
        "groupbot may not read user groups: reinstall it so it gets the usergroups:read scope"
    ),
    "plan_upgrade_required": "this Slack plan has no user groups",
}


class SlackUserGroups:
    """``services.UserGroupSource`` with each workspace's bot token."""

    def __init__(self, client_for: ClientFor, users: SlackUsers) -> None:
        self._client_for = client_for
        self._users = users

    def members(self, team_id: str, usergroup: str) -> Sequence[str]:
        try:
            found = self._client(team_id).usergroups_users_list(usergroup=usergroup)
        except SlackApiError as error:
            code = str(error.response.get("error"))
            raise UserGroupUnreadable(_WHY.get(code, f"Slack answered {code}")) from None
        except OSError as error:  # Slack unreachable, after the client's own retries
            raise UserGroupUnreadable(f"Slack could not be reached ({error})") from None
        return [str(user) for user in found.get("users") or []]

    def emails(self, team_id: str, users: Sequence[str]) -> Mapping[str, str]:
        client = self._client(team_id)
        found: dict[str, str] = {}
        for user in users:
            try:
                person = self._users.get(client, team_id, user)
            except NotFound:
                continue  # gone from the workspace: no PBX user to find by email
            if person.email:
                found[user] = person.email
        return found

    def tell(self, team_id: str, users: Collection[str], text: str) -> None:
        client = self._client(team_id)
        for user in users:
            try:
                # plain text with mentions: a group's name in it is as typed, never markup
                message = views.done_message(escape_keeping_mentions(text))
                client.chat_postMessage(channel=user, **message)
            except SlackApiError as error:
                raise UserGroupUnreadable(
                    f"<@{user}> could not be told: Slack answered {error.response.get('error')}"
                ) from None

    def _client(self, team_id: str) -> WebClient:
        try:
            return self._client_for(team_id)
        except NotDelivered as error:
            raise UserGroupUnreadable(str(error)) from None


def members_changed(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """``subteam_members_changed`` (acknowledged first): each group following that user
    group takes its members as Slack now lists them, not only the event's difference,
    so an event lost or out of order leaves nothing behind."""
    usergroup = event.get("subteam_id")
    if not isinstance(usergroup, str) or not usergroup:
        return  # not a user group Slack could have sent: nothing follows it
    wired = roles.deps(context)
    source = SlackUserGroups(lambda _team: client, wired.users)
    followed = wired.services.follow_usergroups(roles.team_of(body), usergroup, source=source)
    for failure in followed.failed:
        log.warning("a user group's change was not followed: %s", failure)
