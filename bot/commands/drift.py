"""``/group drift``, ``/group adopt`` and the drift message's buttons.

The services check rights (admins only for every button and for adopting), so a button
drawn for an admin and pressed by someone else is refused with the Forbidden message.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import roles, views
from bot.commands.ids import Action, base_of
from bot.commands.shape import Malformed
from bot.commands.tell import tell
from bot.commands.views import Message
from bot.commands.views.common import escape_name
from bot.commands.views.drift import drift_message
from bot.services import Actor, Services


def report(who: Actor, services: Services) -> Message:
    return drift_message(services.drift(who.team_id), admin=who.is_admin)


def adopt(who: Actor, services: Services, name: str) -> Message:
    result = services.adopt(who, name)
    return views.saved_message(
        result, f"Adopted {escape_name(result.view.group.name)} from the PBX."
    )


def pressed(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    context: BoltContext,
) -> None:
    """Push ours, Take the PBX's or Adopt, answered under the drift message."""
    who = roles.actor(context, client, body)
    services = roles.deps(context).services
    value = action.get("value")
    if not isinstance(value, str) or not value:
        raise Malformed("a drift button without its group")
    match base_of(str(action.get("action_id"))):
        case Action.DRIFT_PUSH:
            result = services.push_ours(who, value)
            name = escape_name(result.view.group.name)
            message = views.saved_message(result, f"Pushed groupbot's {name} to the PBX.")
        case Action.DRIFT_TAKE:
            result = services.adopt_pbx(who, value)
            name = escape_name(result.view.group.name)
            message = views.saved_message(
                result,
                f"{name} is now as the PBX has it.",
                unchanged=f"{name} was already as the PBX has it.",
            )
        case _:
            message = adopt(who, services, value)
    tell(client, who.user_id, message, respond=respond)
