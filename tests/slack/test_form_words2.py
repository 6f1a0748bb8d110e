"""Issue 13 in the Features form: forward is worded as help and replies word it."""

from __future__ import annotations

import json

import pytest

from bot.commands.ids import Action, Block
from slackemu.server import RESPONSE_URL
from tests.slack.conftest import ADMIN, CHANNEL, Slack
from tests.slack.shown import text_of

pytestmark = pytest.mark.slow


def test_the_forward_box_says_what_help_says(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    view = slack.open_modal("features Sales")

    forward = next(b for b in view["blocks"] if b.get("block_id") == Block.FORWARD)
    shown = json.dumps(forward, ensure_ascii=False)

    assert forward["label"]["text"] == "Allow call-forward"
    assert "A ringing phone may forward the call (its Forward key)" in shown
    assert "forwarded phones" not in shown


def test_a_delete_button_of_a_group_another_one_sends_calls_to_says_so_without_asking(
    slack: Slack,
) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    slack.reply(f"create Billing 202 <@{ADMIN}|alice>")
    slack.reply("next Sales group Billing")
    slack.reply("show Billing")
    message = slack.emu.messages_to(CHANNEL)[-1]
    [button] = [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(Action.DELETE)
    ]

    before = slack.count(RESPONSE_URL)
    sent = slack.send(slack.driver.press_in_message(message, button["action_id"], user_id=ADMIN))

    assert "confirm" not in button  # no "Delete Billing?" dialog before the refusal
    assert sent.status == 200
    said = text_of(slack.wait(RESPONSE_URL, before))
    assert "Sales sends unanswered calls to Billing" in said, said
    assert slack.group("Billing").group.name == "Billing"
