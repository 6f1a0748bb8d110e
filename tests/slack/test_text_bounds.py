"""Free text in the forms, over real HTTP: every text input has a max_length Slack's client
enforces, and the app checks it again (a forged submission ignores the view), along with
the control characters no one-line text may hold; each refusal is under its own input."""

from __future__ import annotations

from typing import Any

import pytest

from bot.commands.ids import Action, Block, Callback
from tests.slack.conftest import ADMIN, LEAD, Slack

pytestmark = pytest.mark.slow


def create_sales(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>")


def text_inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(block["block_id"]): block["element"]
        for block in view["blocks"]
        if block.get("type") == "input"
        and block["element"]["type"] in {"plain_text_input", "url_text_input"}
    }


def the_errors(outcome: Any) -> dict[str, str]:
    assert outcome.action == "errors", outcome
    return dict(outcome.errors)


def features_with_every_input(slack: Slack) -> dict[str, Any]:
    view = slack.open_modal("features Sales")
    view = slack.press(view, Action.RECORDING_TOGGLE, answer=["on"])
    return slack.press(view, Action.PREPEND_TOGGLE, answer=["on"])


def test_every_plain_text_input_of_the_forms_has_a_max_length(slack: Slack) -> None:
    create_sales(slack)
    views = [
        slack.open_modal("create"),
        slack.open_modal("edit Sales"),
        features_with_every_input(slack),
    ]
    assert [v["callback_id"] for v in views] == [
        Callback.CREATE,
        Callback.SETTINGS,
        Callback.FEATURES,
    ]
    for view in views:
        for block_id, element in text_inputs(view).items():
            if element["type"] == "plain_text_input":  # url_text_input takes no max_length
                assert 1 <= element.get("max_length", 0) <= 3000, (view["callback_id"], block_id)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Sup\x00port", "the group name cannot contain a NUL character"),
        ("Sup\tport", "the group name cannot contain a tab"),
        ("Support\u202e", "the group name cannot contain U+202E (right-to-left override)"),
    ],
)
def test_a_name_with_a_control_character_is_refused_under_the_name(
    slack: Slack, typed: str, words: str
) -> None:
    view = slack.open_modal("create")
    answers = {Block.NAME: typed, Block.EXTENSION: "202", Block.MEMBERS: [ADMIN]}
    errors = the_errors(slack.submit(view, answers)[1])
    assert errors == {Block.NAME: f"{words}; type it as one line of plain text"}
    assert slack.services.group_summaries(slack.team) == []


def test_features_text_is_bounded_and_plain_under_each_input(slack: Slack) -> None:
    create_sales(slack)
    view = features_with_every_input(slack)

    long_url = "https://rec.example.com/" + "a" * 5_000
    errors = the_errors(slack.submit(view, {Block.RECORDING_URL: long_url})[1])
    assert errors[Block.RECORDING_URL] == "the recording URL must be at most 2,048 characters"

    nul_url = "https://rec.example.com/\x00"
    errors = the_errors(slack.submit(view, {Block.RECORDING_URL: nul_url})[1])
    assert "the recording URL cannot contain a NUL character" in errors[Block.RECORDING_URL]

    escape = {Block.PREPEND_NAME: "\x1b[31mSales", Block.PREPEND_NUMBER: "9\x00"}
    errors = the_errors(slack.submit(view, escape)[1])
    assert "name prefix cannot contain an escape character" in errors[Block.PREPEND_NAME]
    assert "number prefix cannot contain a NUL character" in errors[Block.PREPEND_NUMBER]

    assert not slack.group("Sales").group.features.call_recording.enabled
