"""``/group``: acknowledge, parse, call the subcommand's handler, render.

What each subcommand does is its family's (``bot.commands.subcommands``); this is the
story around it. ``acknowledge`` answers Slack at once (a usage error is the answer
itself; a subcommand with a form opens its Loading modal first, while the trigger_id is
fresh); ``group`` then works, after the acknowledgement, and replies through
``response_url`` or fills the modal in (``views.update``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import parser, roles, views
from bot.commands.roles import Deps
from bot.commands.subcommands import Command, Opens, Posts, Replies, handler_of
from bot.commands.views import Message
from bot.commands.views.redact import hide_secrets
from bot.errors import UserError
from bot.services import Actor


def acknowledge(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Bolt's acknowledgement of ``/group …``, before any slow work.

    A malformed line is answered right here (``app.error`` puts the usage line in the
    acknowledgement); a subcommand with a form opens its Loading modal now, while the
    trigger_id is fresh. Everything else happens in ``group``, after Slack has its answer.
    """
    command = parser.parse(str(body.get("text") or ""))
    context[PARSED] = command  # for ``group``: the line is parsed once
    if isinstance(handler_of(command), Opens):
        open_loading(command, body, client, context)
    ack()


PARSED = "groupbot_command"  # context key: the command ``acknowledge`` parsed


def group(body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    """``/group …`` (every subcommand), after the acknowledgement."""
    command: Command = context[PARSED]
    handler = handler_of(command)
    if isinstance(handler, Opens):
        fill_modal(command, body, client, context)
        return
    who = roles.actor(context, client, body)
    wired = roles.deps(context)
    if isinstance(handler, Posts):
        handler.post(command, who, wired, client, respond)
        return
    respond(**run(command, who, wired, client), response_type="ephemeral")


def run(command: Command, who: Actor, wired: Deps, client: WebClient) -> Message:
    """What a subcommand that neither opens a modal nor posts a picture replies."""
    handler = handler_of(command)
    if not isinstance(handler, Replies):
        raise UserError(f"/group {command.subcommand} cannot be run here.")
    message = handler.answer(command, who, wired, client)
    return message if who.is_admin else hide_secrets(message)  # only admins may rotate it


def channel_of(body: dict[str, Any]) -> str | None:
    """Where a command or button came from (messages only; None from modals and Home)."""
    if body.get("channel_id"):
        return str(body["channel_id"])
    channel = body.get("channel")
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    return None


# ---------------------------------------------------------------- modals


OPENED = "groupbot_opened_view"  # context key: the Loading view, from ack to the work


def open_loading(
    command: Command, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Open the Loading modal on the fresh trigger_id: no users.info, no database first."""
    title = _title(command)
    opened = client.views_open(trigger_id=body["trigger_id"], view=views.loading_modal(title=title))
    context[OPENED] = {"id": opened["view"]["id"], "hash": opened["view"]["hash"]}


def fill_modal(
    command: Command, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Replace the Loading view with the form (or with why there is none)."""
    loading = context[OPENED]
    try:
        who = roles.actor(context, client, body)
        filled = modal_for(command, who, roles.deps(context), client, channel_of(body))
    except UserError as error:
        # e.g. not an admin, not a lead of the group, no such group: a refusal, marked so
        filled = views.refusal_modal(error.message, title=_title(command))
    client.views_update(view_id=loading["id"], hash=loading["hash"], view=filled)


def modal_for(
    command: Command, who: Actor, wired: Deps, client: WebClient, channel_id: str | None
) -> dict[str, Any]:
    handler = handler_of(command)
    if not isinstance(handler, Opens):
        raise UserError(f"/group {command.subcommand} has no form.")
    return handler.form(command, who, wired, client, channel_id)


def _title(command: Command) -> str:
    handler = handler_of(command)
    return handler.title if isinstance(handler, Opens) else "groupbot"
