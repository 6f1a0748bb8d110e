"""forms.py on literal modals: questions in view order, answers as Slack's client fills state."""

from __future__ import annotations

from typing import Any

import pytest

from bot.shell.forms import Form, questions
from bot.shell.workspace import AnswerError, Channel, Person, Workspace
from slackemu.payloads import fill_state

PEOPLE = Workspace(
    people=(
        Person("U0ALICE", "alice", "Alice Smith"),
        Person("U0BOB", "bob", "Bob Jones"),
        Person("U0CAROL", "carol", "Carol White"),
    ),
    channels=(Channel("C0GENERAL", "general"), Channel("C0OPS", "ops")),
    current_channel="C0GENERAL",
)


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def input_block(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        **extra,
    }


MP3, WAV = option("MP3", "mp3"), option("WAV", "wav")

FEATURES: dict[str, Any] = {
    "type": "modal",
    "callback_id": "features",
    "title": plain("Features of Sales"),
    "submit": plain("Save"),
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Five features."}},
        input_block(
            "name",
            "Name",
            {"type": "plain_text_input", "action_id": "name", "initial_value": "Sales"},
        ),
        input_block(
            "limit",
            "Time limit (s)",
            {
                "type": "number_input",
                "action_id": "limit",
                "is_decimal_allowed": False,
                "initial_value": "600",
                "min_value": "5",
                "max_value": "10800",
            },
            hint=plain("Kazoo's bounds"),
        ),
        input_block(
            "format",
            "Format",
            {
                "type": "static_select",
                "action_id": "format",
                "options": [MP3, WAV],
                "initial_option": MP3,
            },
        ),
        input_block(
            "switches",
            "Switches",
            {
                "type": "checkboxes",
                "action_id": "switches",
                "options": [option("Record calls", "record"), option("Allow forward", "fwd")],
            },
            optional=True,
        ),
        input_block(
            "members",
            "Members",
            {
                "type": "multi_users_select",
                "action_id": "users",
                "initial_users": ["U0ALICE"],
                "max_selected_items": 2,
            },
            dispatch_action=True,
        ),
        input_block(
            "channel",
            "Alert channel",
            {
                "type": "conversations_select",
                "action_id": "channel",
                "default_to_current_conversation": True,
            },
        ),
        input_block(
            "url",
            "Recording URL",
            {"type": "url_text_input", "action_id": "url"},
            optional=True,
        ),
    ],
}


def test_questions_follow_the_input_blocks_in_order() -> None:
    found = questions(FEATURES)

    assert [(q.block_id, q.action_id, q.kind) for q in found] == [
        ("name", "name", "plain_text_input"),
        ("limit", "limit", "number_input"),
        ("format", "format", "static_select"),
        ("switches", "switches", "checkboxes"),
        ("members", "users", "multi_users_select"),
        ("channel", "channel", "conversations_select"),
        ("url", "url", "url_text_input"),
    ]
    assert [q.optional for q in found] == [False, False, False, True, False, False, True]
    assert [q.dispatch for q in found] == [False, False, False, False, True, False, False]


def test_untouched_form_submits_the_initial_values() -> None:
    form = Form(FEATURES, PEOPLE)

    assert form.state() == {
        "values": {
            "name": {"name": {"type": "plain_text_input", "value": "Sales"}},
            "limit": {"limit": {"type": "number_input", "value": "600"}},
            "format": {"format": {"type": "static_select", "selected_option": MP3}},
            "switches": {"switches": {"type": "checkboxes", "selected_options": []}},
            "members": {"users": {"type": "multi_users_select", "selected_users": ["U0ALICE"]}},
            "channel": {
                "channel": {"type": "conversations_select", "selected_conversation": "C0GENERAL"}
            },
            "url": {"url": {"type": "url_text_input", "value": None}},
        }
    }
    assert form.missing() == []


