"""render.py on literal Block Kit: what the shell prints, and which choices it numbers."""

from __future__ import annotations

from typing import Any

from bot.shell.render import render_blocks, render_message, render_view, view_parts
from bot.shell.text import Style, mrkdwn


def button(text: str, action_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        **extra,
    }


SHOW: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "Sales · 201"}},
    {
        "type": "section",
        "block_id": "summary",
        "text": {"type": "mrkdwn", "text": "Created by <@U0ALICE>, *3 members*"},
        "fields": [
            {"type": "mrkdwn", "text": "*Extension*\n201"},
            {"type": "mrkdwn", "text": "*Numbers*\n+14155550123"},
        ],
    },
    {"type": "divider"},
    {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "```alice ████░░ 0–20 s\nbob   ░░████ 20–40 s```"},
    },
    {
        "type": "actions",
        "block_id": "group_actions",
        "elements": [
            button("Edit", "edit", value="7"),
            button("Members", "members", value="7"),
            button(
                "Delete",
                "delete",
                value="7",
                style="danger",
                confirm={
                    "title": {"type": "plain_text", "text": "Delete Sales?"},
                    "text": {"type": "plain_text", "text": "This removes it from the PBX."},
                    "confirm": {"type": "plain_text", "text": "Delete"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                },
            ),
        ],
    },
    {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": ":warning: pending push"},
            {"type": "plain_text", "text": "v3"},
        ],
    },
]


def test_a_group_reply_reads_as_text_with_numbered_buttons() -> None:
    rendered = render_blocks(SHOW, Style(names={"U0ALICE": "alice"}))

    assert rendered.text == (
        "Sales · 201\n"
        "═══════════\n"
        "Created by @alice, 3 members\n"
        "  Extension: 201\n"
        "  Numbers: +14155550123\n" + "─" * 40 + "\n"
        "    alice ████░░ 0–20 s\n"
        "    bob   ░░████ 20–40 s\n"
        "[1] Edit  [2] Members  [3] Delete ⚠\n"
        "  ⚠ pending push  v3"
    )
    assert [c.label for c in rendered.choices] == ["Edit", "Members", "Delete"]
    assert [c.number for c in rendered.choices] == [1, 2, 3]


def test_a_pressed_button_becomes_the_action_slack_sends() -> None:
    delete = render_blocks(SHOW).choices[2]

    assert delete.action() == {
        "type": "button",
        "block_id": "group_actions",
        "action_id": "delete",
        "text": {"type": "plain_text", "text": "Delete"},
        "value": "7",
        "style": "danger",
    }
    assert delete.confirm is not None
    assert delete.confirm["deny"]["text"] == "Keep"


def test_numbering_can_continue_from_an_earlier_reply() -> None:
    rendered = render_blocks(SHOW, first_number=4)

    assert [c.number for c in rendered.choices] == [4, 5, 6]
    assert "[4] Edit  [5] Members  [6] Delete ⚠" in rendered.text


def test_an_overflow_accessory_numbers_each_item() -> None:
    blocks = [
        {
            "type": "section",
            "block_id": "row",
            "text": {"type": "mrkdwn", "text": "Support (202)"},
            "accessory": {
                "type": "overflow",
                "action_id": "more",
                "options": [
                    {"text": {"type": "plain_text", "text": "Show"}, "value": "show:2"},
                    {"text": {"type": "plain_text", "text": "Delete"}, "value": "delete:2"},
                ],
            },
        }
    ]

    rendered = render_blocks(blocks)

    assert rendered.text == "Support (202)\n  [1] Show  [2] Delete"
    assert rendered.choices[1].action() == {
        "type": "overflow",
        "block_id": "row",
        "action_id": "more",
        "selected_option": {"text": {"type": "plain_text", "text": "Delete"}, "value": "delete:2"},
    }


def test_a_message_without_blocks_shows_its_text() -> None:
    rendered = render_message({"text": "No group 'sails'. Did you mean *Sales*?"})

    assert rendered.text == "No group 'sails'. Did you mean Sales?"
    assert rendered.choices == ()


def test_ansi_style_makes_bold_bold_and_context_dim() -> None:
    style = Style(ansi=True)

    assert mrkdwn("a *b* c", style) == "a \x1b[1mb\x1b[0m c"
    context = [{"type": "context", "elements": [{"type": "plain_text", "text": "note"}]}]
    assert render_blocks(context, style).text == "\x1b[2m  note\x1b[0m"


def test_a_modal_shows_its_title_and_non_input_blocks() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Members of Sales"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Pick up to 15 users."}},
            {
                "type": "input",
                "block_id": "users",
                "label": {"type": "plain_text", "text": "Members"},
                "element": {"type": "multi_users_select", "action_id": "users"},
            },
            {"type": "actions", "block_id": "tools", "elements": [button("Distribute", "dist")]},
        ],
    }

    rendered = render_view(view)

    assert rendered.text == (
        "Members of Sales\n────────────────\nPick up to 15 users.\n[1] Distribute"
    )
    assert rendered.choices[0].action_id == "dist"


def test_rich_text_lists_and_quotes() -> None:
    block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Ringing "},
                    {"type": "user", "user_id": "U1"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "ordered",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "two"}]},
                ],
            },
            {
                "type": "rich_text_quote",
                "elements": [{"type": "text", "text": "quoted"}],
            },
        ],
    }

    assert render_blocks([block], Style(names={"U1": "dana"})).text == (
        "Ringing @dana\n1. one\n2. two\n> quoted"
    )


def test_unknown_blocks_and_images_are_named_not_dropped() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "image", "image_url": "https://x.test/t.png", "alt_text": "ring timeline"},
        {"type": "table", "rows": []},
    ]

    assert render_blocks(blocks).text == "[image: ring timeline]\n[table block]"


def test_a_modal_cut_at_its_inputs_shows_each_part_above_its_field() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Features"},
        "blocks": [
            {
                "type": "input",
                "block_id": "recording",
                "label": {"type": "plain_text", "text": "Call recording"},
                "element": {"type": "checkboxes", "action_id": "r", "options": []},
            },
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Ringback*"}},
            {
                "type": "input",
                "block_id": "ringback",
                "label": {"type": "plain_text", "text": "Ringback"},
                "element": {"type": "static_select", "action_id": "rb", "options": []},
            },
            {"type": "actions", "block_id": "a", "elements": [button("Preview", "preview")]},
        ],
    }

    parts = view_parts(view)

    assert parts.title == "Features\n────────"
    assert parts.before["recording"].text == ""
    assert parts.before["ringback"].text == "─" * 40 + "\nRingback"
    assert parts.after.text == "[1] Preview"
    assert [c.action_id for c in parts.choices] == ["preview"]
