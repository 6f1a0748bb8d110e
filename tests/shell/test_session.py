"""The session and its Slack side against a small Bolt app of our own and the emulator.

The real groupbot app is exercised end to end by ``test_shell.py``; this app is only as
big as it needs to be to show each path: an ack reply, respond(), a button with a
confirm dialog, a modal with a field error, a dispatch_action input, a UserError.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import UserError
from bot.shell.chat import EmulatedChat
from bot.shell.modal import fillable
from bot.shell.observe import Watch
from bot.shell.replies import ERROR_BLOCK, is_error_message
from bot.shell.session import Session
from bot.shell.terminal import PipedLines
from bot.shell.workspace import Channel, Person, escape_mentions
from slackemu.server import SlackEmulator

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"
ALICE = Person("U0ALICE", "alice", "Alice Smith")
BOB = Person("U0BOB", "bob", "Bob Jones")
GENERAL = Channel("C0GENERAL", "general")


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def msg(text: str) -> dict[str, Any]:
    """A reply as groupbot's handlers make them: text and blocks (errors carry ERROR_BLOCK)."""
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def modal(name: str = "", extension_block: str = "ext") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "create",
        "title": plain("Create group"),
        "submit": plain("Create"),
        "notify_on_close": True,
        "blocks": [
            {
                "type": "input",
                "block_id": "name",
                "label": plain("Name"),
                "element": {"type": "plain_text_input", "action_id": "name", "initial_value": name}
                if name
                else {"type": "plain_text_input", "action_id": "name"},
            },
            {
                "type": "input",
                "block_id": "members",
                "dispatch_action": True,
                "label": plain("Members"),
                "element": {"type": "multi_users_select", "action_id": "users"},
            },
            {
                "type": "input",
                "block_id": extension_block,
                "label": plain("Extension"),
                "element": {"type": "plain_text_input", "action_id": "ext"},
            },
        ],
    }


def notice(text: str, block_id: str = "loading", **extra: Any) -> dict[str, Any]:
    """A modal that only says something, as ``views.notice_modal`` builds it."""
    return {
        "type": "modal",
        "callback_id": "",
        "title": plain("Create group"),
        "close": plain("Close"),
        "blocks": [
            {"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": text}}
        ],
        **extra,
    }


def previewed() -> dict[str, Any]:
    """The create modal with blocks below its last input, like the Members modal's
    Distribute button and timeline preview."""
    view = modal()
    view["blocks"] += [
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [{"type": "button", "text": plain("Distribute"), "action_id": "spread"}],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "*Timeline preview*"}]},
        {
            "type": "section",
            "block_id": "timeline",
            "text": {"type": "mrkdwn", "text": "```a ██░░```"},
        },
    ]
    return view