def test_answers_fill_state_as_slacks_client_does() -> None:
    form = Form(FEATURES, PEOPLE)
    answers = ["Support", "900", "2", "1, allow forward", "@bob <@U0CAROL|carol>", "#ops", ""]

    for question, answer in zip(form.questions, answers, strict=True):
        form.answer(question, answer)

    values = form.state()["values"]
    assert values["name"]["name"]["value"] == "Support"
    assert values["limit"]["limit"]["value"] == "900"
    assert values["format"]["format"]["selected_option"] == WAV
    assert values["switches"]["switches"]["selected_options"] == [
        option("Record calls", "record"),
        option("Allow forward", "fwd"),
    ]
    assert values["members"]["users"]["selected_users"] == ["U0BOB", "U0CAROL"]
    assert values["channel"]["channel"]["selected_conversation"] == "C0OPS"
    assert values["url"]["url"]["value"] is None
    submitted = form.submitted_view()
    assert submitted["callback_id"] == "features"
    assert submitted["state"] == form.state()


@pytest.mark.parametrize(
    ("block_id", "answer", "message"),
    [
        ("limit", "abc", "please enter a number"),
        ("limit", "2.5", "please enter a whole number"),
        ("limit", "3", "please enter a number between 5 and 10800"),
        ("format", "flac", "no option 'flac'; choose one of 1) MP3, 2) WAV"),
        ("format", "3", "no option '3'"),
        ("members", "@bob @carol @alice", "choose at most 2"),
        ("members", "@zed", "no one called @zed in this workspace; people: @alice (Alice Smith)"),
        ("channel", "#random", "no channel #random; channels: #general #ops"),
        ("url", "ftp://x", "please enter a URL starting with http:// or https://"),
        ("name", "-", "this field is required; it cannot be cleared"),
    ],
)
def test_answers_the_client_refuses_are_asked_again(
    block_id: str, answer: str, message: str
) -> None:
    form = Form(FEATURES, PEOPLE)
    question = next(q for q in form.questions if q.block_id == block_id)

    with pytest.raises(AnswerError) as refused:
        form.answer(question, answer)

    assert str(refused.value).startswith(message)
    assert question.key not in form.answers


def test_an_empty_line_keeps_the_current_value_and_dash_clears_an_optional_one() -> None:
    form = Form(FEATURES, PEOPLE)
    switches = next(q for q in form.questions if q.block_id == "switches")
    form.answer(switches, "record")

    form.answer(switches, "")
    assert form.current(switches)["selected_options"] == [option("Record calls", "record")]

    form.answer(switches, "-")
    assert form.current(switches) == {"type": "checkboxes", "selected_options": []}


def test_a_required_field_without_a_value_cannot_be_skipped() -> None:
    view = {"type": "modal", "blocks": [input_block("n", "Name", {"type": "plain_text_input"})]}
    form = Form(view, PEOPLE)

    with pytest.raises(AnswerError, match="this field is required"):
        form.answer(form.questions[0], "")
    assert [q.block_id for q in form.missing()] == ["n"]


def test_text_length_bounds_are_checked() -> None:
    element = {"type": "plain_text_input", "action_id": "n", "min_length": 2, "max_length": 4}
    question = questions({"blocks": [input_block("n", "Name", element)]})[0]

    with pytest.raises(AnswerError, match="at least 2"):
        question.parse("a")
    with pytest.raises(AnswerError, match="at most 4"):
        question.parse("abcde")
    assert question.parse("abc") == {"type": "plain_text_input", "value": "abc"}


def test_the_prompt_shows_the_current_value_and_what_can_be_chosen() -> None:
    form = Form(FEATURES, PEOPLE)
    name, limit, fmt, switches, members, channel, _ = form.questions

    assert name.prompt(form.current(name), PEOPLE) == "Name [Sales]: "
    assert limit.describe(form.current(limit), PEOPLE) == [
        "Time limit (s) *",
        "  Kazoo's bounds",
        "  between 5 and 10800",
    ]
    assert fmt.describe(form.current(fmt), PEOPLE)[1] == "  1) MP3  2) WAV"
    assert fmt.prompt(form.current(fmt), PEOPLE) == "Format [MP3]: "
    assert switches.describe(form.current(switches), PEOPLE)[0] == "Switches"
    assert members.describe(form.current(members), PEOPLE)[1] == (
        "  people: @alice (Alice Smith), @bob (Bob Jones), @carol (Carol White)"
    )
    assert members.prompt(form.current(members), PEOPLE) == "Members [@alice]: "
    assert channel.prompt(form.current(channel), PEOPLE) == "Alert channel [#general]: "


