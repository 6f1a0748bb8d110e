"""User groups as Slack keeps them: usergroups.list and usergroups.users.list with Slack's
shapes and errors, and the ``subteam_members_changed`` event when their members change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from slackemu import Driver, Identity, ManualClock, SlackEmulator
from tests.slackemu.test_emulator import TOKEN, client, clock, error_of

__all__ = ["client", "clock"]  # the emulator tests' fixtures, used by name below

SECRET = "emulator-signing-secret"


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[SlackEmulator]:
    with SlackEmulator([TOKEN], clock=clock) as emulator:
        for user_id, name in (("U0ALICE", "alice"), ("U0BOB", "bob"), ("U0CAROL", "carol")):
            emulator.add_user(user_id, name, f"{name}@example.com")
        yield emulator


def test_list_has_slacks_usergroup_shape(emu: SlackEmulator, client: WebClient) -> None:
    oncall = emu.add_usergroup("oncall", ["U0ALICE", "U0BOB"], name="On call")
    (group,) = client.usergroups_list()["usergroups"]
    assert oncall.startswith("S")
    assert group["id"] == oncall
    assert (group["handle"], group["name"], group["team_id"]) == ("oncall", "On call", "T0EMULATOR")
    assert (group["is_usergroup"], group["date_delete"]) == (True, 0)
    # members and their count only when asked for
    (full,) = client.usergroups_list(include_users=True, include_count=True)["usergroups"]
    assert sorted(set(full) - set(group)) == ["user_count", "users"]
    assert (full["users"], full["user_count"]) == (["U0ALICE", "U0BOB"], 2)


def test_disabled_groups_only_when_asked_for(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_usergroup("oncall", ["U0ALICE"])
    old = emu.add_usergroup("nightshift", ["U0BOB"], disabled=True)
    assert [g["handle"] for g in client.usergroups_list()["usergroups"]] == ["oncall"]
    listed = client.usergroups_list(include_disabled=True)["usergroups"]
    assert [(g["handle"], g["date_delete"] > 0) for g in listed] == [
        ("oncall", False),
        ("nightshift", True),
    ]
    assert error_of(client.usergroups_users_list, usergroup=old)["error"] == "no_such_subteam"
    members = client.usergroups_users_list(usergroup=old, include_disabled=True)["users"]
    assert members == ["U0BOB"]


def test_users_list_names_the_members(emu: SlackEmulator, client: WebClient) -> None:
    oncall = emu.add_usergroup("oncall", ["U0BOB", "U0ALICE"])
    assert client.usergroups_users_list(usergroup=oncall)["users"] == ["U0BOB", "U0ALICE"]


def test_users_list_of_an_unknown_group(client: WebClient) -> None:
    assert error_of(client.usergroups_users_list, usergroup="S0NOTHERE")["error"] == (
        "no_such_subteam"
    )
    missing = error_of(client.api_call, "usergroups.users.list")
    assert missing["error"] == "invalid_arguments"
    assert missing["response_metadata"]["messages"] == ["[ERROR] missing required field: usergroup"]


def test_user_groups_need_usergroups_read(emu: SlackEmulator) -> None:
    oncall = emu.add_usergroup("oncall", ["U0ALICE"])
    emu.add_token("xoxb-narrow", scopes=["commands", "users:read"])
    narrow = WebClient(base_url=emu.base_url, token="xoxb-narrow")
    for refused in (
        error_of(narrow.usergroups_list),
        error_of(narrow.usergroups_users_list, usergroup=oncall),
    ):
        assert (refused["error"], refused["needed"]) == ("missing_scope", "usergroups:read")


def test_each_team_has_its_own_groups(emu: SlackEmulator, client: WebClient) -> None:
    beta = emu.add_team(Identity(team_id="T0BETA", team_name="beta"))
    beta.add_user("U0BEA", "bea", "bea@beta.example")
    theirs = beta.add_usergroup("oncall", ["U0BEA"])
    assert client.usergroups_list()["usergroups"] == []
    assert error_of(client.usergroups_users_list, usergroup=theirs)["error"] == "no_such_subteam"


def test_members_are_workspace_users(emu: SlackEmulator) -> None:
    with pytest.raises(Exception, match="user_not_found"):
        emu.add_usergroup("oncall", ["U0NOBODY"])


# -- the event ----------------------------------------------------------------------


@pytest.fixture
def events(emu: SlackEmulator) -> tuple[App, list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []
    client = WebClient(base_url=emu.base_url, token=TOKEN)
    # the listener runs before the ack: what it saw is there once dispatch returns
    bolt = App(signing_secret=SECRET, client=client, process_before_response=True)

    @bolt.event("subteam_members_changed")
    def changed(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        # what the app then reads is the group as the event left it
        now = client.usergroups_users_list(usergroup=event["subteam_id"])["users"]
        received.append({"body": body, "members": now})

    return bolt, received


def test_a_change_arrives_as_subteam_members_changed(
    emu: SlackEmulator, clock: ManualClock, events: tuple[App, list[dict[str, Any]]]
) -> None:
    app, received = events
    oncall = emu.add_usergroup("oncall", ["U0ALICE", "U0BOB"])
    created = int(clock())
    clock.advance(60)
    request = Driver(emu, SECRET).change_usergroup(oncall, ["U0BOB", "U0CAROL"])
    assert app.dispatch(request.to_bolt()).status == 200

    (seen,) = received
    body = seen["body"]
    assert (body["type"], body["team_id"], body["api_app_id"]) == (
        "event_callback",
        "T0EMULATOR",
        "A0GROUPBOT",
    )
    assert body["event_id"].startswith("Ev")
    assert body["event"] == {
        "type": "subteam_members_changed",
        "subteam_id": oncall,
        "team_id": "T0EMULATOR",
        "date_previous_update": created,
        "date_update": created + 60,
        "added_users": ["U0CAROL"],
        "added_users_count": 1,
        "removed_users": ["U0ALICE"],
        "removed_users_count": 1,
        "event_ts": f"{created + 60}.000000",
    }
    assert seen["members"] == ["U0BOB", "U0CAROL"]


def test_consecutive_changes_chain_their_dates(emu: SlackEmulator) -> None:
    """date_previous_update is the last change's date_update: how a client knows it
    missed one. Two changes within a second still get distinct dates."""
    oncall = emu.add_usergroup("oncall", ["U0ALICE"])
    driver = Driver(emu, SECRET)
    first = json.loads(driver.change_usergroup(oncall, ["U0ALICE", "U0BOB"]).body)["event"]
    second = json.loads(driver.change_usergroup(oncall, ["U0BOB"]).body)["event"]
    assert second["date_previous_update"] == first["date_update"]
    assert second["date_update"] > first["date_update"]
    assert (second["added_users"], second["removed_users"]) == ([], ["U0ALICE"])


def test_a_change_that_changes_nothing_sends_nothing(emu: SlackEmulator) -> None:
    oncall = emu.add_usergroup("oncall", ["U0ALICE"])
    with pytest.raises(ValueError, match="no event"):
        Driver(emu, SECRET).change_usergroup(oncall, ["U0ALICE"])


def test_the_event_is_signed(emu: SlackEmulator, events: tuple[App, list[dict[str, Any]]]) -> None:
    app, received = events
    oncall = emu.add_usergroup("oncall", ["U0ALICE"])
    wrong = Driver(emu, "not-the-secret").change_usergroup(oncall, ["U0BOB"])
    assert app.dispatch(wrong.to_bolt()).status == 401
    assert received == []
