"""Payloads of a shape or type Slack never sends, signed as Slack signs: each gets a
plain refusal the user can read (or a 400 when it names no one), never the bug path."""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.commands.ids import Action, Block, Callback
from bot.commands.views.common import DAMAGED_FORM
from slackemu.payloads import app_home_opened_body, slash_command_body
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, LEAD, Slack, settle
from tests.slack.forged import bug_traces, errors_told, payload_of, send_payload, send_raw
from tests.slack.shown import error_text

pytestmark = pytest.mark.slow

MALFORMED = "This request is malformed"


def create_sales(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>")


def told_after(slack: Slack, since: int, timeout: float = 3.0) -> list[str]:
    """The error replies sent since call ``since``, waiting for the first one."""
    deadline = time.monotonic() + timeout
    while not (told := errors_told(slack, since)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return told


@pytest.fixture
def caplog_warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


# ---------------------------------------------------------------- in-modal controls


@pytest.mark.parametrize(
    ("modal", "action_id"),
    [
        ("members Sales", Action.DISTRIBUTE),
        ("members Sales", Action.MEMBERS_SELECT),
        ("features Sales", Action.RECORDING_TOGGLE),
        ("features Sales", Action.PREPEND_TOGGLE),
    ],
)
def test_an_in_modal_control_sent_from_a_message_is_refused(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, modal: str, action_id: str
) -> None:
    create_sales(slack)
    view = slack.open_modal(modal)
    pressed = payload_of(slack.driver.press_in_view(view["id"], action_id, user_id=ADMIN))
    pressed.pop("view")
    pressed["container"] = {"type": "message", "message_ts": "1.000001", "channel_id": CHANNEL}
    pressed["channel"] = {"id": CHANNEL, "name": "general"}
    since = len(slack.emu.calls())
    answer = send_payload(slack, pressed)
    assert answer.status == 200
    told = told_after(slack, since)
    assert told
    assert MALFORMED in told[0]
    assert "inside a form" in told[0]
    assert bug_traces(slack, caplog_warnings.records) == []


def test_distribute_in_another_form_is_refused(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    members = slack.open_modal("members Sales")
    features = slack.open_modal("features Sales")
    pressed = payload_of(
        slack.driver.press_in_view(members["id"], Action.DISTRIBUTE, user_id=ADMIN)
    )
    pressed["view"] = payload_of(slack.driver.submit(features["id"], user_id=ADMIN))["view"]
    since = len(slack.emu.calls())
    assert send_payload(slack, pressed).status == 200
    assert "another form" in told_after(slack, since)[0]
    assert bug_traces(slack, caplog_warnings.records) == []


def test_a_form_button_pressed_twice_is_told_it_expired(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    shown = slack.reply("show Sales")
    message = {**shown, "channel": CHANNEL, "ts": "1700000000.000100"}
    edit = next(
        e["action_id"]
        for b in shown["blocks"]
        for e in b.get("elements") or []
        if str(e.get("action_id", "")).startswith(Action.EDIT)
    )
    request = slack.driver.press_in_message(message, edit, user_id=ADMIN)
    assert slack.send(request).status == 200
    since = len(slack.emu.calls())
    assert slack.send(request).status == 200  # the same trigger_id, used already
    assert "expired" in told_after(slack, since)[0]
    assert bug_traces(slack, caplog_warnings.records) == []


def test_a_control_of_a_closed_form_is_told_so(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    request = slack.driver.press_in_view(view["id"], Action.DISTRIBUTE, user_id=ADMIN)
    slack.emu.close_view(view["id"])
    since = len(slack.emu.calls())
    assert slack.send(request).status == 200
    assert "closed" in told_after(slack, since)[0]
    assert bug_traces(slack, caplog_warnings.records) == []


# ---------------------------------------------------------------- values of the wrong type


def submitted(slack: Slack, modal: str) -> tuple[dict[str, Any], dict[str, Any]]:
    view = slack.open_modal(modal)
    return view, payload_of(slack.driver.submit(view["id"], user_id=ADMIN))


@pytest.mark.parametrize(
    ("modal", "block", "action", "value"),
    [
        ("edit Sales", Block.NAME, Action.NAME, {"type": "plain_text_input", "value": ["x"]}),
        ("members Sales", Block.MEMBERS, Action.MEMBERS_SELECT, {"selected_options": 5}),
        ("members Sales", Block.MEMBERS, Action.MEMBERS_SELECT, {"selected_options": [1, 2]}),
        ("features Sales", Block.RECORDING, Action.RECORDING_TOGGLE, {"selected_options": "x"}),
        ("features Sales", Block.RINGBACK, Action.RINGBACK, {"selected_option": "ring"}),
        ("features Sales", Block.FORWARD, Action.FORWARD_TOGGLE, {"selected_options": [3]}),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_in_the_form(
    slack: Slack,
    caplog_warnings: pytest.LogCaptureFixture,
    modal: str,
    block: str,
    action: str,
    value: Any,
) -> None:
    create_sales(slack)
    view, payload = submitted(slack, modal)
    payload["view"]["state"]["values"][block] = {action: value}
    before = slack.group("Sales")
    answer = send_payload(slack, payload)
    assert answer.status == 200
    outcome = slack.emu.resolve_submission(view["id"], answer.text)
    assert outcome.action == "errors", outcome
    assert any(MALFORMED in text for text in outcome.errors.values()), outcome.errors
    assert slack.group("Sales").version == before.version  # nothing saved
    assert bug_traces(slack, caplog_warnings.records) == []


@pytest.mark.parametrize(
    ("metadata"),
    [
        "{not json",
        "[1, 2]",
        '"text"',
        '{"opener": "U0ALICE", "version": "new"}',
        '{"opener": "U0ALICE", "ref": {"extension": "201"}}',
    ],
)
def test_private_metadata_that_does_not_read_is_refused(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, metadata: str
) -> None:
    create_sales(slack)
    view, payload = submitted(slack, "members Sales")
    payload["view"]["private_metadata"] = metadata
    answer = send_payload(slack, payload)
    assert answer.status == 200
    outcome = slack.emu.resolve_submission(view["id"], answer.text)
    assert list(outcome.errors.values()) == [DAMAGED_FORM], outcome
    assert bug_traces(slack, caplog_warnings.records) == []


@pytest.mark.parametrize(
    "picked", [["<!channel>"], ["U0ALICE", "x" * 300], [f"U0P{i:03d}" for i in range(101)]]
)
def test_a_member_select_holding_what_no_select_holds_is_refused(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, picked: list[str]
) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    since = len(slack.emu.calls())
    # Slack's client puts the new selection in view.state too
    forged = [{"text": {"type": "plain_text", "text": p[:75]}, "value": p} for p in picked]
    chosen = {Action.MEMBERS_SELECT: forged}
    request = slack.driver.press_in_view(
        view["id"], Action.MEMBERS_SELECT, user_id=ADMIN, answer=forged, answers=chosen
    )
    assert slack.send(request).status == 200
    told = told_after(slack, since)
    assert told
    assert MALFORMED in told[0]
    assert bug_traces(slack, caplog_warnings.records) == []


# ---------------------------------------------------------------- numbers beyond every range


def test_a_5000_digit_repeat_count_is_refused_under_its_input(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    view = slack.open_modal("edit Sales")
    _, outcome = slack.submit(view, {Block.REPEATS: "9" * 5000})
    assert outcome.action == "errors", outcome
    assert "1–20" in outcome.errors[Block.REPEATS]
    _, outcome = slack.submit(view, {Block.REPEATS: "-" + "9" * 5000})
    assert "1–20" in outcome.errors[Block.REPEATS]
    assert bug_traces(slack, caplog_warnings.records) == []


def test_a_5000_digit_ring_window_is_refused_under_its_row(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    end = next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith("member_end:"))
    _, outcome = slack.submit(view, {end: "9" * 5000})
    assert outcome.action == "errors", outcome
    assert "between 1 and 999" in outcome.errors[end]
    since = len(slack.emu.calls())
    request = slack.driver.press_in_view(
        view["id"], Action.DISTRIBUTE, user_id=ADMIN, answers={Block.WINDOW: "9" * 5000}
    )
    assert slack.send(request).status == 200
    assert "at most 999 seconds" in told_after(slack, since)[0]
    assert bug_traces(slack, caplog_warnings.records) == []


# ---------------------------------------------------------------- shapes Bolt cannot read


def press_payload(slack: Slack) -> dict[str, Any]:
    view = slack.open_modal("members Sales")
    return payload_of(slack.driver.press_in_view(view["id"], Action.DISTRIBUTE, user_id=ADMIN))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"actions": {}}, "actions"),
        ({"actions": []}, "actions"),
        ({"actions": [1]}, "action_id"),
        ({"actions": [{"action_id": 5}]}, "action_id"),
        ({"view": "members"}, "view"),
        ({"view": {"type": "workflow_step", "callback_id": "x"}}, "view"),
        ({"team": "T1"}, "team"),
        ({"response_url": {"url": "x"}}, "response_url"),
    ],
)
def test_a_button_press_bolt_cannot_read_is_refused_to_its_user(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, change: dict[str, Any], words: str
) -> None:
    create_sales(slack)
    payload = {**press_payload(slack), **change}
    since = len(slack.emu.calls())
    answer = send_payload(slack, payload)
    assert answer.status == 200, answer.text
    told = told_after(slack, since)
    assert told
    assert MALFORMED in told[0]
    assert words in told[0]
    assert bug_traces(slack, caplog_warnings.records) == []


@pytest.mark.parametrize(
    "view",
    ["members", 5, [], {"type": "workflow_step", "callback_id": Callback.MEMBERS}],
)
def test_a_submission_bolt_cannot_read_is_refused_in_the_modal(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, view: Any
) -> None:
    create_sales(slack)
    opened, payload = submitted(slack, "members Sales")
    answer = send_payload(slack, {**payload, "view": view})
    assert answer.status == 200, answer.text
    outcome = slack.emu.resolve_submission(opened["id"], answer.text)
    assert outcome.action == "update", outcome
    assert outcome.view is not None
    assert MALFORMED in (error_text(outcome.view) or "")
    assert bug_traces(slack, caplog_warnings.records) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "user": "U0ALICE", "actions": {}},  # user not an object
        {"type": "block_actions", "actions": "x"},  # no user at all
        {"type": "view_submission", "user": {"id": ["U0ALICE"]}, "view": "x"},
        {"type": 5, "user": {"id": ADMIN}},
        {"type": "view_closed", "user": {"id": ADMIN}, "view": 5},
        {"type": "event_callback", "event": "type"},
        {"type": "event_callback", "event": {"type": "app_home_opened", "user": {"id": 1}}},
    ],
)
def test_a_payload_naming_no_one_bolt_cannot_read_gets_a_plain_400(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    since = len(slack.emu.calls())
    answer = send_payload(slack, payload)
    assert answer.status == 400, answer.text
    settle()
    assert errors_told(slack, since) == []
    assert bug_traces(slack, caplog_warnings.records) == []


def test_an_event_whose_event_is_not_an_object_gets_a_plain_400(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    ctx = slack.driver._context(ADMIN)
    event = json.loads(app_home_opened_body(ctx, bot_user_id="U0GROUPBOT", at=1.0))
    for bad in ("type", ["type"], None, {"type": 5}):
        answer = send_raw(slack, json.dumps({**event, "event": bad}), live.JSON)
        assert answer.status == 400, (bad, answer.text)
    assert bug_traces(slack, caplog_warnings.records) == []


def test_a_slash_command_in_json_is_refused_to_its_user(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    ctx = slack.driver._context(ADMIN)
    form = slash_command_body(
        ctx, "/group", "list", channel_id=CHANNEL, trigger_id="t", response_url="https://x.test/r"
    )
    fields = dict(parse_qsl(form))
    answer = send_raw(slack, json.dumps({**fields, "command": ["/group"]}), live.JSON)
    assert answer.status == 200
    assert MALFORMED in (error_text(answer.json()) or "")
    assert bug_traces(slack, caplog_warnings.records) == []


# ---------------------------------------------------------------- a refusal always shows why


def test_a_refused_submission_of_a_modal_without_inputs_shows_why(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    opened, payload = submitted(slack, "members Sales")
    payload["view"]["blocks"] = [b for b in payload["view"]["blocks"] if b["type"] != "input"]
    payload["user"] = {**payload["user"], "id": LEAD}  # not who opened it
    answer = send_payload(slack, payload)
    assert answer.status == 200
    outcome = slack.emu.resolve_submission(opened["id"], answer.text)
    assert outcome.action == "update", outcome
    assert outcome.problems == []
    assert outcome.view is not None
    assert "opened by" in (error_text(outcome.view) or "")
    assert bug_traces(slack, caplog_warnings.records) == []


@pytest.mark.parametrize(
    "change",
    [
        {"actions": [{"action_id": f"{Action.CREATE}\n", "type": "button"}]},
        {"actions": [{"action_id": f"{Action.SHOW}\n", "type": "button"}]},
        # a legacy kind whose callback_id reads as one of our action ids
        {"type": "dialog_submission", "callback_id": Action.SHOW, "submission": {}},
        {"type": "interactive_message", "callback_id": Action.CREATE, "actions": []},
    ],
)
def test_an_id_that_only_looks_like_ours_never_reaches_the_bug_path(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture, change: dict[str, Any]
) -> None:
    create_sales(slack)
    payload = {**press_payload(slack), **change}

    answer = send_payload(slack, payload)

    assert answer.status in (200, 400, 404), answer.text
    assert "Reference" not in answer.text
    assert bug_traces(slack, caplog_warnings.records) == []


def test_a_form_whose_callback_id_ends_in_a_line_break_never_reaches_the_bug_path(
    slack: Slack, caplog_warnings: pytest.LogCaptureFixture
) -> None:
    create_sales(slack)
    _opened, payload = submitted(slack, "members Sales")
    view = {**payload["view"], "callback_id": f"{Callback.MEMBERS}\n"}

    answer = send_payload(slack, {**payload, "view": view})

    assert "Reference" not in answer.text
    assert bug_traces(slack, caplog_warnings.records) == []