def test_options_can_be_chosen_by_number_text_value_or_unique_prefix() -> None:
    select = {"type": "radio_buttons", "action_id": "r", "options": [MP3, WAV]}
    question = questions({"blocks": [input_block("r", "Format", select)]})[0]

    for answer in ("2", "WAV", "wav", "w"):
        assert question.parse(answer)["selected_option"] == WAV


def test_option_groups_are_flattened() -> None:
    select = {
        "type": "static_select",
        "action_id": "next",
        "option_groups": [
            {"label": plain("Voicemail"), "options": [option("Sales voicemail", "vm:1")]},
            {"label": plain("Menus"), "options": [option("Main menu", "menu:1")]},
        ],
    }
    question = questions({"blocks": [input_block("next", "Next action", select)]})[0]

    assert question.parse("main menu")["selected_option"]["value"] == "menu:1"
    assert question.describe(question.initial())[1] == "  1) Sales voicemail  2) Main menu"


def test_an_updated_view_keeps_answers_whose_ids_remain() -> None:
    form = Form(FEATURES, PEOPLE)
    name, limit = form.questions[:2]
    form.answer(name, "Support")
    form.answer(limit, "700")
    renamed_block = dict(FEATURES["blocks"][2], block_id="limit-2")
    blocks = [*FEATURES["blocks"][:2], renamed_block, *FEATURES["blocks"][3:]]

    form.replace({**FEATURES, "blocks": blocks})

    values = form.state()["values"]
    assert values["name"]["name"]["value"] == "Support"
    assert values["limit-2"]["limit"]["value"] == "600"


def test_field_errors_pick_the_questions_in_view_order() -> None:
    form = Form(FEATURES, PEOPLE)

    picked = form.with_errors({"members": "Dana has no PBX user", "name": "taken"})

    assert [(q.block_id, message) for q, message in picked] == [
        ("name", "taken"),
        ("members", "Dana has no PBX user"),
    ]


def test_dates_times_and_single_user() -> None:
    view = {
        "blocks": [
            input_block("d", "Day", {"type": "datepicker", "action_id": "d"}),
            input_block("t", "At", {"type": "timepicker", "action_id": "t"}),
            input_block("u", "Lead", {"type": "users_select", "action_id": "u"}),
        ]
    }
    day, at, lead = questions(view)

    assert day.parse("2026-03-01") == {"type": "datepicker", "selected_date": "2026-03-01"}
    assert at.parse("9:05".zfill(5)) == {"type": "timepicker", "selected_time": "09:05"}
    assert lead.parse("@carol", PEOPLE) == {"type": "users_select", "selected_user": "U0CAROL"}
    with pytest.raises(AnswerError, match="YYYY-MM-DD"):
        day.parse("tomorrow")


def test_a_lone_checkbox_is_a_yes_no_switch() -> None:
    on = option("Record calls to this group", "on")
    element = {"type": "checkboxes", "action_id": "toggle", "options": [on]}
    block = input_block("recording", "Call recording", element, optional=True)
    question = questions({"blocks": [block]})[0]

    assert question.describe(question.initial())[1] == "  y) Record calls to this group  n) no"
    assert question.prompt(question.initial()) == "Call recording [n]: "
    assert question.parse("y") == {"type": "checkboxes", "selected_options": [on]}
    assert question.parse("off") == {"type": "checkboxes", "selected_options": []}
    assert question.parse("1") == {"type": "checkboxes", "selected_options": [on]}


def test_state_matches_the_emulators_model_of_slacks_client() -> None:
    form = Form(FEATURES, PEOPLE)
    typed = {"name": "Support", "limit": "900", "format": "WAV", "members": "@bob @carol"}
    for question in form.questions:
        if question.block_id in typed:
            form.answer(question, typed[question.block_id])

    expected = fill_state(
        FEATURES,
        {
            "name": "Support",
            "limit": "900",
            "format": "wav",
            "members": ["U0BOB", "U0CAROL"],
            "channel": "C0GENERAL",  # default_to_current_conversation, filled by the client
        },
    )
    assert form.state()["values"] == expected
