"""Every modal: opened on a fresh trigger, filled the way Slack's client fills
``view.state.values`` from the view it was sent, and submitted; buttons and toggles
inside them update the open view."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.commands.ids import Action, Block, Callback, suffixed
from tests.slack.conftest import (
    ADMIN,
    CHANNEL,
    EXTRA,
    LEAD,
    LISTED_ADMIN,
    MEMBER,
    OUTSIDER,
    Slack,
    named,
)
from tests.slack.shown import block_shown, shown

pytestmark = pytest.mark.slow


def create_sales(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>")


def block_ids(view: dict[str, Any]) -> list[str]:
    return [str(b.get("block_id")) for b in view["blocks"]]


def row_block(view: dict[str, Any], base: str, user: str) -> str:
    """The block of ``user``'s row, found by the name its label shows."""
    label = next(
        b["block_id"]
        for b in view["blocks"]
        if b["block_id"].startswith(Block.MEMBER_LABEL + ":")
        and f"*{named(user)[0]}*" in b["text"]["text"]
    )
    key = label.rsplit(":", 1)[1]
    return next(b for b in block_ids(view) if b.startswith(base + ":") and b.endswith(":" + key))


def the_errors(outcome: Any) -> dict[str, str]:
    assert outcome.action == "errors", outcome
    assert outcome.problems == []
    return dict(outcome.errors)


# ---------------------------------------------------------------- Create


def test_create_modal_makes_a_group(slack: Slack) -> None:
    view = slack.open_modal("create")
    assert view["callback_id"] == Callback.CREATE
    posted = slack.count("chat.postEphemeral")
    _, outcome = slack.submit(
        view,
        {
            Block.NAME: "Support",
            Block.EXTENSION: "202",
            Block.MEMBERS: [ADMIN, MEMBER],
            Block.NUMBERS: "2020, +14155550100",
        },
    )
    assert outcome.action == "close"
    group = slack.group("Support").group
    assert len(group.members) == 2
    assert group.extra_extensions == ("2020",)
    assert group.numbers == ("+14155550100",)
    said = slack.wait("chat.postEphemeral", posted)
    assert said["channel"] == CHANNEL
    assert "Created Support" in json.dumps(said)


@pytest.mark.parametrize(
    ("answers", "block", "words"),
    [
        ({Block.NAME: "sales"}, Block.NAME, "already exists"),  # names are unique, any case
        ({Block.NAME: "x" * 129}, Block.NAME, "1–128"),
        ({Block.EXTENSION: "20"}, Block.EXTENSION, "3 digits"),
        ({Block.EXTENSION: "101"}, Block.EXTENSION, "already used"),  # Alice's extension
        ({Block.EXTENSION: "201"}, Block.EXTENSION, "already used"),  # Sales' extension
        ({Block.NUMBERS: "+1234"}, Block.NUMBERS, "E.164"),
        ({Block.NUMBERS: "12"}, Block.NUMBERS, "3–6 digits"),
        ({Block.MEMBERS: []}, Block.MEMBERS, "at least one member"),
        ({Block.MEMBERS: list(EXTRA)}, Block.MEMBERS, "at most 15"),  # a 16th member
        ({Block.MEMBERS: [ADMIN, OUTSIDER]}, Block.MEMBERS, "no PBX user"),
    ],
)
def test_create_modal_puts_each_rule_under_its_input(
    slack: Slack, answers: dict[str, Any], block: str, words: str
) -> None:
    create_sales(slack)
    view = slack.open_modal("create")
    typed = {Block.NAME: "Support", Block.EXTENSION: "202", Block.MEMBERS: [ADMIN], **answers}
    _, outcome = slack.submit(view, typed)
    errors = the_errors(outcome)
    assert block in errors, errors
    assert words in errors[block]
    assert slack.emu.open_views(ADMIN)[-1]["id"] == view["id"]  # still open, as typed


def test_a_user_with_no_pbx_user_is_named_in_the_create_modal(slack: Slack) -> None:
    view = slack.open_modal("create")
    typed = {Block.NAME: "Support", Block.EXTENSION: "20", Block.MEMBERS: [OUTSIDER]}
    errors = the_errors(slack.submit(view, typed)[1])
    assert "zed" in errors[Block.MEMBERS]
    assert OUTSIDER in errors[Block.MEMBERS]
    assert "3 digits" in errors[Block.EXTENSION]  # the other mistakes are shown too


def test_create_modal_is_for_admins(slack: Slack) -> None:
    view = slack.open_modal("create", user=MEMBER)
    assert "admin" in json.dumps(view["blocks"])
    assert not view.get("submit")


def test_a_modal_opened_by_an_admin_and_submitted_by_someone_else_is_refused(
    slack: Slack,
) -> None:
    view = slack.open_modal("create")
    typed = {Block.NAME: "Support", Block.EXTENSION: "202", Block.MEMBERS: [MEMBER]}
    errors = the_errors(slack.submit(view, typed, user=MEMBER)[1])
    assert "opened by" in next(iter(errors.values()))
    assert slack.services.list_groups(slack.team) == []


