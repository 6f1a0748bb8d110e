"""App Home: the dashboard each user sees, published when they open the tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import presence, pushes, roles, views
from bot.commands.ids import Action, base_of
from bot.commands.tell import tell
from bot.services import Actor


def opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """``app_home_opened`` (auto-acknowledged): publish this user's Home tab."""
    if event.get("tab", "home") != "home":
        return  # the Messages tab
    who = roles.actor(context, client, body)
    publish(client, context, who)


def publish(client: WebClient, context: BoltContext, who: Actor) -> None:
    services = roles.deps(context).services
    groups = services.group_summaries(who.team_id)
    view = views.home_view(
        groups,
        can_change=lambda shown: services.can_change(who, shown),
        can_create=who.is_admin,
        storage=views.storage_gauge(services.storage_report(who.team_id), admin=who.is_admin),
        mine=presence.my_groups(who, roles.deps(context), client),
    )
    client.views_publish(user_id=who.user_id, view=view)


def pressed(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Pause 1 h, Pause until tomorrow 09:00 and Resume under "My groups" (after the ack):
    rights are the presser's now; the Home shows the outcome. Only the last-member
    warning (its Confirm button) comes as a direct message, where it can be pressed."""
    who = roles.actor(context, client, body)
    wired = roles.deps(context)
    ref = presence.group_ref_of(action)
    match base_of(str(action.get("action_id"))):
        case Action.HOME_RESUME:
            message = presence.home_resume(who, wired, client, ref)
        case pause:
            message = presence.home_pause(
                who, wired, client, ref, hour=pause == Action.HOME_PAUSE_HOUR
            )
    # the PBX first: redrawing Home (every group the presser rings in) can wait for it
    pushes.push_saved({}, context, client, body, None)
    publish(client, context, who)
    if presence.asks_to_confirm(message):
        tell(client, who.user_id, message)
