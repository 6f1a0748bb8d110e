"""App Home: the dashboard each user sees, published when they open the tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.commands import roles, views
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
        storage=views.storage_gauge(services.storage_report(who.team_id)),
    )
    client.views_publish(user_id=who.user_id, view=view)
