"""Saying something to one user after the acknowledgement, wherever they can see it."""

from __future__ import annotations

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands.views import Message


def tell(
    client: WebClient,
    user: str,
    message: Message,
    *,
    respond: Respond | None = None,
    channel: str | None = None,
) -> None:
    """``message`` for ``user`` alone: under the command or message it answers (its
    response_url), else as an ephemeral message in ``channel``, else in their direct
    messages with the app (App Home, modals opened from there, or a channel the bot is not in).
    """
    if respond is not None and respond.response_url:
        respond(**message, response_type="ephemeral", replace_original=False)
        return
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, **message)
            return
        except SlackApiError:
            pass  # e.g. the bot is not in that channel: a direct message still reaches them
    client.chat_postMessage(channel=user, **message)
