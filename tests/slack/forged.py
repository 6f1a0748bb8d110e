"""Payloads the app itself produced, taken apart, changed and signed again: what a
garbled client or someone holding the signing secret could send."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from slackemu.payloads import SignedRequest, interaction_body
from tests.slack import live
from tests.slack.conftest import Slack
from tests.slack.shown import error_text

BUG = "Something went wrong"


def payload_of(request: SignedRequest) -> dict[str, Any]:
    """The JSON ``payload`` field of an interactivity request."""
    payload: dict[str, Any] = json.loads(parse_qs(request.body)["payload"][0])
    return payload


def send_payload(slack: Slack, payload: Any) -> live.Reply:
    """``payload`` as Slack posts interactions, signed with the app's secret."""
    return slack.send(slack.driver.signer.sign(interaction_body(payload)))


def send_raw(slack: Slack, body: str, content_type: str = live.FORM) -> live.Reply:
    return slack.send(slack.driver.signer.sign(body, content_type))


def errors_told(slack: Slack, since: int = 0) -> list[str]:
    """What the error replies the app sent after call ``since`` say (DMs, ephemerals,
    response_url posts)."""
    told = []
    for call in slack.emu.calls()[since:]:
        if call.method in ("chat.postMessage", "chat.postEphemeral", "response_url"):
            text = error_text(call.args)
            if text is not None:
                told.append(text)
    return told


def bug_traces(slack: Slack, records: Iterable[logging.LogRecord]) -> list[str]:
    """Every sign of the bug path: an ERROR logged, or "Something went wrong" said
    anywhere in the workspace (messages, modals, HTTP answers recorded by the emulator)."""
    found = [f"{r.name}: {r.getMessage()}" for r in records if r.levelno >= logging.ERROR]
    found += [c.method for c in slack.emu.calls() if BUG in json.dumps(c.args)]
    return found
