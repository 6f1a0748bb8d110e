"""``/group drift`` and ``/group adopt``, ``url=groupbot`` (command and Features form) and
Setup's Rotate button, through the real app, the Slack emulator and the file backend."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import asgi_app, build_services, create_app
from bot.commands.ids import Action, Block
from bot.config import Settings
from slackemu.driver import Driver
from slackemu.server import RESPONSE_URL, SlackEmulator
from tests.slack import live
from tests.slack.conftest import (
    ADMIN,
    CHANNEL,
    EXTRA,
    LEAD,
    PEOPLE,
    SECRET,
    TOKEN,
    Slack,
    directory_yaml,
)
from tests.slack.shown import error_text, mention, text_of

PUBLIC = "https://groupbot.example.com"
WINDOW_LINE = re.compile(r"rings 0–30 s on the PBX, 0–20 s here")


@pytest.fixture
def public_slack(tmp_path: Path) -> Iterator[Slack]:
    """The ``slack`` fixture's workspace, with GROUPBOT_PUBLIC_URL set."""
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, (name, email) in {**PEOPLE, **EXTRA}.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
            groupbot_public_url=PUBLIC,
            recordings_dir=tmp_path / "recordings",
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        app = create_app(settings, services)
        with live.serve(asgi_app(app, settings)) as url:
            driver = Driver(emu, SECRET)
            yield Slack(emu, driver, url, services, settings.pbx_export_dir, team, app)


def set_up(slack: Slack) -> None:
    """An admin saves /group setup once: the workspace's recording secret lives there."""
    _, outcome = slack.submit(slack.open_modal("setup"), {})
    assert outcome.action == "close", outcome


def create_sales(slack: Slack) -> None:
    assert "Created Sales" in text_of(slack.reply(f"create Sales 201 {mention(ADMIN)}"))
    slack.pushed()  # on the PBX once the post-ack push is done


def widen_first_window_on_the_pbx(slack: Slack) -> None:
    """What someone does by hand: the first member rings 30 s instead of 20."""
    path = slack.export_dir / "callflows" / f"{slack.group('Sales').pbx.base_callflow_id}.json"
    document = json.loads(path.read_text())
    data = document["flow"]["data"]
    data["endpoints"][0]["timeout"] = 30
    data["timeout"] = max(e["delay"] + e["timeout"] for e in data["endpoints"])
    path.write_text(json.dumps(document))


def drift_message(slack: Slack, user: str = ADMIN) -> dict[str, Any]:
    reply = slack.reply("drift", user=user)
    assert error_text(reply) is None, reply
    return dict(slack.emu.messages_to(CHANNEL)[-1])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in message["blocks"]:
        if block["type"] == "actions":
            found += block["elements"]
        elif block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def press(slack: Slack, message: dict[str, Any], base: str, user: str) -> dict[str, Any]:
    [button] = [b for b in buttons(message) if b["action_id"].startswith(base)]
    before = slack.count(RESPONSE_URL)
    sent = slack.send(slack.driver.press_in_message(message, button["action_id"], user_id=user))
    assert sent.status == 200
    return slack.wait(RESPONSE_URL, before)


# -- drift ---------------------------------------------------------------------------------


def test_drift_shows_a_window_changed_on_the_pbx_and_push_ours_fixes_it(slack: Slack) -> None:
    create_sales(slack)
    assert "The PBX matches groupbot (1 group)" in text_of(slack.reply("drift"))
    widen_first_window_on_the_pbx(slack)

    message = drift_message(slack)

    assert "Sales differs on the PBX" in text_of(message)
    assert WINDOW_LINE.search(text_of(message))
    labels = [b["text"]["text"] for b in buttons(message)]
    assert labels == ["Push ours", "Take the PBX's"]

    pushed = press(slack, message, Action.DRIFT_PUSH, ADMIN)
    assert "Pushed groupbot's Sales to the PBX" in text_of(pushed)
    assert "The PBX matches groupbot (1 group)" in text_of(slack.reply("drift"))


def test_anyone_may_look_but_only_admins_push(slack: Slack) -> None:
    create_sales(slack)
    widen_first_window_on_the_pbx(slack)

    seen_by_lead = drift_message(slack, LEAD)
    assert WINDOW_LINE.search(text_of(seen_by_lead))
    assert buttons(seen_by_lead) == []  # no buttons for who may not press them

    # a button drawn for an admin, pressed by someone else, is refused when it arrives
    refused = press(slack, drift_message(slack), Action.DRIFT_PUSH, LEAD)
    assert "Only workspace admins can" in (error_text(refused) or "")
    assert WINDOW_LINE.search(text_of(slack.reply("drift")))


def test_take_the_pbx_version_makes_ours_match(slack: Slack) -> None:
    create_sales(slack)
    widen_first_window_on_the_pbx(slack)

    taken = press(slack, drift_message(slack), Action.DRIFT_TAKE, ADMIN)

    assert "Sales is now as the PBX has it" in text_of(taken)
    assert slack.group("Sales").group.members[0].end == 30
    assert "The PBX matches groupbot" in text_of(slack.reply("drift"))


