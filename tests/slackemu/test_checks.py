"""check_view / check_message: Slack's refusals, worded and pointed as Slack does."""

from __future__ import annotations

from typing import Any

import pytest

from slackemu import check_message, check_view
from slackemu import schema as schema_module
from tests.shared_files import require_shared


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def text_input(block_id: str, **element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(block_id.title()),
        "element": {"type": "plain_text_input", "action_id": "value", **element},
    }


def select(block_id: str, options: list[dict[str, Any]], **element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Pick"),
        "element": {"type": "static_select", "action_id": "value", "options": options, **element},
    }


def section(text: str, block_id: str = "s", **extra: Any) -> dict[str, Any]:
    block = {"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": text}}
    return {**block, **extra}


def actions(*action_ids: str) -> dict[str, Any]:
    buttons = [{"type": "button", "action_id": a, "text": plain("Go")} for a in action_ids]
    return {"type": "actions", "block_id": "buttons", "elements": buttons}


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    base = {"type": "modal", "title": plain("Create group"), "submit": plain("Create")}
    return {**base, "blocks": list(blocks), **extra}


@pytest.fixture(params=["with schema", "without schema"])
def schema_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The limit checks must hold on a clone without ../shared, so run them both ways."""
    if request.param == "without schema":
        monkeypatch.setattr(schema_module, "schema_path", lambda: None)
    else:
        require_shared("slack", "block-kit.schema.json")
    return str(request.param)


MP3, WAV = option("MP3", "mp3"), option("WAV", "wav")

GOOD = modal(
    section("Pick the members", block_id="intro"),
    text_input("name", focus_on_load=True),
    text_input("extension"),  # the same action_id in another block is fine
    select("format", [MP3, WAV], initial_option=MP3),
    actions("distribute", "reset"),
    callback_id="create_group",
    private_metadata="group=7",
)

# (case id, a view Slack refuses, the json-pointer and reason of the first error line)
BAD_VIEWS = [
    ("long title", {**GOOD, "title": plain("x" * 25)}, "/view/title/text", "less than 25"),
    ("inputs, no submit", modal(text_input("name")) | {"submit": None}, "/view/submit", "submit"),
    ("dup block_id", modal(section("a"), section("b")), "/view/blocks/1/block_id", "duplicate"),
    (
        "dup action_id in a block",
        modal(actions("go", "go")),
        "/view/blocks/0/elements/1/action_id",
        "duplicate action_id: go",
    ),
    ("101 blocks", modal(*[section("x", f"b{i}") for i in range(101)]), "/view/blocks", "100"),
    ("section text", modal(section("x" * 3001)), "/view/blocks/0/text/text", "less than 3001"),
    (
        "header text",
        modal({"type": "header", "text": plain("x" * 151)}),
        "/view/blocks/0/text/text",
        "less than 151",
    ),
    (
        "11 fields",
        modal(section("x", fields=[{"type": "mrkdwn", "text": "f"}] * 11)),
        "/view/blocks/0/fields",
        "no more than 10 items",
    ),
    (
        "long field",
        modal(section("x", fields=[{"type": "mrkdwn", "text": "f" * 2001}])),
        "/view/blocks/0/fields/0/text",
        "less than 2001",
    ),
    ("metadata", {**GOOD, "private_metadata": "m" * 3001}, "/view/private_metadata", "3001"),
    (
        "option text",
        modal(select("f", [option("x" * 76, "v")])),
        "/view/blocks/0/element/options/0/text/text",
        "less than 76",
    ),
    (
        "option value",
        modal(select("f", [option("x", "v" * 151)])),
        "/view/blocks/0/element/options/0/value",
        "less than 151",
    ),
    (
        "101 options",
        modal(select("f", [option(str(i), str(i)) for i in range(101)])),
        "/view/blocks/0/element/options",
        "no more than 100 items",
    ),
    (
        "initial option not offered",
        modal(select("f", [MP3], initial_option=WAV)),
        "/view/blocks/0/element/initial_option",
        "must match one of the provided options",
    ),
    (
        "two focus_on_load",
        modal(text_input("a", focus_on_load=True), text_input("b", focus_on_load=True)),
        "/view/blocks/1/element/focus_on_load",
        "only one element",
    ),
    (
        "home with submit",
        {"type": "home", "submit": plain("Go"), "blocks": [section("x")]},
        "/view/submit",
        "submit",
    ),
]


def without_none(view: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in view.items() if value is not None}


def test_good_view_passes(schema_mode: str) -> None:
    assert check_view(GOOD) == []


@pytest.mark.parametrize(
    ("view", "pointer", "reason"),
    [case[1:] for case in BAD_VIEWS],
    ids=[case[0] for case in BAD_VIEWS],
)
def test_bad_view_is_refused(
    schema_mode: str, view: dict[str, Any], pointer: str, reason: str
) -> None:
    first = check_view(without_none(view))[0]
    assert first.startswith("[ERROR] ")
    assert first.endswith(f" [json-pointer:{pointer}]")
    assert reason in first


def test_message_block_limit_is_fifty(schema_mode: str) -> None:
    fifty = [section("x", f"b{i}") for i in range(50)]
    assert check_message(fifty) == []
    assert check_message([*fifty, section("x", "b50")]) == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]


def test_schema_catches_what_the_limits_do_not() -> None:
    require_shared("slack", "block-kit.schema.json")
    singular = {"type": "multi_users_select", "action_id": "members", "initial_user": "U1"}
    view = modal({"type": "input", "block_id": "m", "label": plain("Members"), "element": singular})
    assert check_view(view) == [
        "[ERROR] invalid additional property: initial_user [json-pointer:/view/blocks/0/element]"
    ]
    assert check_message([{"type": "carousel_of_doom"}]) == [
        "[ERROR] unsupported type here: carousel_of_doom [json-pointer:/blocks/0]"
    ]
