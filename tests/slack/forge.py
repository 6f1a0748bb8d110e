"""Payloads crafted by hand, as someone replaying or editing Slack's requests could."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slackemu.payloads import Context, fill_state, interaction_body, view_submission_payload
from tests.slack import live
from tests.slack.conftest import Slack


def forged_submission(
    slack: Slack,
    view: Mapping[str, Any],
    user: str,
    *,
    metadata: str | None = None,
    extra_state: Mapping[str, Any] | None = None,
) -> tuple[live.Reply, Any]:
    """Submit ``view`` (open in ``slack``'s workspace) as ``user``, with its metadata
    and state changed the way someone crafting the payload by hand could."""
    forged = dict(view)
    if metadata is not None:
        forged["private_metadata"] = metadata
    state = {**fill_state(view, None), **(extra_state or {})}
    payload = view_submission_payload(
        Context(slack.team, slack.emu.identity.app_id, user),
        forged,
        state,
        trigger_id=slack.emu.issue_trigger_id(user, str(view["id"])),
    )
    answer = slack.send(slack.driver.signer.sign(interaction_body(payload)))
    assert answer.status == 200, answer.text
    return answer, slack.emu.resolve_submission(str(view["id"]), answer.text or None)


def typed(
    block_id: str, action_id: str, value: str, kind: str = "plain_text_input"
) -> dict[str, Any]:
    """State for a text or number input holding ``value``, whatever the view has."""
    return {block_id: {action_id: {"type": kind, "value": value}}}


def chosen(block_id: str, action_id: str, value: str) -> dict[str, Any]:
    """State for a static select set to ``value``, an option of it or not."""
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {block_id: {action_id: {"type": "static_select", "selected_option": option}}}
