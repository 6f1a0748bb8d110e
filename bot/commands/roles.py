"""Who is acting, established afresh on every command, button and submission.

An admin is a Slack workspace owner or admin (users.info) or anyone listed in
``GROUPBOT_ADMINS``, unless they come from another Slack organisation (an outsider).
The services take the ``Actor`` and check rights themselves; the surface also refuses
early where it would otherwise open a modal the user cannot submit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands.people import SlackUsers
from bot.config import Settings
from bot.errors import Forbidden
from bot.services import Actor, GroupView, Services

if TYPE_CHECKING:
    from bot.commands.two_steps import AfterAck

DEPS_KEY = "groupbot"


@dataclass(frozen=True)
class Deps:
    """What the handlers need, put on every request's context by ``create_app``."""

    services: Services
    settings: Settings
    users: SlackUsers
    after_ack: AfterAck


def deps(context: BoltContext) -> Deps:
    value = context[DEPS_KEY]
    assert isinstance(value, Deps)
    return value


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace a request comes from, whatever its shape."""
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    for key in ("team_id", "enterprise_id"):
        if body.get(key):
            return str(body[key])
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    return ""


def user_of(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, Mapping):
        return str(user.get("id", ""))
    if isinstance(user, str):  # events carry the bare id
        return user
    return str(body.get("user_id", ""))


def user_teams_of(body: Mapping[str, Any]) -> set[str]:
    """The Slack team(s) the payload says the acting user belongs to: ``user.team_id`` of
    interactions, ``user_team`` of commands and events from a shared channel."""
    teams: set[str] = set()
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        teams.add(str(user["team_id"]))
    event = body.get("event")
    for source in (body, event if isinstance(event, Mapping) else {}):
        if source.get("user_team"):
            teams.add(str(source["user_team"]))
    return teams


def enterprise_of(context: BoltContext, body: Mapping[str, Any]) -> str | None:
    enterprise = body.get("enterprise")
    if isinstance(enterprise, Mapping) and enterprise.get("id"):
        return str(enterprise["id"])
    found = context.enterprise_id or body.get("enterprise_id")
    return str(found) if found else None


def actor(context: BoltContext, client: WebClient, body: Mapping[str, Any]) -> Actor:
    """The ``Actor`` of this very request: whoever sent it, with their rights now.

    A user of another Slack organisation (in a channel shared with it: their team is
    neither this workspace nor its Enterprise org) is an outsider with everyone else's
    rights. Their users.info ``is_admin`` is about their own organisation, and
    GROUPBOT_ADMINS names users of this install's workspaces, so neither makes them an
    admin here; nor does being named lead of a group.
    """
    wired = deps(context)
    team_id = context.team_id or team_of(body)
    user_id = context.user_id or user_of(body)
    if not user_id:
        raise Forbidden("This request does not say who sent it.")
    ours = {team_id, enterprise_of(context, body) or team_id}
    if user_teams_of(body) - ours:
        return Actor(team_id=team_id, user_id=user_id, is_admin=False, outsider=True)
    # users.info too: a slash command does not always say whose team its user is of
    person = wired.users.get(client, team_id, user_id)
    if person.team_id and person.team_id not in ours:
        return Actor(team_id=team_id, user_id=user_id, is_admin=False, outsider=True)
    is_admin = person.is_admin or user_id in wired.settings.groupbot_admins
    return Actor(team_id=team_id, user_id=user_id, is_admin=is_admin, email=person.email)


def require_admin(who: Actor, what: str) -> None:
    if not who.is_admin:
        raise Forbidden(f"Only a workspace admin can {what}.")


def require_change(services: Services, who: Actor, view: GroupView, what: str) -> None:
    """Refuse before opening a modal whose submission would be refused anyway."""
    if services.can_change(who, view):
        return
    if who.outsider:
        raise Forbidden(
            f"You are from another Slack organisation: you can look at {view.group.name} "
            f"but not {what}."
        )
    leads = ", ".join(f"<@{lead}>" for lead in sorted(view.leads))  # the creator among them
    raise Forbidden(
        f"Only an admin or a lead of {view.group.name} can {what}. "
        f"Ask {leads or 'a workspace admin'}{' or a workspace admin' if leads else ''}."
    )