def copy_sales_by_hand(slack: Slack) -> None:
    """Sales' three files again under other ids, named Back desk at 302: a group made on
    the PBX that groupbot does not know."""
    ids = slack.group("Sales").pbx
    other = {ids.group_id: "1" * 32, ids.base_callflow_id: "2" * 32, ids.user_callflow_id: "3" * 32}
    for collection, old in (
        ("groups", ids.group_id),
        ("callflows", ids.base_callflow_id),
        ("callflows", ids.user_callflow_id),
    ):
        text = (slack.export_dir / collection / f"{old}.json").read_text()
        for before, after in other.items():
            text = text.replace(before, after)
        text = text.replace('"201"', '"302"').replace('"Sales', '"Back desk')
        (slack.export_dir / collection / f"{other[old]}.json").write_text(text)


def test_a_hand_made_group_is_listed_and_adopted_by_command(slack: Slack) -> None:
    create_sales(slack)
    copy_sales_by_hand(slack)

    listed = drift_message(slack)
    assert "Back desk is on the PBX only (extension 302, 1 member)" in text_of(listed)
    assert [b["text"]["text"] for b in buttons(listed)] == ["Adopt"]

    assert "Only workspace admins can" in (
        error_text(slack.reply("adopt Back desk", user=LEAD)) or ""
    )
    adopted = slack.reply("adopt Back desk")

    assert "Adopted Back desk from the PBX" in text_of(adopted)
    assert slack.group("302").pbx.group_id == "1" * 32


def test_the_adopt_button_adopts(slack: Slack) -> None:
    create_sales(slack)
    copy_sales_by_hand(slack)

    adopted = press(slack, drift_message(slack), Action.DRIFT_ADOPT, ADMIN)

    assert "Adopted Back desk from the PBX" in text_of(adopted)
    assert slack.group("Back desk").group.extension == "302"


# -- url=groupbot --------------------------------------------------------------------------


def test_record_url_groupbot_without_a_public_url_names_the_variable(slack: Slack) -> None:
    create_sales(slack)
    refused = slack.reply("record Sales on url=groupbot")
    assert "GROUPBOT_PUBLIC_URL" in (error_text(refused) or "")
    assert not slack.group("Sales").group.features.call_recording.enabled


def test_record_url_groupbot_sends_recordings_to_groupbot(public_slack: Slack) -> None:
    slack = public_slack
    set_up(slack)
    create_sales(slack)

    said = text_of(slack.reply("record Sales on url=groupbot"))

    url = slack.group("Sales").group.features.call_recording.url
    assert (url or "").startswith(f"{PUBLIC}/recordings/")
    assert "Sales now records calls" in said
    assert f"sent to {url}" in said


def open_features_recording(slack: Slack) -> dict[str, Any]:
    create_sales(slack)
    slack.reply("record Sales on")
    return slack.open_modal("features Sales")


def test_the_features_form_sends_recordings_to_groupbot(public_slack: Slack) -> None:
    slack = public_slack
    set_up(slack)
    view = open_features_recording(slack)

    _, outcome = slack.submit(view, {Block.RECORDING_TO_GROUPBOT: ["on"]})

    assert outcome.action == "close", outcome
    url = slack.group("Sales").group.features.call_recording.url
    assert (url or "").startswith(f"{PUBLIC}/recordings/")


def test_the_features_form_choice_without_a_public_url_is_refused_under_the_url(
    slack: Slack,
) -> None:
    view = open_features_recording(slack)

    _, outcome = slack.submit(view, {Block.RECORDING_TO_GROUPBOT: ["on"]})

    assert outcome.action == "errors", outcome
    assert "GROUPBOT_PUBLIC_URL" in dict(outcome.errors)[Block.RECORDING_URL]
    assert slack.group("Sales").group.features.call_recording.url is None


# -- Setup's Rotate ------------------------------------------------------------------------


def test_rotate_in_setup_rewrites_the_groups_recording_url(public_slack: Slack) -> None:
    slack = public_slack
    set_up(slack)
    create_sales(slack)
    slack.reply("record Sales on url=groupbot")
    old = slack.group("Sales").group.features.call_recording.url
    view = slack.open_modal("setup")

    before = slack.count("chat.postMessage")
    request = slack.driver.press_in_view(str(view["id"]), Action.ROTATE_SECRET, user_id=ADMIN)
    assert slack.send(request).status == 200
    told = slack.wait("chat.postMessage", before)

    new = slack.group("Sales").group.features.call_recording.url
    assert new != old
    assert (new or "").startswith(f"{PUBLIC}/recordings/")
    assert told["channel"] == ADMIN
    assert "Rotated the recording secret" in told["text"]
    assert "Now recording to the new URL: Sales." in told["text"]