def toy_app(client: WebClient, seen: list[dict[str, Any]], watch: Watch) -> App:
    app = App(
        signing_secret=SECRET,
        client=client,
        token_verification_enabled=False,
        listener_executor=watch.executor,  # Bolt runs each listener there, after the ack
    )

    @app.error
    def on_error(error: Exception, respond: Respond) -> None:
        watch.witness(error)
        failed = msg(f"oops: {error}")
        failed["blocks"][0]["block_id"] = ERROR_BLOCK
        respond(**failed, response_type="ephemeral")

    @app.command("/group")
    def group(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = body["text"]
        if text == "hello":
            ack(**msg(f"hello <@{body['user_id']}>"))
        elif text.startswith("echo "):
            ack(**msg(text[5:]))
        elif text == "later":
            ack()
            respond(**msg("*done* later"), response_type="ephemeral")
        elif text == "buttons":
            ack(
                blocks=[
                    {"type": "section", "text": {"type": "mrkdwn", "text": "Pick one"}},
                    {
                        "type": "actions",
                        "block_id": "b",
                        "elements": [
                            {"type": "button", "text": plain("Keep"), "action_id": "keep"},
                            {
                                "type": "button",
                                "text": plain("Delete"),
                                "action_id": "delete",
                                "style": "danger",
                                "confirm": {
                                    "title": plain("Delete it?"),
                                    "text": plain("Really."),
                                    "confirm": plain("Delete"),
                                    "deny": plain("Keep"),
                                },
                            },
                        ],
                    },
                ],
                text="Pick one",
            )
        elif text == "create":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=modal())
        elif text == "previewed":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=previewed())
        elif text == "notice":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=notice("*Nothing* to do."))
        elif text == "refuse":
            ack()
            refusal = notice("Only a workspace admin can create a group.", block_id="error")
            client.views_open(trigger_id=body["trigger_id"], view=refusal)
        elif text == "marked":
            marked = msg("No group 'x'.")
            marked["blocks"][0]["block_id"] = "error"
            ack(**marked)
        elif text == "fail":
            ack()
            raise UserError("No group 'x'.")
        else:
            ack(**msg(f"unknown: {text}"))

    @app.action("keep")
    def keep(ack: Ack, respond: Respond) -> None:
        ack()
        respond(**msg("kept"), replace_original=True)

    @app.action("delete")
    def delete(ack: Ack, respond: Respond) -> None:
        ack()
        respond(**msg("deleted"), replace_original=True)

    @app.action("users")
    def users(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen.append(body)
        view = body["view"]
        chosen = body["actions"][0]["selected_users"]
        previewing = any(b.get("block_id") == "timeline" for b in view["blocks"])
        updated = previewed() if previewing else modal()
        updated["blocks"].insert(
            2,
            {
                "type": "section",
                "block_id": "count",
                "text": {"type": "mrkdwn", "text": f"{len(chosen)} chosen"},
            },
        )
        client.views_update(view_id=view["id"], hash=view["hash"], view=updated)

    @app.view(re.compile(r"^(?!create$)"))
    def anything_else(ack: Ack, view: dict[str, Any]) -> None:
        seen.append(view)  # a submission the shell should never have sent
        ack()

    @app.view("create")
    def submitted(ack: Ack, view: dict[str, Any]) -> None:
        seen.append(view)
        values = view["state"]["values"]
        ext = values["ext"]["ext"]["value"]
        if len(ext) != 3:
            ack(response_action="errors", errors={"ext": "exactly 3 digits"})
            return
        ack()

    @app.view_closed("create")
    def closed(ack: Ack) -> None:
        ack()

    return app


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for person in (ALICE, BOB):
            emu.add_user(person.user_id, person.handle, f"{person.handle}@example.com")
        emu.add_channel(GENERAL.channel_id, GENERAL.name)
        yield emu


def session_for(
    emulator: SlackEmulator, script: str, seen: list[dict[str, Any]], exports: Path | None = None
) -> tuple[Session, io.StringIO]:
    client = WebClient(token=TOKEN, base_url=emulator.base_url)
    watch = Watch()
    chat = EmulatedChat(
        emulator,
        toy_app(client, seen, watch),
        SECRET,
        people=(ALICE, BOB),
        channel=GENERAL,
        watch=watch,
    )
    out = io.StringIO()
    lines = PipedLines(io.StringIO(script), out)
    return Session(chat, ALICE, lines, out, exports=exports), out


def test_an_ack_reply_is_printed_with_mentions_by_name(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group hello\n/group echo hi @bob\n", [])

    assert session.run() == 0
    assert out.getvalue() == (
        "groupbot> /group hello\n"
        "── groupbot\n"
        "hello @alice\n"
        "groupbot> /group echo hi @bob\n"
        "── groupbot\n"
        "hi @bob\n"
    )


def test_typed_mentions_reach_the_app_escaped(emulator: SlackEmulator) -> None:
    assert escape_mentions("add sales @alice, @bob and @zed", (ALICE, BOB)) == (
        "add sales <@U0ALICE|alice>, <@U0BOB|bob> and @zed"
    )


def test_respond_after_ack_is_shown(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group later\n", [])

    assert session.run() == 0
    assert out.getvalue() == "groupbot> /group later\n── groupbot\ndone later\n"


def test_a_user_error_fails_the_session(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group fail\n/group hello\n", [])

    assert session.run() == 1
    assert "── groupbot\n✗ oops: No group 'x'.\n" in out.getvalue()
    assert session.failures == 1


def test_buttons_are_pressed_and_a_confirm_reads_y_or_n(emulator: SlackEmulator) -> None:
    script = "/group buttons\n#2\nn\n#2\ny\n"
    session, out = session_for(emulator, script, [])

    assert session.run() == 0
    text = out.getvalue()
    assert "[1] Keep  [2] Delete ⚠" in text
    assert "Delete it?\nReally.\nDelete (y) or Keep (n)? n\n(cancelled)" in text
    assert text.endswith("Delete (y) or Keep (n)? y\n── groupbot (updated)\ndeleted\n")


def test_a_button_that_is_not_there_fails(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group hello\n#1\n", [])

    assert session.run() == 1
    assert "✗ The last reply has no buttons to press." in out.getvalue()


def test_a_modal_is_a_form_with_field_errors_asked_again(emulator: SlackEmulator) -> None:
    seen: list[dict[str, Any]] = []
    script = "/group create\n\nSales\n@alice @bob\n12\n201\n"
    session, out = session_for(emulator, script, seen)

    status = session.run()

    text = out.getvalue()
    assert "Name *\nName: \n  ✗ this field is required\nName: Sales\n" in text
    # the dispatch_action input reached the app, which updated the modal
    action = seen[0]["actions"][0]
    assert action["selected_users"] == ["U0ALICE", "U0BOB"]
    assert seen[0]["view"]["state"]["values"]["name"]["name"]["value"] == "Sales"
    assert "Please correct:\n  Extension: ✗ exactly 3 digits\n" in text
    final = seen[-1]["state"]["values"]
    assert final["ext"]["ext"]["value"] == "201"
    assert final["name"]["name"]["value"] == "Sales"
    assert final["members"]["users"]["selected_users"] == ["U0ALICE", "U0BOB"]
    assert emulator.open_views(ALICE.user_id) == []
    # field errors count as a failure even when corrected
    assert status == 1


def test_a_form_cancelled_closes_the_modal(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group create\n/cancel\n", [])

    assert session.run() == 1
    assert "(modal closed)" in out.getvalue()
    assert emulator.open_views(ALICE.user_id) == []
    assert emulator.calls("views.open")


def test_end_of_input_inside_a_form_fails(emulator: SlackEmulator) -> None:
    session, _ = session_for(emulator, "/group create\nSales\n", [])

    assert session.run() == 1
    assert emulator.open_views(ALICE.user_id) == []


def test_shell_commands(emulator: SlackEmulator) -> None:
    script = "/whoami\n/as @bob\n/whoami\n/jobs\n/jobs run daily_report\n/nope\nhello\n"
    session, out = session_for(emulator, script, [])

    assert session.run() == 1
    text = out.getvalue()
    assert "You are @alice (Alice Smith), an admin." in text
    assert "You are now @bob (Bob Jones), a member, not an admin." in text
    assert "No scheduled jobs exist in this build yet" in text
    assert "✗ No scheduled job 'daily_report'" in text
    assert session.failures == 3


def test_exported_documents_are_reported(emulator: SlackEmulator, tmp_path: Path) -> None:
    session, out = session_for(emulator, "/group hello\n", [], exports=tmp_path)
    (tmp_path / "callflows").mkdir()
    (tmp_path / "callflows" / "a.json").write_text(json.dumps({}))

    session.run()

    assert "→ wrote " in out.getvalue()
    assert out.getvalue().rstrip().endswith("a.json")


# -- modals that are no form ---------------------------------------------------------------


def test_a_modal_with_nothing_to_fill_in_is_printed_and_closed_unsent(
    emulator: SlackEmulator,
) -> None:
    seen: list[dict[str, Any]] = []
    session, out = session_for(emulator, "/group notice\n/group hello\n", seen)

    assert session.run() == 0  # a notice without the error marker only informs
    assert out.getvalue().startswith(
        "groupbot> /group notice\n"
        "Create group\n────────────\nNothing to do.\n"
        "groupbot> /group hello\n"
    )
    assert seen == []  # nothing was submitted
    assert emulator.open_views(ALICE.user_id) == []


def test_a_refusal_modal_is_printed_and_fails(emulator: SlackEmulator) -> None:
    seen: list[dict[str, Any]] = []
    session, out = session_for(emulator, "/group refuse\n", seen)

    assert session.run() == 1
    assert "Create group\n────────────\n✗ Only a workspace admin can create a group.\n" in (
        out.getvalue()
    )
    assert seen == []
    assert emulator.open_views(ALICE.user_id) == []


def test_only_a_modal_with_inputs_and_a_submit_button_is_a_form() -> None:
    # Slack refuses a view with inputs and no submit button; a notice has neither
    no_submit = {k: v for k, v in modal().items() if k != "submit"}
    assert fillable(modal())
    assert not fillable(no_submit)
    assert not fillable(notice("hi", submit=plain("OK")))


def test_blocks_below_the_last_input_are_printed_before_the_submit(
    emulator: SlackEmulator,
) -> None:
    session, out = session_for(emulator, "/group previewed\nSales\n@alice\n201\n", [])

    assert session.run() == 0
    text = out.getvalue()
    below = "[1] Distribute\n  Timeline preview\n    a ██░░\n"
    assert f"Extension: 201\n{below}" in text
    assert text.endswith(below)  # then the submit (accepted silently)
    assert emulator.open_views(ALICE.user_id) == []


# -- lines that are not answers ------------------------------------------------------------


def test_a_command_typed_in_a_form_closes_it_and_runs(emulator: SlackEmulator) -> None:
    seen: list[dict[str, Any]] = []
    session, out = session_for(emulator, "/group create\nSales\n/group hello\n", seen)

    assert session.run() == 1
    assert out.getvalue().endswith(
        "Members: /group hello\n"
        "✗ /group hello is a command, not an answer: modal closed unsent.\n"
        "groupbot> /group hello\n"
        "── groupbot\n"
        "hello @alice\n"
    )
    assert session.commands == 2
    assert session.failures == 1
    assert not [v for v in seen if "state" in v and "values" in v["state"]]  # not submitted
    assert emulator.open_views(ALICE.user_id) == []


def test_a_command_typed_at_a_confirmation_cancels_it_and_runs(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group buttons\n#2\n/group hello\n", [])

    assert session.run() == 1
    text = out.getvalue()
    assert "Delete (y) or Keep (n)? /group hello\n✗ /group hello is a command, not y or n" in text
    assert text.endswith("groupbot> /group hello\n── groupbot\nhello @alice\n")
    assert "deleted" not in text


@pytest.mark.parametrize("again", ["", "12"])
def test_piped_a_refused_answer_given_again_gives_the_form_up(
    emulator: SlackEmulator, again: str
) -> None:
    seen: list[dict[str, Any]] = []
    script = f"/group create\nSales\n@alice\n12\n{again}\n\n\n/group hello\n"
    session, out = session_for(emulator, script, seen)

    assert session.run() == 1
    text = out.getvalue()
    assert f"Extension [12]: {again}\n✗ The refused answers came back unchanged" in text
    assert text.endswith("groupbot> /group hello\n── groupbot\nhello @alice\n")
    submitted = [v for v in seen if v.get("callback_id") == "create" and "state" in v]
    assert len(submitted) == 1  # the same refused values were not sent again
    assert emulator.open_views(ALICE.user_id) == []
    assert session.failures == 1


def test_an_unknown_shell_command_fails_and_lists_the_shells_commands(
    emulator: SlackEmulator,
) -> None:
    session, out = session_for(emulator, "/run\n/hepl\n", [])

    assert session.run() == 1
    text = out.getvalue()
    assert "✗ /run is not a command here. To run a scheduled job: /jobs run <job>." in text
    listed = "/group, /as, /whoami, /home, /usergroup, /jobs, /help, /quit"
    assert f"The shell's commands: {listed};" in text
    assert "✗ /hepl is not a command here. Did you mean /help?" in text
    assert session.failures == 2


def test_an_unknown_mention_fails_without_reaching_the_app(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group echo add @zed and @bob, @yan.\n", [])

    assert session.run() == 1
    assert out.getvalue() == (
        "groupbot> /group echo add @zed and @bob, @yan.\n"
        "✗ No one called @zed or @yan in this workspace; the people are @alice, @bob.\n"
    )
    assert emulator.calls("views.open") == []
    assert not [m for m in emulator.workspace.messages]


def test_broadcast_mentions_are_escaped_as_slack_does() -> None:
    assert escape_mentions("hi @here and @channel.", (ALICE,)) == "hi <!here> and <!channel>."


# -- how an error reply is known ------------------------------------------------------------


def test_an_error_reply_is_the_one_that_carries_the_error_block(emulator: SlackEmulator) -> None:
    session, out = session_for(emulator, "/group marked\n", [])

    assert session.run() == 1
    assert "── groupbot\n✗ No group 'x'.\n" in out.getvalue()
    assert not is_error_message({"text": "report", "files": []})
    assert not is_error_message(msg("Created Sales."))
    assert is_error_message({"text": "x", "blocks": [{"type": "section", "block_id": ERROR_BLOCK}]})
