"""Saying something to one user after the acknowledgement, wherever they can see it."""

from __future__ import annotations

import logging

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands.views import Message

log = logging.getLogger(__name__)


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


def send_picture(
    client: WebClient, user_id: str, intro: Message, png: bytes, filename: str, title: str
) -> None:
    """A picture in the user's direct messages with the app (a file cannot be ephemeral).

    files.completeUploadExternal takes a conversation id, never a user id; posting ``intro``
    to the user id opens the direct message and gives its id (chat:write is enough, no
    im:write). The text reply already holds what the picture shows, so a failure is logged.
    """
    try:
        opened = client.chat_postMessage(channel=user_id, **intro)
        client.files_upload_v2(
            channel=str(opened["channel"]), content=png, filename=filename, title=title
        )
    except SlackApiError as error:
        log.warning("%s not posted: %s", filename, error.response.get("error"))
