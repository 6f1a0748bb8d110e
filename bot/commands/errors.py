"""Every error down one path (``app.error``).

- a ``FieldErrors`` raised while a modal is being submitted goes back under the inputs it
  concerns (``response_action: errors``), and the modal stays open with what was typed;
- any other ``UserError`` is shown exactly as written, to the user alone: under the first
  input of a modal being submitted, as the ephemeral reply of a command not yet
  acknowledged, else through ``response_url`` or a direct message;
- anything else is a bug: logged with a short reference id, and the user sees only the id.

Every error reply is ``views.error_message``: the text (mentions kept, ``<``, ``>`` and
``&`` escaped, so a usage line shows its ``<group>``) in a section whose block_id is
``Block.ERROR``, the marker a client reads to tell a failure from an answer.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands.tell import tell
from bot.commands.verified import is_verified
from bot.commands.views import error_message, refusal_modal
from bot.commands.views.state import MalformedState
from bot.errors import FieldErrors, UserError

BlockErrors = Callable[[Mapping[str, Any], Mapping[str, str]], dict[str, str]]
"""(the submitted view, field path → message) → input block_id → message."""


def reference() -> str:
    """A short id the user can quote and we can grep the logs for."""
    return secrets.token_hex(4)


ErrorHandler = Callable[..., BoltResponse | None]


def make_error_handler(
    block_errors: BlockErrors, witness: Callable[[Exception], None] | None = None
) -> ErrorHandler:
    """The ``app.error`` handler; ``block_errors`` places field errors on a modal's inputs,
    and ``witness`` (the shell's) hears of every error before it is answered."""

    def on_error(
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        respond: Respond | None,
        client: WebClient,
        logger: logging.Logger,
        context: BoltContext,
    ) -> BoltResponse | None:
        if witness is not None:
            witness(error)
        if not is_verified(context):
            # Bolt's signature check raised before any of our middleware ran: nothing in
            # the body can be trusted, so no one it names is answered or written to.
            logger.warning("refused an unverified request (%s)", type(error).__name__)
            return None if response is None else BoltResponse(status=401, body="")
        # ``response`` is None once the listener has acknowledged: the HTTP answer is gone.
        acknowledged = response is None
        if isinstance(error, UserError):
            message = error.message
        else:
            ref = reference()
            logger.error("unexpected error, reference %s", ref, exc_info=error)
            message = f"Something went wrong on our side. Reference: `{ref}`"
        kind = body.get("type")
        if kind == "view_submission" and not acknowledged:
            return _view_errors(error, message, body.get("view") or {}, block_errors)
        if kind is None and "command" in body and not acknowledged:
            return BoltResponse(
                status=200,
                headers={"content-type": "application/json;charset=utf-8"},
                body=json.dumps({"response_type": "ephemeral", **error_message(message)}),
            )
        _tell(message, body, respond, client, logger)
        if not acknowledged:
            return BoltResponse(status=200, body="")
        return None

    return on_error


def after_ack(handler: ErrorHandler) -> Callable[[Exception, BoltRequest], None]:
    """``handler`` for an error raised once the request was acknowledged (no answer left
    to fill in), called with what Bolt would give it."""

    def on_error(error: Exception, request: BoltRequest) -> None:
        context = request.context
        handler(
            error=error,
            body=request.body,
            response=None,
            respond=context.respond,
            client=context.client,
            logger=context.logger,
            context=context,
        )

    return on_error


def _view_errors(
    error: Exception,
    message: str,
    view: Mapping[str, Any],
    block_errors: BlockErrors,
) -> BoltResponse:
    """A refused submission, shown in the modal: under the inputs it concerns, else under
    the first input. A modal with no input cannot show an error (Slack would say "We had
    some trouble connecting"), so it is replaced by a modal saying why, with
    ``response_action: update``; a ``push`` would stack the reason over a form that has
    nothing to fix."""
    inputs = _input_blocks(view)
    errors: dict[str, str] = {}
    if isinstance(error, FieldErrors):
        try:
            errors = block_errors(view, error.errors)
        except UserError:  # the state it would place them by is malformed too
            errors = {}
    elif isinstance(error, MalformedState) and error.block_id in inputs:
        errors = {error.block_id: message}  # under the input that held it
    # Slack only shows errors keyed by an input block of the view: the rest go under the first
    placed = {block: text for block, text in errors.items() if block in inputs}
    elsewhere = [text for block, text in errors.items() if block not in inputs]
    if inputs and (elsewhere or not placed):
        first = [placed[inputs[0]]] if inputs[0] in placed else []
        placed[inputs[0]] = "; ".join(first + (elsewhere or [message]))
    errors = placed
    if not errors:
        answer: dict[str, Any] = {"response_action": "update", "view": refusal_modal(message)}
    else:
        answer = {"response_action": "errors", "errors": errors}
    return BoltResponse(
        status=200,
        headers={"content-type": "application/json;charset=utf-8"},
        body=json.dumps(answer),
    )


def _input_blocks(view: Mapping[str, Any]) -> list[str]:
    blocks = view.get("blocks") if isinstance(view, Mapping) else None
    return [
        str(block["block_id"])
        for block in (blocks if isinstance(blocks, list) else ())
        if isinstance(block, Mapping) and block.get("type") == "input" and block.get("block_id")
    ]


def _tell(
    message: str,
    body: Mapping[str, Any],
    respond: Respond | None,
    client: WebClient,
    logger: logging.Logger,
) -> None:
    """After the ack: the response_url when there is one, else a direct message."""
    user = body.get("user") or {}
    user_id = str((user.get("id") if isinstance(user, Mapping) else body.get("user_id")) or "")
    if not user_id and (respond is None or not respond.response_url):
        logger.warning("no one to tell about an error: %s", message)
        return
    try:
        tell(client, user_id, error_message(message), respond=respond)
    except (SlackApiError, OSError, ValueError) as failed:
        # e.g. a user or response_url Slack does not know: nothing of ours went wrong
        logger.warning("could not tell the user about an error (%s): %s", failed, message)
