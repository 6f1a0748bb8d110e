"""``/group mirror``: a group's members follow a Slack user group, through the emulator's
user groups, their ``subteam_members_changed`` events and the ``usergroup-mirror`` job."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.jobs import run_job
from tests.slack.conftest import ADMIN, EXTRA, LEAD, MEMBER, OUTSIDER, Slack, settle
from tests.slack.shown import error_text, mention, shown

pytestmark = pytest.mark.slow

DANA, ERIN = "U0DANA", "U0ERIN"


def members(slack: Slack, ref: str = "Sales") -> list[str]:
    """The group's members by name, in their order."""
    view = slack.group(ref)
    return [view.member_names.get(m.user_id, m.user_id) for m in view.group.members]


def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for the work after an event's acknowledgement to show."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the event's work never showed"
        time.sleep(0.02)


def sales_led_by_bob(slack: Slack) -> None:
    slack.reply(f"create Sales 201 {mention(ADMIN)} {mention(LEAD)}")
    slack.reply(f"lead Sales {mention(LEAD)}")


def oncall(slack: Slack, *users: str) -> str:
    group_id = slack.emu.add_usergroup("oncall", users, name="On call")
    return group_id


def mirror(slack: Slack, usergroup: str, *, user: str = LEAD) -> str:
    return shown(slack.reply(f"mirror Sales <!subteam^{usergroup}|@oncall>", user=user))


def dms_to(slack: Slack, user: str) -> list[str]:
    return [shown(m) for m in slack.emu.messages_to("D" + user[1:])]


def test_mirror_takes_the_user_groups_members_then_follows_its_events(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER, DANA)

    said = mirror(slack, group)
    assert "Sales now follows @oncall: added Carol, Dana; removed Alice, Bob." in said
    assert members(slack) == ["Carol", "Dana"]

    slack.send(slack.driver.change_usergroup(group, [DANA, ERIN]))
    until(lambda: members(slack) == ["Dana", "Erin"])
    slack.pushed()
    # each change is in the history, the event's as Slackbot's
    history = shown(slack.reply("history Sales"))
    assert "Erin" in history


def test_people_come_and_go_through_the_user_group_not_by_hand(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER, DANA)
    mirror(slack, group)

    refused = error_text(slack.reply(f"add Sales {mention(ERIN)}", user=LEAD)) or ""
    assert "members follow a Slack user group (/group show Sales names it)" in refused
    assert "/group mirror Sales off" in refused
    assert members(slack) == ["Carol", "Dana"]
    # undoing the user group's change would be undone by its next change, unseen
    assert "members follow a Slack user group" in (
        error_text(slack.reply("undo Sales", user=LEAD)) or ""
    )
    assert members(slack) == ["Carol", "Dana"]
    # their ring windows stay the leads' to set
    assert "Sales" in shown(slack.reply(f"ring Sales {mention(DANA)} 5-25", user=LEAD))
    joining = error_text(slack.reply("join Sales", user=ERIN)) or ""
    assert "follow a Slack user group (/group show Sales names it)" in joining, joining
    history = shown(slack.reply("history Sales"))
    assert "followed its Slack user group: added Carol" in history, history


def test_a_plain_handle_is_looked_up_and_a_wrong_one_refused(slack: Slack) -> None:
    sales_led_by_bob(slack)
    oncall(slack, MEMBER)
    said = shown(slack.reply("mirror Sales @oncall", user=LEAD))
    assert "Sales now follows @oncall: added Carol; removed Alice, Bob." in said

    missing = slack.reply("mirror Sales @nightshift", user=LEAD)
    assert error_text(missing) == (
        "There is no Slack user group @nightshift: pick one from Slack's @-mention list."
    )
    person = slack.reply(f"mirror Sales {mention(MEMBER)}", user=LEAD)
    assert "is a person: mention a Slack user group, like @oncall" in (error_text(person) or "")


def test_only_leads_and_admins_set_a_mirror(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER)
    read_before = slack.count("usergroups.users.list")
    refused = slack.reply(f"mirror Sales <!subteam^{group}|@oncall>", user=DANA)
    said = error_text(refused) or ""
    assert f"Ask @{ADMIN}, @{LEAD} or a workspace admin" in said, said  # every lead named
    assert members(slack) == ["Alice", "Bob"]
    # refused before anything of Slack's is read: a non-lead learns nothing of it
    assert slack.count("usergroups.users.list") == read_before


def test_a_user_group_too_big_for_a_ring_group_is_refused_before_any_lookup(
    slack: Slack,
) -> None:
    sales_led_by_bob(slack)
    crowd = [f"U0X{i:04d}" for i in range(101)]
    for user in crowd:
        slack.emu.add_user(user, user.lower(), f"{user.lower()}@example.com")
    group = slack.emu.add_usergroup("everyone", crowd, name="Everyone")
    looked_up = slack.count("users.info")

    refused = slack.reply(f"mirror Sales <!subteam^{group}|@everyone>", user=LEAD)

    assert "That user group has 101 people" in (error_text(refused) or "")
    assert slack.count("users.info") - looked_up < 5  # no lookup per member
    assert "Members follow" not in json.dumps(slack.reply("show Sales"))


