"""Slack user groups in the shell: ``/usergroup`` sets one's members (the app hears of a
change as Slack tells it), and ``@oncall`` typed in a command reaches the app as Slack
escapes a user group mention."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.shell.chat import EmulatedChat
from bot.shell.observe import Watch
from bot.shell.session import Session
from bot.shell.terminal import PipedLines
from bot.shell.workspace import Channel, Person, UserGroup, escape_mentions, unknown_mentions
from slackemu.server import SlackEmulator

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"
ALICE = Person("U0ALICE", "alice", "Alice Smith")
BOB = Person("U0BOB", "bob", "Bob Jones")
GENERAL = Channel("C0GENERAL", "general")


def echo_app(client: WebClient, heard: list[str], watch: Watch) -> App:
    app = App(
        signing_secret=SECRET,
        client=client,
        token_verification_enabled=False,
        listener_executor=watch.executor,  # the shell waits for the work after the ack
    )

    @app.command("/group")
    def group(ack: Ack, body: dict[str, Any]) -> None:
        heard.append(body["text"])
        ack(text=body["text"])

    @app.event("subteam_members_changed")
    def changed(event: dict[str, Any], client: WebClient) -> None:
        added = " ".join(f"<@{u}>" for u in event["added_users"])
        removed = " ".join(f"<@{u}>" for u in event["removed_users"])
        group = f"<!subteam^{event['subteam_id']}>"  # as the app names it, no label
        text = f"{group}: joined {added or 'none'}, left {removed or 'none'}"
        client.chat_postMessage(channel=ALICE.user_id, text=text)

    return app


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for person in (ALICE, BOB):
            emu.add_user(person.user_id, person.handle, f"{person.handle}@example.com")
        emu.add_channel(GENERAL.channel_id, GENERAL.name)
        yield emu


def run(emulator: SlackEmulator, script: str) -> tuple[int, str, list[str]]:
    heard: list[str] = []
    client = WebClient(token=TOKEN, base_url=emulator.base_url)
    watch = Watch()
    chat = EmulatedChat(
        emulator,
        echo_app(client, heard, watch),
        SECRET,
        people=(ALICE, BOB),
        channel=GENERAL,
        watch=watch,
    )
    out = io.StringIO()
    session = Session(chat, ALICE, PipedLines(io.StringIO(script), out), out)
    return session.run(), out.getvalue(), heard


def test_a_user_group_is_made_changed_and_mentioned(emulator: SlackEmulator) -> None:
    script = (
        "/usergroup @oncall @alice\n"
        "/group page @oncall, now\n"
        "/usergroup oncall @bob\n"
        "/usergroup @oncall bob\n"
    )
    status, out, heard = run(emulator, script)

    assert status == 0
    (oncall,) = emulator.workspace.directory.usergroups.values()
    assert (oncall.handle, oncall.users) == ("oncall", ["U0BOB"])
    assert heard == [f"page <!subteam^{oncall.id}|@oncall>, now"]
    assert out == (
        "groupbot> /usergroup @oncall @alice\n"
        "@oncall's members are now @alice.\n"
        "groupbot> /group page @oncall, now\n"
        "── groupbot\n"
        "page @oncall, now\n"
        "groupbot> /usergroup oncall @bob\n"
        "@oncall's members are now @bob.\n"
        "── groupbot (direct message)\n"
        "@oncall: joined @bob, left @alice\n"
        # the same members again: Slack sends the app nothing
        "groupbot> /usergroup @oncall bob\n"
        "@oncall's members are now @bob.\n"
    )


def test_what_cannot_be_a_user_group(emulator: SlackEmulator) -> None:
    script = "/usergroup\n/usergroup @alice @bob\n/usergroup @On-Call!\n/usergroup @oncall @zed\n"
    status, out, _ = run(emulator, script)

    assert status == 1
    assert "✗ Usage: /usergroup @handle @member … (no member empties it)\n" in out
    assert "✗ @alice is a person here; name a user group." in out
    assert "✗ @On-Call! cannot be a user group's handle: use lowercase letters, digits," in out
    assert "✗ no one called @zed in this workspace; people: @alice (Alice Smith)," in out
    assert emulator.workspace.directory.usergroups == {}


def test_an_unknown_name_lists_people_and_user_groups(emulator: SlackEmulator) -> None:
    status, out, heard = run(emulator, "/usergroup @oncall @bob\n/group page @sales\n")

    assert status == 1
    assert heard == []
    assert (
        "✗ No one called @sales in this workspace; the people are @alice, @bob; "
        "the user groups are @oncall.\n"
    ) in out


def test_escaping_tells_people_from_user_groups() -> None:
    groups = (UserGroup("S0ONCALL", "oncall"),)
    text = "add @alice and @oncall. then @zed"
    assert escape_mentions(text, (ALICE,), groups) == (
        "add <@U0ALICE|alice> and <!subteam^S0ONCALL|@oncall>. then @zed"
    )
    assert unknown_mentions(text, (ALICE,), groups) == ["@zed"]
