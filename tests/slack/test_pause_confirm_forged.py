"""The Confirm under a last-member warning carries who was named; a forged value cannot
make the bot tell someone else they were paused."""

from __future__ import annotations

import copy
import json
from typing import Any

from bot.commands.ids import Action
from tests.slack.conftest import ADMIN, CHANNEL, MEMBER, Slack, settle
from tests.slack.shown import mention, shown


def _confirm_button(message: dict[str, Any]) -> dict[str, Any]:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if str(element.get("action_id", "")).startswith(Action.PAUSE_CONFIRM):
                return dict(element)
    raise AssertionError(message)


def _press(slack: Slack, message: dict[str, Any], user: str, changes: dict[str, object]) -> None:
    forged = copy.deepcopy(message)
    for block in forged["blocks"]:
        for element in block.get("elements", []):
            if str(element.get("action_id", "")).startswith(Action.PAUSE_CONFIRM):
                value = json.loads(element["value"])
                value.update(changes)
                element["value"] = json.dumps(value)
                action_id = element["action_id"]
    slack.send(slack.driver.press_in_message(forged, action_id, user_id=user))
    settle(1.0)


def _dms(slack: Slack, user: str) -> list[str]:
    return [shown(m) for m in slack.emu.messages_to("D" + user[1:])]


def test_a_forged_person_on_confirm_is_not_told_anything(slack: Slack) -> None:
    slack.reply(f"create Solo 301 {mention(MEMBER)}")
    slack.reply(f"pause Solo {mention(MEMBER)} for 1h")  # the last one ringing: a warning
    warning = slack.emu.messages_to(CHANNEL)[-1]
    _confirm_button(warning)

    _press(slack, warning, MEMBER, {"slack": ADMIN})

    assert not any("paused you" in dm for dm in _dms(slack, ADMIN))
