"""Every ``/group`` subcommand, sent signed over HTTP, answered through its response_url."""

from __future__ import annotations

import json

import pytest

from bot.commands.help import SPECS
from bot.commands.ids import Action, Block, Callback, group_action_id
from slackemu.server import RESPONSE_URL
from tests.slack.conftest import ADMIN, CHANNEL, EXTRA, LEAD, LISTED_ADMIN, MEMBER, OUTSIDER, Slack
from tests.slack.shown import error_text, mention, shown, text_of

pytestmark = pytest.mark.slow


def create_sales(slack: Slack) -> None:
    reply = slack.reply(f"create Sales 201 {mention(ADMIN)} {mention(LEAD)}")
    assert "Created Sales" in text_of(reply)


def test_help_lists_every_subcommand(slack: Slack) -> None:
    for text in ("", "help"):
        said = text_of(slack.reply(text))
        for word in ("list", "show", "create", "members", "record", "simulate", "setup"):
            assert word in said
    ring = slack.reply("help ring")
    assert "/group ring <group> @user <start>-<end>" in shown(ring)  # not "ring group …"
    assert error_text(ring) is None


def test_quick_create_then_list_show_and_the_documents_on_the_pbx(slack: Slack) -> None:
    assert "No ring groups yet" in text_of(slack.reply("list"))
    create_sales(slack)
    listed = text_of(slack.reply("list"))
    assert "Sales" in listed
    assert "201" in listed
    shown = slack.reply("show sales")
    said = text_of(shown)
    assert "Sales" in said
    assert "█" in said
    buttons = {
        e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert group_action_id(Action.EDIT, slack.group("Sales").id) in buttons
    assert len(slack.documents("groups")) == 1
    assert len(slack.documents("callflows")) == 2


def test_settings_from_the_command_line(slack: Slack) -> None:
    create_sales(slack)
    renamed = shown(slack.reply("rename 201 Inside Sales"))
    assert "✅ Renamed Sales → Inside Sales" in renamed
    assert slack.group("201").group.name == "Inside Sales"
    assert "Inside Sales is already called Inside Sales" in shown(
        slack.reply("rename 201 Inside Sales")
    )
    slack.reply("repeats 201 3")
    assert slack.group("201").group.repeats == 3
    slack.reply("number 201 add 2010")
    slack.reply("number 201 add +14155550123")
    group = slack.group("201").group
    assert group.extra_extensions == ("2010",)
    assert group.numbers == ("+14155550123",)
    slack.reply("number 201 remove 2010")
    assert slack.group("201").group.extra_extensions == ()
    assert "primary extension" in text_of(slack.reply("number 201 remove 201"))


def test_membership_ring_windows_and_distribute(slack: Slack) -> None:
    create_sales(slack)
    slack.reply(f"add Sales {mention(MEMBER)}")
    assert len(slack.group("Sales").group.members) == 3
    slack.reply(f"ring Sales {mention(MEMBER)} 10-40")
    carol = slack.group("Sales").group.members[2]
    assert (carol.start, carol.end) == (10, 40)
    assert "✅ Spread the members of Sales over 90 s" in shown(slack.reply("distribute Sales 90"))
    windows = [(m.start, m.end) for m in slack.group("Sales").group.members]
    assert windows == [(0, 30), (30, 60), (60, 90)]
    # 0 s is a window too short for anyone, not "the default 120 s"
    refused = error_text(slack.reply("distribute Sales 0")) or ""
    assert "0 s is too short to give 3 members a second each" in refused
    assert [(m.start, m.end) for m in slack.group("Sales").group.members] == windows
    slack.reply(f"remove Sales {mention(MEMBER)}")
    assert len(slack.group("Sales").group.members) == 2
    slack.reply(f"remove Sales {mention(LEAD)}")
    refused = text_of(slack.reply(f"remove Sales {mention(ADMIN)}"))
    assert "delete" in refused  # the last member: a pointer to delete
    assert len(slack.group("Sales").group.members) == 1


def test_features_from_the_command_line(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("record Sales on wav limit=120 url=https://rec.example.com/in")
    recording = slack.group("Sales").group.features.call_recording
    assert (recording.enabled, recording.format, recording.time_limit) == (True, "wav", 120)
    assert recording.url == "https://rec.example.com/in"
    slack.reply("ringback Sales silence")
    assert slack.group("Sales").group.features.ringback.kind == "silence"
    slack.reply('ringback Sales "Hold music"')
    assert slack.group("Sales").group.features.ringback.kind == "media"
    slack.reply('next Sales voicemail "Sales voicemail"')
    assert slack.group("Sales").group.features.next_action.kind == "voicemail"
    slack.reply("next Sales off")
    assert slack.group("Sales").group.features.next_action.kind == "none"
    slack.reply("forward Sales allow")
    assert slack.group("Sales").group.features.allow_call_forward is True
    slack.reply("prepend Sales name=Sales:")
    prepend = slack.group("Sales").group.features.caller_id_prepend
    assert (prepend.enabled, prepend.name_prefix) == (True, "Sales:")
    slack.reply("prepend Sales off")
    assert slack.group("Sales").group.features.caller_id_prepend.enabled is False


def test_replies_say_what_changed_or_that_nothing_did(slack: Slack) -> None:
    create_sales(slack)
    said = shown(slack.reply("forward Sales deny"))  # a new group denies it already
    assert "Sales already denies call-forward" in said
    assert "✅" not in said
    assert "Nothing changed" not in said
    assert "✅ Sales now allows call-forward" in shown(slack.reply("forward Sales allow"))
    said = shown(slack.reply('prepend Sales name="Sales: " number=+1'))
    assert "✅ Sales now prepends name “Sales: ”, number “+1”" in said
    assert "✅ Sales no longer prepends to the caller ID" in shown(slack.reply("prepend Sales off"))
    said = shown(slack.reply("prepend Sales off"))
    assert "Sales already does not prepend to the caller ID" in said
    assert "✅" not in said
    said = shown(slack.reply(f"ring Sales {mention(LEAD)} 0-20"))
    assert f"@{LEAD} already rings 0–20 s in Sales" in said  # <@U0BOB>: Slack shows a name
    assert "Allow call-forward*: on" in shown(slack.reply("show Sales"))


def test_history_and_undo_name_who_changed_what(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("repeats Sales 4", user=ADMIN)
    history = text_of(slack.reply("history Sales"))
    assert "created" in history
    assert "repeats" in history
    assert ADMIN in history
    slack.reply("undo Sales", user=LISTED_ADMIN)
    assert slack.group("Sales").group.repeats == 1
    latest = slack.services.history(slack.team, "Sales")[0]
    assert latest.by == LISTED_ADMIN
    assert latest.summary == "Undid: repeats 1 → 4"


def test_callflow_shows_the_compiled_documents(slack: Slack) -> None:
    create_sales(slack)
    said = text_of(slack.reply("callflow Sales"))
    assert "ring_group" in said
    assert "baseGroup" in said


def test_simulate_replies_with_the_timeline_and_dms_the_picture(slack: Slack) -> None:
    create_sales(slack)
    slack.reply("distribute Sales 40")
    uploads = slack.count("files.completeUploadExternal")
    said = shown(slack.reply(f"simulate Sales busy={mention(ADMIN)}", user=LEAD))
    assert "Simulated call to Sales" in said
    assert "The timeline picture is in your direct messages with groupbot" in said
    done = slack.wait("files.completeUploadExternal", uploads)
    # a file cannot be ephemeral: it goes where only the user sees it, as the reply does
    dm = "D" + LEAD[1:]
    assert done["channel_id"] == dm
    (upload,) = [f for f in slack.emu.files() if f.data is not None]
    assert upload.channels == [dm]
    assert upload.data is not None
    assert upload.data.startswith(b"\x89PNG")
    assert not [m for m in slack.emu.messages_to(CHANNEL) if m.get("files")]


def test_delete_asks_then_the_button_deletes(slack: Slack) -> None:
    create_sales(slack)
    prompt = slack.reply("delete Sales")
    button = next(
        e
        for b in prompt["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(Action.DELETE)
    )
    assert "confirm" in button  # Slack asks once more before sending the press
    message = slack.emu.messages_to(CHANNEL)[-1]
    before = slack.count(RESPONSE_URL)
    pressed = slack.send(slack.driver.press_in_message(message, button["action_id"], user_id=ADMIN))
    assert pressed.status == 200
    assert "Deleted Sales" in text_of(slack.wait(RESPONSE_URL, before))
    assert "No group" in text_of(slack.reply("show Sales"))
    slack.pushed()  # removed from the PBX after the answer
    assert slack.documents("groups") == []
    assert slack.documents("callflows") == []


def test_leads_may_change_their_group_and_others_may_not(slack: Slack) -> None:
    create_sales(slack)
    was = slack.group("Sales").group.repeats
    refused = text_of(slack.reply("repeats Sales 2", user=MEMBER))
    assert "Only admins and the leads of Sales" in refused
    assert slack.group("Sales").group.repeats == was != 2
    assert MEMBER in text_of(slack.reply(f"lead Sales {mention(MEMBER)}"))
    slack.reply("repeats Sales 2", user=MEMBER)
    assert slack.group("Sales").group.repeats == 2
    created = text_of(slack.reply("create Other 202 " + mention(MEMBER), user=MEMBER))
    assert "Only workspace admins can create groups" in created
    # everyone may read
    assert "Sales" in text_of(slack.reply("show Sales", user=LEAD))


def test_setup_is_for_admins(slack: Slack) -> None:
    view = slack.open_modal("setup", user=MEMBER)
    assert "admin" in json.dumps(view["blocks"])
    view = slack.open_modal("setup", user=LISTED_ADMIN)
    assert view["callback_id"] == Callback.SETUP


# ---------------------------------------------------------------- bad input


def test_unknown_subcommand_gets_did_you_mean(slack: Slack) -> None:
    said = text_of(slack.reply("lsit"))
    assert "Unknown command 'lsit'" in said
    assert "Did you mean 'list'" in said


def test_malformed_argument_gets_the_usage_line(slack: Slack) -> None:
    create_sales(slack)
    answer = slack.reply("ring Sales " + mention(ADMIN) + " soon")
    usage = "Usage: /group ring <group> @user <start>-<end>   e.g. /group ring sales @dana 0-20"
    assert usage == SPECS["ring"].usage_line
    said = error_text(answer)  # what Slack shows, in the section marked as an error
    assert said is not None
    assert said.splitlines() == ["Start-end must look like 0-20, not 'soon'", usage]
    assert usage in shown({"text": answer["text"]})  # the notification's fallback too


def test_every_error_reply_is_marked_and_every_answer_is_not(slack: Slack) -> None:
    create_sales(slack)
    for text in ("lsit", "show Nope", "adopt Nope", "repeats Sales 21", "distribute Sales 0"):
        assert error_text(slack.reply(text)), text
    refused = slack.reply("repeats Sales 2", user=MEMBER)
    assert "admin" in (error_text(refused) or "")
    for text in ("", "list", "show Sales", "history Sales", "repeats Sales 2"):
        assert error_text(slack.reply(text)) is None, text
    # a refusal in place of a form carries the same marker
    view = slack.open_modal("members Sales", user=MEMBER)
    assert [b["block_id"] for b in view["blocks"]] == [Block.ERROR]
    assert "lead of Sales" in shown(view)


def test_a_sixteenth_member_is_refused(slack: Slack) -> None:
    fifteen = list(EXTRA)[:15]
    slack.reply("create Big 203 " + " ".join(mention(u) for u in fifteen))
    assert len(slack.group("Big").group.members) == 15
    said = text_of(slack.reply(f"add Big {mention(list(EXTRA)[15])}"))
    assert "at most 15 members" in said
    assert len(slack.group("Big").group.members) == 15


def test_a_slack_user_with_no_pbx_user_is_named(slack: Slack) -> None:
    create_sales(slack)
    said = text_of(slack.reply(f"add Sales {mention(OUTSIDER)}"))
    assert OUTSIDER in said
    assert "zed" in said.lower()
    assert "PBX" in said
    assert len(slack.group("Sales").group.members) == 2


def test_rule_failures_from_the_command_line_are_explained(slack: Slack) -> None:
    create_sales(slack)
    assert "3 digits" in text_of(slack.reply("create Other 12 " + mention(ADMIN)))
    assert "already" in text_of(slack.reply("create sales 202 " + mention(ADMIN)))
    assert "already used" in text_of(slack.reply("create Other 101 " + mention(ADMIN)))
    # refused by its range on the command line, before the engine sees it
    assert "from 1 to 20" in text_of(slack.reply("repeats Sales 21"))
    assert "after start" in text_of(slack.reply(f"ring Sales {mention(ADMIN)} 30-10"))
    assert "https" in text_of(slack.reply("record Sales on url=ftp://x.example.com/"))


def test_a_command_with_the_word_payload_is_answered(slack: Slack) -> None:
    # Bolt reads any form body containing "payload" as an interactive payload (and
    # finds nothing): the command went unanswered, 404 "unhandled request".
    said = slack.reply("show payload")
    assert "payload" in text_of(said)
    create_sales(slack)
    assert "Renamed Sales → payload" in text_of(slack.reply("rename sales payload"))