# ---------------------------------------------------------------- Settings


def test_settings_modal_saves_and_rejects(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("edit Sales")
    assert view["callback_id"] == Callback.SETTINGS
    errors = the_errors(slack.submit(view, {Block.REPEATS: "21"})[1])
    assert "1–20" in errors[Block.REPEATS]
    errors = the_errors(slack.submit(view, {Block.EXTENSION: "102"})[1])
    assert "already used" in errors[Block.EXTENSION]
    _, outcome = slack.submit(view, {Block.NAME: "Inside Sales", Block.REPEATS: "3"})
    assert outcome.action == "close"
    group = slack.group("201").group
    assert (group.name, group.repeats) == ("Inside Sales", 3)


def test_a_lost_race_says_so_and_keeps_what_was_typed(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("edit Sales")
    slack.reply("repeats Sales 5", user=LISTED_ADMIN)  # someone else saves first
    errors = the_errors(slack.submit(view, {Block.NAME: "Renamed"})[1])
    assert "changed by" in " ".join(errors.values())
    assert slack.emu.open_views(ADMIN)[-1]["id"] == view["id"]
    assert slack.group("201").group.name == "Sales"


# ---------------------------------------------------------------- Members


def test_members_modal_distribute_rows_and_save(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    assert view["callback_id"] == Callback.MEMBERS
    # add Carol: the view grows a row for her, what was typed stays
    view = slack.press(view, Action.MEMBERS_SELECT, answer=named(ADMIN, LEAD, MEMBER))
    assert row_block(view, Block.MEMBER_START, MEMBER)
    # Distribute over 90 s: the rows show 0–30, 30–60, 60–90
    view = slack.press(view, Action.DISTRIBUTE, answers={Block.WINDOW: "90"})
    starts = [
        b["element"].get("initial_value")
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith(Block.MEMBER_START)
    ]
    assert starts == ["0", "30", "60"]
    assert "█" in json.dumps(view["blocks"], ensure_ascii=False)  # the preview's text bars
    _, outcome = slack.submit(view)
    assert outcome.action == "close"
    windows = [(m.start, m.end) for m in slack.group("Sales").group.members]
    assert windows == [(0, 30), (30, 60), (60, 90)]


def simulated(view: dict[str, Any]) -> str:
    """The Members modal's simulated call (or the note saying why there is none)."""
    return "\n".join(
        block_shown(b)
        for b in view["blocks"]
        if str(b.get("block_id", "")).split(":")[0] == Block.SIMULATION
    )


def preview(view: dict[str, Any]) -> str:
    return next(block_shown(b) for b in view["blocks"] if b.get("block_id") == Block.TIMELINE)


def test_members_modal_names_people_and_simulates_the_rows_as_they_stand(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    assert "Alice ▕████████████████████▏ 0–20 s" in simulated(view)
    assert "the “not available” prompt" in simulated(view)
    # a person added in the select: named in the preview and in the simulated call
    view = slack.press(view, Action.MEMBERS_SELECT, answer=named(ADMIN, LEAD, MEMBER))
    assert "Carol  ████████████████████████  0–20 s" in preview(view)
    assert "Carol ▕" in simulated(view)
    # after Distribute: names, never Slack ids, and the call as the new rows would ring
    view = slack.press(view, Action.DISTRIBUTE, answers={Block.WINDOW: "90"})
    assert "Bob    ░░░░░░░░████████░░░░░░░░  30–60 s" in preview(view)
    assert "U0" not in preview(view)
    assert "group timeout 90 s" in simulated(view)
    assert "Carol ▕░░░░░░░░░░░░██████▏ 60–90 s" in simulated(view)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Bob: starts ringing at (s)" in labels  # as on first open
    # a draft that could not be saved has no simulated call, and says why
    view = slack.press(view, Action.MEMBERS_SELECT, answer=[])
    note = simulated(view)
    assert note.startswith("No simulated call until the form can be saved: a group needs")
    assert slack.group("Sales").group.members[1].end == 20  # nothing was saved meanwhile


def test_members_modal_saved_unchanged_says_so(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    before = slack.count("chat.postEphemeral")
    _, outcome = slack.submit(view)
    assert outcome.action == "close"
    said = shown(slack.wait("chat.postEphemeral", before))
    assert "Nothing to save: the members of Sales are as they were" in said
    assert "✅" not in said
    assert "Nothing changed" not in said


def test_members_modal_ends_ring_at_1_s_at_the_earliest(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    ends = [
        b["element"]["min_value"]
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith(Block.MEMBER_END + ":")
    ]
    assert ends == ["1", "1"]


def test_members_modal_puts_a_bad_window_under_that_member(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    start, end = row_block(view, Block.MEMBER_START, LEAD), row_block(view, Block.MEMBER_END, LEAD)
    errors = the_errors(slack.submit(view, {start: "30", end: "10"})[1])
    assert "after start" in errors[end]
    errors = the_errors(slack.submit(view, {Block.MEMBERS: []})[1])
    assert "delete" in errors[Block.MEMBERS]


def test_members_modal_refuses_a_sixteenth_member(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    sixteen = named(*EXTRA)
    view = slack.press(view, Action.MEMBERS_SELECT, answer=sixteen)
    # Slack's select stops at 15 (max_selected_items); a client that sends 16 anyway:
    errors = the_errors(slack.submit(view, {Block.MEMBERS: sixteen})[1])
    assert "at most 15" in errors[Block.MEMBERS]


def test_members_modal_offers_only_people_with_a_pbx_user_by_name(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")

    select = next(b for b in view["blocks"] if b.get("block_id") == Block.MEMBERS)["element"]
    offered = [o["text"]["text"] for o in select["options"]]

    assert "Carol" in offered
    assert "Zed" not in offered  # a Slack user with no PBX user: not offered to be refused
    assert not [name for name in offered if name.startswith("U0")]
    assert [o["text"]["text"] for o in select["initial_options"]] == ["Alice", "Bob"]
    view = slack.press(view, Action.MEMBERS_SELECT, answer=named(ADMIN, LEAD, MEMBER))
    _, outcome = slack.submit(view)
    assert outcome.action == "close"
    assert len(slack.group("Sales").group.members) == 3


def test_a_members_button_press_by_someone_else_is_refused(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("members Sales")
    before = slack.count("chat.postMessage")
    request = slack.driver.press_in_view(str(view["id"]), Action.DISTRIBUTE, user_id=MEMBER)
    assert slack.send(request).status == 200
    told = slack.wait("chat.postMessage", before)
    assert told["channel"] == MEMBER
    assert "opened by" in json.dumps(told)


# ---------------------------------------------------------------- Features


def test_features_modal_toggles_in_place_and_saves(slack: Slack) -> None:
    create_sales(slack)
    view = slack.open_modal("features Sales")
    assert view["callback_id"] == Callback.FEATURES
    assert Block.RECORDING_FORMAT not in block_ids(view)
    view = slack.press(view, Action.RECORDING_TOGGLE, answer=["on"])
    assert Block.RECORDING_FORMAT in block_ids(view)  # its settings, only while on
    view = slack.press(view, Action.NEXT_KIND, answer="voicemail")
    target = suffixed(Block.NEXT_TARGET, "voicemail")
    assert target in block_ids(view)
    view = slack.press(view, Action.PREPEND_TOGGLE, answer=["on"])
    assert Block.PREPEND_NAME in block_ids(view)

    errors = the_errors(slack.submit(view, {Block.RECORDING_URL: "ftp://rec.example.com/"})[1])
    assert "http" in errors[Block.RECORDING_URL]
    errors = the_errors(slack.submit(view, {Block.RECORDING_LIMIT: "3"})[1])
    assert "5–10800" in errors[Block.RECORDING_LIMIT]
    errors = the_errors(slack.submit(view, {Block.PREPEND_NAME: "", Block.PREPEND_NUMBER: ""})[1])
    assert "prefix" in " ".join(errors.values())

    typed = {
        Block.RECORDING_FORMAT: "wav",
        Block.RECORDING_LIMIT: "300",
        target: "Sales voicemail",
        Block.PREPEND_NAME: "Sales:",
        Block.FORWARD: ["on"],
    }
    _, outcome = slack.submit(view, typed)
    assert outcome.action == "close"
    features = slack.group("Sales").group.features
    assert features.call_recording.enabled
    assert (features.call_recording.format, features.call_recording.time_limit) == ("wav", 300)
    assert features.next_action.kind == "voicemail"
    assert features.caller_id_prepend.name_prefix == "Sales:"
    assert features.allow_call_forward is True


# ---------------------------------------------------------------- Delete and Setup


def test_a_delete_button_on_a_changed_group_asks_again_in_the_delete_modal(slack: Slack) -> None:
    create_sales(slack)
    prompt = slack.reply("delete Sales")
    message = slack.emu.messages_to(CHANNEL)[-1]
    slack.reply("repeats Sales 2")  # the group changes after the prompt was drawn
    button = next(
        e["action_id"]
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(Action.DELETE)
    )
    opened = slack.count("views.open")
    slack.send(slack.driver.press_in_message(message, button, user_id=ADMIN))
    slack.wait("views.open", opened)
    view = slack.emu.open_views(ADMIN)[-1]
    assert view["callback_id"] == Callback.DELETE
    _, outcome = slack.submit(view, {Block.DELETE_CONFIRM: ["on"]})
    assert outcome.action == "close"
    assert slack.services.list_groups(slack.team) == []


def test_setup_modal_saves_the_workspace(slack: Slack) -> None:
    view = slack.open_modal("setup")
    errors = the_errors(slack.submit(view, {Block.WARN: "99", Block.CRITICAL: "95"})[1])
    assert errors  # warn must stay below critical
    _, outcome = slack.submit(view, {Block.STORAGE_LIMIT: "50", Block.TIME_ZONE: "Europe/Paris"})
    assert outcome.action == "close"
    saved = slack.services.workspace(slack.team)
    assert saved.time_zone == "Europe/Paris"
    assert saved.storage_limit_bytes is not None
