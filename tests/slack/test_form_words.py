"""Issue 13 in the forms: what a form offers and keeps is what the user can use and
typed (points 7 and 9), and Setup says what another account does to the groups."""

from __future__ import annotations

import json

import pytest

from bot.commands.ids import Action, Block, suffixed
from tests.slack.conftest import ADMIN, LEAD, Slack

pytestmark = pytest.mark.slow


def test_the_another_group_list_never_offers_the_group_itself(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    slack.reply(f"create Billing 202 <@{LEAD}|bob>")
    view = slack.open_modal("features Sales")

    view = slack.press(view, Action.NEXT_KIND, answer="group")

    target = next(
        b for b in view["blocks"] if b.get("block_id") == suffixed(Block.NEXT_TARGET, "group")
    )
    offered = [o["text"]["text"] for o in target["element"]["options"]]
    assert offered == ["Billing"]


def test_a_caller_id_prefix_keeps_its_trailing_space_in_the_form(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    view = slack.open_modal("features Sales")
    view = slack.press(view, Action.PREPEND_TOGGLE, answer=["on"])

    _, outcome = slack.submit(view, {Block.PREPEND_NAME: "Sales: "})

    assert outcome.action == "close"
    assert slack.group("Sales").group.features.caller_id_prepend.name_prefix == "Sales: "


def test_setup_says_how_many_groups_another_account_would_hide(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    slack.reply(f"create Billing 202 <@{LEAD}|bob>")

    view = slack.open_modal("setup")

    assert "This account has 2 ring groups; with another account they are no longer shown" in (
        json.dumps(view, ensure_ascii=False)
    )