def test_a_user_with_no_pbx_user_is_reported_to_the_leads_once(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER, OUTSIDER)

    said = mirror(slack, group)  # bob reads it in his reply; alice, the other lead, by DM
    assert "@U0ZED is in the user group but has no PBX user" in said
    assert members(slack) == ["Carol"]
    (told,) = dms_to(slack, ADMIN)
    assert "has no PBX user, so is not in Sales" in told
    assert dms_to(slack, LEAD) == []

    slack.send(slack.driver.change_usergroup(group, [MEMBER, OUTSIDER, DANA]))
    until(lambda: members(slack) == ["Carol", "Dana"])
    assert len(dms_to(slack, ADMIN)) == 1  # zed was reported already


def test_a_lead_slack_could_not_message_is_told_on_the_next_change(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER, OUTSIDER)
    slack.emu.fail_next("chat.postMessage", "restricted_action")

    said = mirror(slack, group)  # alice's direct message is refused by Slack

    assert "Sales now follows" in said
    assert members(slack) == ["Carol"]
    assert "No other lead could be told this by direct message" in said
    assert dms_to(slack, ADMIN) == []
    slack.send(slack.driver.change_usergroup(group, [MEMBER, OUTSIDER, DANA]))
    until(lambda: members(slack) == ["Carol", "Dana"])
    until(lambda: len(dms_to(slack, ADMIN)) == 1)
    assert "@U0ZED is in the user group but has no PBX user" in dms_to(slack, ADMIN)[0]


def test_the_group_stops_at_fifteen_and_says_who_was_left_out(slack: Slack) -> None:
    sales_led_by_bob(slack)
    sixteen = list(EXTRA)
    group = oncall(slack, *sixteen)

    said = mirror(slack, group)
    assert len(members(slack)) == 15
    assert f"so @{sixteen[15]} was not added" in said
    (told,) = dms_to(slack, ADMIN)
    assert "has the most members a group can have (15)" in told


def test_off_stops_following(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER)
    mirror(slack, group)

    said = shown(slack.reply("mirror Sales off", user=LEAD))
    assert "Sales no longer follows" in said
    assert "its members stay as they are" in said
    listed = len(slack.emu.calls("usergroups.users.list"))
    slack.send(slack.driver.change_usergroup(group, [MEMBER, DANA]))
    settle()
    assert members(slack) == ["Carol"]
    assert len(slack.emu.calls("usergroups.users.list")) == listed  # nobody looked
    again = shown(slack.reply("mirror Sales off", user=LEAD))
    assert "Sales does not follow a Slack user group: nothing to stop." in again


def test_the_job_catches_a_change_no_event_brought(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER)
    mirror(slack, group)
    slack.emu.change_usergroup(group, [DANA, ERIN])  # the event never reaches groupbot

    done = run_job("usergroup-mirror", slack.services, datetime.now(UTC))
    assert done == "Sales: added Dana, Erin; removed Carol"
    assert members(slack) == ["Dana", "Erin"]
    again = run_job("usergroup-mirror", slack.services, datetime.now(UTC))
    assert again == "Sales already has its user group's members"


def test_the_job_says_which_user_group_could_not_be_read(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER)
    mirror(slack, group)
    del slack.emu.workspace.directory.usergroups[group]  # deleted in Slack

    with pytest.raises(Exception, match="Sales: Slack has no such user group any more"):
        run_job("usergroup-mirror", slack.services, datetime.now(UTC))
    assert members(slack) == ["Carol"]


def test_show_says_whose_members_a_mirrored_group_follows(slack: Slack) -> None:
    sales_led_by_bob(slack)
    group = oncall(slack, MEMBER, DANA)
    mirror(slack, group)

    following = json.dumps(slack.reply("show Sales"))
    slack.reply("mirror Sales off", user=LEAD)
    after = json.dumps(slack.reply("show Sales"))

    assert "Members follow" in following
    assert f"<!subteam^{group}>" in following
    assert "/group mirror `Sales` off stops it" in following
    assert "Members follow" not in after


def test_join_and_leave_are_refused_where_a_user_group_keeps_the_members(slack: Slack) -> None:
    sales_led_by_bob(slack)
    slack.reply("selfservice Sales on", user=LEAD)
    mirror(slack, oncall(slack, MEMBER, DANA))

    joined = error_text(slack.reply("join Sales", user=ERIN)) or ""
    left = error_text(slack.reply("leave Sales", user=DANA)) or ""

    assert "Sales's members follow a Slack user group" in joined
    assert "so you cannot join it here" in joined
    assert "ask to be removed from that user group in Slack" in left
    assert members(slack) == ["Carol", "Dana"]
