"""fill_state, the request builders and the Driver, against a real Bolt app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from slackemu import Driver, SignedRequest, SlackEmulator, fill_state, input_fields

SECRET = "emulator-signing-secret"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(value: str) -> dict[str, Any]:
    return {"text": plain(value.upper()), "value": value}


def field(block_id: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(block_id.replace("_", " ").title()),
        "element": {"action_id": "value", **element},
    }


FORM = {
    "type": "modal",
    "callback_id": "create_group",
    "title": plain("Create group"),
    "submit": plain("Create"),
    "blocks": [
        field("name", {"type": "plain_text_input"}),
        field(
            "repeats", {"type": "number_input", "is_decimal_allowed": False, "initial_value": "1"}
        ),
        field("format", {"type": "static_select", "options": [option("mp3"), option("wav")]}),
        field(
            "ringback",
            {"type": "radio_buttons", "options": [option("default"), option("silence")]}
            | {"initial_option": option("default")},
        ),
        field("features", {"type": "checkboxes", "options": [option("record"), option("forward")]}),
        field("extras", {"type": "multi_static_select", "options": [option("x")]}, optional=True),
        field("lead", {"type": "users_select"}),
        field("members", {"type": "multi_users_select", "initial_users": ["U0ALICE"]}),
        field("where", {"type": "conversations_select"}),
        field("alerts", {"type": "channels_select"}),
        field("note", {"type": "plain_text_input", "multiline": True}, optional=True),
        {"type": "section", "block_id": "pick", "text": {"type": "mrkdwn", "text": "Strategy"}}
        | {
            "accessory": {
                "type": "static_select",
                "action_id": "strategy",
                "options": [option("all")],
            }
        },
    ],
}


def test_fill_state_shapes_every_element() -> None:
    answers = {
        "name": "Sales",
        "format": "WAV",  # an option's text works as well as its value
        "features": ["record", "forward"],
        "lead": "U0BOB",
        "where": "C0SALES",
        "alerts": "C0ALERTS",
        "strategy": "all",  # outside input blocks, fields are named by action_id
    }
    assert fill_state(FORM, answers) == {
        "name": {"value": {"type": "plain_text_input", "value": "Sales"}},
        "repeats": {"value": {"type": "number_input", "value": "1"}},
        "format": {"value": {"type": "static_select", "selected_option": option("wav")}},
        "ringback": {"value": {"type": "radio_buttons", "selected_option": option("default")}},
        "features": {
            "value": {
                "type": "checkboxes",
                "selected_options": [option("record"), option("forward")],
            }
        },
        "extras": {"value": {"type": "multi_static_select", "selected_options": []}},
        "lead": {"value": {"type": "users_select", "selected_user": "U0BOB"}},
        "members": {"value": {"type": "multi_users_select", "selected_users": ["U0ALICE"]}},
        "where": {"value": {"type": "conversations_select", "selected_conversation": "C0SALES"}},
        "alerts": {"value": {"type": "channels_select", "selected_channel": "C0ALERTS"}},
        "note": {"value": {"type": "plain_text_input", "value": None}},
        "pick": {"strategy": {"type": "static_select", "selected_option": option("all")}},
    }


def test_one_choice_for_a_multi_choice_element() -> None:
    state = fill_state(FORM, {"features": "record", "members": "U0BOB"})
    assert state["features"]["value"]["selected_options"] == [option("record")]
    assert state["members"]["value"]["selected_users"] == ["U0BOB"]


def test_fill_state_refuses_what_the_user_could_not_do() -> None:
    with pytest.raises(KeyError, match="nickname"):
        fill_state(FORM, {"nickname": "x"})
    with pytest.raises(ValueError, match="flac"):
        fill_state(FORM, {"format": "flac"})


def test_input_fields_in_display_order() -> None:
    labels = [f.label for f in input_fields(FORM) if f.label]
    assert labels[:3] == ["Name", "Repeats", "Format"]
    assert [f.optional for f in input_fields(FORM)][5] is True
    assert input_fields(FORM)[-1].action_id == "strategy"


# -- driving a Bolt app -----------------------------------------------------------------


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        emulator.add_user("U0ALICE", "alice", "alice@example.com", is_admin=True)
        emulator.add_user("U0BOB", "bob", "bob@example.com")
        emulator.add_channel("C0SALES", "sales")
        yield emulator


@pytest.fixture
def received() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def app(emu: SlackEmulator, received: list[dict[str, Any]]) -> App:
    client = WebClient(base_url=emu.base_url, token="xoxb-test")
    # process_before_response: listeners finish before dispatch returns, no polling.
    bolt = App(signing_secret=SECRET, client=client, process_before_response=True)

    @bolt.command("/group")
    def group(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        if body["text"] == "create":
            client.views_open(trigger_id=body["trigger_id"], view=FORM)
        else:
            button = {"type": "button", "action_id": "delete", "text": plain("Delete")}
            respond(blocks=[{"type": "actions", "block_id": "b", "elements": [button]}], text="?")

    @bolt.view("create_group")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        received.append(view)
        if view["state"]["values"]["name"]["value"]["value"] == "taken":
            ack(response_action="errors", errors={"name": "That name is taken"})
        else:
            ack()

    @bolt.action("delete")
    def delete(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Deleted.", replace_original=True)

    @bolt.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Your groups"}}]
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": blocks})

    return bolt


def dispatch(app: App, request: SignedRequest) -> tuple[int, str]:
    response = app.dispatch(request.to_bolt())
    return response.status, response.body


def test_modal_round_trip(app: App, emu: SlackEmulator, received: list[dict[str, Any]]) -> None:
    driver = Driver(emu, SECRET)
    assert (
        dispatch(app, driver.slash_command("create", user_id="U0ALICE", channel_id="C0SALES"))[0]
        == 200
    )
    (opened,) = emu.open_views("U0ALICE")

    answers = {"name": "taken", "format": "mp3", "features": [], "lead": "U0BOB"}
    answers |= {"where": "C0SALES", "alerts": "C0SALES"}
    status, body = dispatch(app, driver.submit(opened["id"], answers, user_id="U0ALICE"))
    outcome = emu.resolve_submission(opened["id"], body)
    assert (status, outcome.action, outcome.errors) == (
        200,
        "errors",
        {"name": "That name is taken"},
    )
    assert received[-1]["id"] == opened["id"]
    assert received[-1]["hash"] == opened["hash"]

    status, body = dispatch(
        app, driver.submit(opened["id"], answers | {"name": "Sales"}, user_id="U0ALICE")
    )
    assert emu.resolve_submission(opened["id"], body).action == "close"
    assert emu.open_views("U0ALICE") == []
    assert received[-1]["state"]["values"]["members"]["value"]["selected_users"] == ["U0ALICE"]


def test_button_in_a_reply_replaces_it(app: App, emu: SlackEmulator) -> None:
    driver = Driver(emu, SECRET)
    dispatch(app, driver.slash_command("show Sales", user_id="U0BOB", channel_id="C0SALES"))
    (reply,) = emu.messages_to("C0SALES")
    assert reply["ephemeral_to"] == "U0BOB"
    assert dispatch(app, driver.press_in_message(reply, "delete", user_id="U0BOB"))[0] == 200
    assert [m["text"] for m in emu.messages_to("C0SALES")] == ["Deleted."]


def test_home_tab_event(app: App, emu: SlackEmulator) -> None:
    assert dispatch(app, Driver(emu, SECRET).open_home("U0ALICE"))[0] == 200
    home = emu.home_view("U0ALICE")
    assert home is not None
    assert home["blocks"][0]["text"]["text"] == "Your groups"


def test_requests_are_signed(app: App, emu: SlackEmulator) -> None:
    signed = Driver(emu, SECRET).slash_command("list", user_id="U0ALICE", channel_id="C0SALES")
    forged = SignedRequest(signed.body.replace("list", "delete"), signed.headers)
    assert dispatch(app, forged)[0] == 401
    wrong_secret = Driver(emu, "not-the-secret")
    assert (
        dispatch(app, wrong_secret.slash_command("list", user_id="U0ALICE", channel_id="C0SALES"))[
            0
        ]
        == 401
    )
