"""``/group undo`` steps back through the history, ``/group history`` shows where it
stands, and an admin brings a deleted group back: through the Slack emulator, on SQLite
and (with ``TEST_DATABASE_URL``) on PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.commands.ids import Action
from slackemu.server import RESPONSE_URL
from tests.db import *  # noqa: F403  (fixtures)
from tests.slack.conftest import ADMIN, CHANNEL, LEAD, MEMBER, Slack, running
from tests.slack.shown import mention, shown, text_of

pytestmark = pytest.mark.slow


@pytest.fixture
def slack(tmp_path: Path, fresh_url: str) -> Iterator[Slack]:
    with running(tmp_path, fresh_url) as workspace:
        yield workspace


def create_sales(slack: Slack) -> None:
    assert "Created Sales" in text_of(
        slack.reply(f"create Sales 201 {mention(ADMIN)} {mention(LEAD)}")
    )


def pbx_group_names(slack: Slack) -> list[str]:
    slack.pushed()
    return sorted(json.loads(path.read_text())["name"] for path in slack.documents("groups"))


def delete(slack: Slack, name: str) -> None:
    prompt = slack.reply(f"delete {name}")
    button = next(
        e["action_id"]
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(Action.DELETE)
    )
    before = slack.count(RESPONSE_URL)
    message = slack.emu.messages_to(CHANNEL)[-1]
    slack.send(slack.driver.press_in_message(message, button, user_id=ADMIN))
    assert f"Deleted {name}" in text_of(slack.wait(RESPONSE_URL, before))


def test_each_undo_steps_one_change_further_back(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("repeats Sales 3")
    slack.reply("rename 201 Inside Sales")

    said = shown(slack.reply("undo 201"))
    assert "Undid a change to Sales: renamed Sales → Inside Sales" in said
    assert (slack.group("201").group.name, slack.group("201").group.repeats) == ("Sales", 3)
    assert pbx_group_names(slack) == ["Sales"]  # pushed like any change

    said = shown(slack.reply("undo Sales"))  # the one before, not the undo again
    assert "Undid a change to Sales: repeats 1 → 3" in said
    assert (slack.group("201").group.name, slack.group("201").group.repeats) == ("Sales", 1)

    said = shown(slack.reply("undo Sales"))
    assert f"Nothing left to undo for Sales: its first revision is #1, created by @{ADMIN}" in said
    assert slack.group("201").group.repeats == 1


def test_history_marks_what_is_undone_and_what_undo_reverts_next(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("repeats Sales 3")
    slack.reply("repeats Sales 4")
    slack.reply("undo Sales")
    lines = shown(slack.reply("history Sales")).splitlines()
    assert f"#4 · @{ADMIN}: Undid: repeats 3 → 4 (#3)" in _undated(lines)
    assert f"~#3 · @{ADMIN}: repeats 3 → 4~ _(undone)_" in _undated(lines)
    assert f"#2 · @{ADMIN}: repeats 1 → 3" in _undated(lines)
    assert "`/group undo Sales` would undo #2 next." in lines

    slack.reply("undo Sales")
    assert "Nothing left to undo." in shown(slack.reply("history Sales"))


def test_a_change_after_undos_is_undone_first_then_the_older_ones(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("repeats Sales 3")
    slack.reply("repeats Sales 4")
    slack.reply("undo Sales")  # back to 3
    slack.reply("rename Sales Inside Sales")

    assert "renamed Sales → Inside Sales" in shown(slack.reply("undo 201"))
    assert (slack.group("201").group.name, slack.group("201").group.repeats) == ("Sales", 3)
    assert "repeats 1 → 3" in shown(slack.reply("undo 201"))
    assert slack.group("201").group.repeats == 1


def test_history_says_when_it_shows_only_the_newest_changes(slack: Slack) -> None:
    create_sales(slack)
    for repeats in [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 2]:
        slack.reply(f"repeats Sales {repeats}")
    said = shown(slack.reply("history Sales"))
    assert "Showing the last 20 of 21 changes." in said
    assert "#21" in said
    assert "created" not in said


def test_undo_keeps_to_the_rights_and_the_rules_of_any_change(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("number Sales add 2010")
    slack.reply("number Sales remove 2010")
    slack.reply(f"create Support 202 {mention(ADMIN)}")
    slack.reply("number Support add 2010")

    refused = shown(slack.reply("undo Sales", user=MEMBER))
    assert "Only admins and the leads of Sales" in refused

    refused = shown(slack.reply("undo Sales"))
    assert "2010 is already used by group Support" in refused
    assert slack.group("Sales").group.extra_extensions == ()
    slack.reply("number Support remove 2010")
    assert "removed 2010" in shown(slack.reply("undo Sales"))
    assert "2010" in slack.group("Sales").group.extra_extensions


def test_an_admin_restores_a_deleted_group_with_its_history(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("repeats Sales 3")
    slack.pushed()
    ids = {path.name for path in slack.documents("groups") + slack.documents("callflows")}
    delete(slack, "Sales")
    assert pbx_group_names(slack) == []

    refused = shown(slack.reply("restore sales", user=LEAD))
    assert "Only workspace admins can restore a deleted group; ask one to restore sales" in refused
    said = shown(slack.reply("restore sales"))
    assert "Restored Sales as it was when it was deleted." in said
    assert slack.group("201").group.repeats == 3

    assert pbx_group_names(slack) == ["Sales"]
    assert {p.name for p in slack.documents("groups") + slack.documents("callflows")} == ids
    lines = _undated(shown(slack.reply("history Sales")).splitlines())
    assert f"#4 · @{ADMIN}: Restored" in lines
    assert f"#3 · @{ADMIN}: deleted" in lines
    assert f"#2 · @{ADMIN}: repeats 1 → 3" in lines
    said = shown(slack.reply("undo Sales"))
    assert "Nothing left to undo for Sales since it was restored" in said


def test_a_restore_refuses_a_name_or_extension_now_in_use(slack: Slack) -> None:
    create_sales(slack)
    delete(slack, "Sales")
    slack.reply(f"create Support 201 {mention(ADMIN)}")

    said = shown(slack.reply("restore Sales"))
    assert "Sales cannot be restored as it was: 201 is already used by group Support. " in said
    assert "Change that first, then restore Sales again." in said
    said = shown(slack.reply("restore Billing"))
    assert "No deleted group named Billing. Deleted groups: Sales." in said
    assert "Support is not deleted" in shown(slack.reply("restore support"))
    assert [g.name for g in slack.services.group_summaries(slack.team)] == ["Support"]


def _undated(lines: list[str]) -> list[str]:
    """History lines without their dates (each reader sees them in their own zone)."""
    return [re.sub(r" \d{4}-\d\d-\d\d \d\d:\d\d UTC", "", line).replace("*", "") for line in lines]
