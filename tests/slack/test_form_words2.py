"""Issue 13 in the Features form: forward is worded as help and replies word it."""

from __future__ import annotations

import json

import pytest

from bot.commands.ids import Block
from tests.slack.conftest import ADMIN, Slack

pytestmark = pytest.mark.slow


def test_the_forward_box_says_what_help_says(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    view = slack.open_modal("features Sales")

    forward = next(b for b in view["blocks"] if b.get("block_id") == Block.FORWARD)
    shown = json.dumps(forward, ensure_ascii=False)

    assert forward["label"]["text"] == "Allow call-forward"
    assert "A ringing phone may forward the call (its Forward key)" in shown
    assert "forwarded phones" not in shown
