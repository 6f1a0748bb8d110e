"""A form saves only to the group it was opened for, and only numbers that can ring.

A form names its group by the group's PBX id (which no rename, renumbering or new group
on the old extension changes) and the version it showed: a form left open while its
group was deleted, replaced or moved to another extension is refused in the form, in
words that say what happened; its private_metadata, damaged or from an older groupbot,
is refused the same way, never with a traceback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.commands.ids import Action, Block, Callback
from bot.engine.documents import PbxIds
from bot.engine.model import Group, Member
from bot.services import Actor
from bot.storage.db import make_engine, make_session_factory
from bot.storage.repositories.groups import Groups
from slackemu.payloads import Context, fill_state, interaction_body, view_submission_payload
from tests.slack.conftest import ADMIN, CHANNEL, LEAD, LISTED_ADMIN, MEMBER, Slack, named
from tests.slack.shown import as_shown, shown

pytestmark = pytest.mark.slow


def erin(slack: Slack) -> Actor:
    """Another admin, acting while the form is open."""
    return Actor(slack.team, LISTED_ADMIN, is_admin=True)


def refusal(outcome: Any) -> str:
    """What the form shows under its inputs, as one text; the form stays open."""
    assert outcome.action == "errors", outcome
    return as_shown(" ".join(dict(outcome.errors).values()))


def members_of(slack: Slack, ref: str) -> list[str]:
    return [m.user_id for m in slack.group(ref).group.members]


def replace_support_by_billing(slack: Slack) -> None:
    """Erin deletes Support and creates Billing on its extension, 202."""
    slack.services.delete_group(erin(slack), "Support")
    slack.reply(f"create Billing 202 <@{MEMBER}|carol>")


# ---------------------------------------------------------------- a replaced group


def test_a_members_form_of_a_deleted_group_does_not_save_to_the_new_group_on_its_extension(
    slack: Slack,
) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("members Support")
    view = slack.press(view, Action.MEMBERS_SELECT, answer=named(ADMIN, LEAD))
    replace_support_by_billing(slack)
    billing_members = members_of(slack, "Billing")

    said = refusal(slack.submit(view)[1])

    assert f"Support was deleted by @{LISTED_ADMIN}" in said
    assert "202 is now the extension of Billing" in said
    assert "close this form" in said
    assert members_of(slack, "Billing") == billing_members
    assert slack.group("Billing").version == 1
    assert slack.emu.open_views(ADMIN)[-1]["id"] == view["id"]  # still open


def test_a_settings_form_of_a_deleted_group_does_not_rename_the_new_group_on_its_extension(
    slack: Slack,
) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")
    replace_support_by_billing(slack)

    said = refusal(slack.submit(view, {Block.NAME: "Help desk", Block.REPEATS: "4"})[1])

    assert f"Support was deleted by @{LISTED_ADMIN}" in said
    billing = slack.group("202")
    assert (billing.group.name, billing.group.repeats, billing.version) == ("Billing", 1, 1)


def test_a_features_form_does_not_save_to_the_group_that_moved_onto_its_extension(
    slack: Slack,
) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    slack.reply(f"create Sales 203 <@{LEAD}|bob>")
    slack.reply("repeats Support 2")  # Support at version 2 ...
    view = slack.open_modal("features Support")
    # ... then Erin moves Support to 205, and Sales (now at version 2 too) onto 202
    services = slack.services
    services.change_group(erin(slack), "Support", extension("205"))
    services.change_group(erin(slack), "Sales", extension("202"))
    sales, support = slack.group("Sales"), slack.group("Support")

    said = refusal(slack.submit(view, {Block.FORWARD: ["on"]})[1])

    assert "Support changed since this form opened (its extension is now 205)" in said
    assert f"changed by @{LISTED_ADMIN}" in said
    # the groups as they were (whether the PBX has taken Erin's changes yet is not the point)
    assert (slack.group("Sales").group, slack.group("Sales").version) == (sales.group, 2)
    assert (slack.group("Support").group, slack.group("Support").version) == (
        support.group,
        support.version,
    )
    assert not slack.group("Sales").group.features.allow_call_forward


def extension(number: str) -> Any:
    return lambda g, _d: g.model_copy(update={"extension": number})


def test_a_form_of_a_deleted_group_says_who_deleted_it(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("members Support")
    slack.services.delete_group(erin(slack), "Support")

    said = refusal(slack.submit(view)[1])

    assert said.startswith(f"Support was deleted by @{LISTED_ADMIN} at 20")
    assert said.endswith("; close this form.")
    assert "202 is now" not in said
    assert slack.services.list_groups(slack.team) == []


def test_a_renamed_group_form_says_what_it_is_called_now(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")
    slack.reply("rename Support Help desk", user=LISTED_ADMIN)

    said = refusal(slack.submit(view, {Block.REPEATS: "3"})[1])

    assert "Support changed since this form opened (it is now called Help desk)" in said
    assert slack.group("202").group.repeats == 1


def test_the_delete_form_of_a_replaced_group_does_not_delete_the_new_one(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    slack.reply("delete Support")  # the prompt with its Delete button
    message = slack.emu.messages_to(CHANNEL)[-1]
    slack.reply("repeats Support 2")  # changed since the prompt: the button opens the form
    button = next(
        e["action_id"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(Action.DELETE)
    )
    opened = slack.count("views.open")
    slack.send(slack.driver.press_in_message(message, button, user_id=ADMIN))
    slack.wait("views.open", opened)
    view = slack.emu.open_views(ADMIN)[-1]
    assert view["callback_id"] == Callback.DELETE
    replace_support_by_billing(slack)
    slack.reply("repeats Billing 2")  # Billing at the version the form showed, 2

    said = refusal(slack.submit(view, {Block.DELETE_CONFIRM: ["on"]})[1])

    assert f"Support was deleted by @{LISTED_ADMIN}" in said
    assert slack.group("Billing").group.repeats == 2  # still there


# ---------------------------------------------------------------- damaged forms


DAMAGED = "This form is out of date or damaged; close it and open it again from /group."


def submitted_with(slack: Slack, view: dict[str, Any], metadata: str) -> Any:
    """Submit ``view`` as a client would, but carrying ``metadata``."""
    me = slack.emu.identity
    tampered = {**view, "private_metadata": metadata}
    payload = view_submission_payload(
        Context(me.team_id, me.app_id, ADMIN, "alice"),
        tampered,
        fill_state(tampered, {Block.NAME: "Renamed"}),
        trigger_id=slack.emu.issue_trigger_id(ADMIN, str(view["id"])),
    )
    answer = slack.send(slack.driver.signer.sign(interaction_body(payload)))
    assert answer.status == 200, answer.text
    return slack.emu.resolve_submission(str(view["id"]), answer.text or None)


def metadata(**changed: Any) -> str:
    return json.dumps({"opener": ADMIN, "version": 1, "ref": "202", "name": "Support", **changed})


@pytest.mark.parametrize(
    "damaged",
    [
        "not json",
        "",
        "[]",
        "[" * 2999,  # nested deeper than Python's JSON reader goes
        json.dumps({"opener": 5}),
        metadata(version="1"),
        metadata(version=True),
        metadata(version=-1),
        metadata(version=2**63),
        '{"opener": "U0ALICE", "version": ' + "9" * 2000 + "}",  # more digits than int() takes
        metadata(pbx_group_id="a\u0000b"),
        metadata(pbx_group_id=["x"]),
        metadata(name="x" * 201),
        metadata(opener=None),
        metadata(),  # no PBX group id: a form from before groupbot named groups by it
    ],
)
def test_damaged_private_metadata_is_refused_in_plain_words(
    slack: Slack, damaged: str, caplog: pytest.LogCaptureFixture
) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")

    with caplog.at_level(logging.ERROR):
        outcome = submitted_with(slack, view, damaged)

    assert refusal(outcome) == DAMAGED
    assert slack.group("202").group.name == "Support"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_metadata_a_form_carries_saves_when_sent_back_as_is(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")

    outcome = submitted_with(slack, view, view["private_metadata"])

    assert outcome.action == "close"
    assert slack.group("202").group.name == "Renamed"


# ---------------------------------------------------------------- numbers that can ring

NEVER_RING = ["4155550123", "1234567", "+1234567890123456", "+0123456789"]


@pytest.mark.parametrize("number", NEVER_RING)
def test_a_typed_number_that_can_never_ring_is_refused(slack: Slack, number: str) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")

    said = shown(slack.reply(f"number Support add {number}"))

    assert f"{number} cannot be added" in said
    assert "extension of 3–6 digits" in said
    assert "E.164" in said
    assert slack.group("Support").group.numbers == ()


def test_typed_extensions_and_e164_numbers_are_added(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    assert "now answers" in shown(slack.reply("number Support add +14155550123"))
    assert "now answers" in shown(slack.reply("number Support add 2040"))
    group = slack.group("Support").group
    assert (group.extra_extensions, group.numbers) == (("2040",), ("+14155550123",))


@pytest.mark.parametrize("number", NEVER_RING)
def test_the_settings_form_refuses_a_number_that_can_never_ring_under_numbers(
    slack: Slack, number: str
) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")

    _, outcome = slack.submit(view, {Block.NUMBERS: f"+14155550100, {number}"})

    assert outcome.action == "errors", outcome
    assert list(outcome.errors) == [Block.NUMBERS]
    assert f"{number} cannot be added" in outcome.errors[Block.NUMBERS]
    assert slack.group("Support").group.numbers == ()


def test_the_settings_form_puts_a_bad_extension_under_extensions(slack: Slack) -> None:
    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("edit Support")

    _, outcome = slack.submit(view, {Block.EXTRA_EXTENSIONS: "1234567"})

    assert outcome.action == "errors", outcome
    assert list(outcome.errors) == [Block.EXTRA_EXTENSIONS]
    assert "3–6 digits" in outcome.errors[Block.EXTRA_EXTENSIONS]


def adopt(slack: Slack, tmp_path: Path, numbers: tuple[str, ...]) -> None:
    """Support as SmartPBX had it, numbers and all (how an adopted group is stored)."""
    alice = slack.services.pbx_user_for(slack.team, ADMIN, "alice@example.com")
    group = Group(
        name="Support", extension="202", numbers=numbers, members=(Member(user_id=alice),)
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'groupbot.db'}")
    try:
        with make_session_factory(engine)() as session:
            account = slack.services.options.default_account_id
            Groups(session).add(account, PbxIds.new(), group, by=ADMIN, now=datetime.now(UTC))
            session.commit()
    finally:
        engine.dispose()


def test_an_adopted_group_keeps_its_numbers_through_forms_and_commands(
    slack: Slack, tmp_path: Path
) -> None:
    adopt(slack, tmp_path, ("4155550123",))

    view = slack.open_modal("edit Support")
    _, outcome = slack.submit(view, {Block.NAME: "Help desk"})
    assert outcome.action == "close", outcome
    assert "now answers" in shown(slack.reply("number 202 add +14155550100"))
    assert slack.group("202").group.numbers == ("4155550123", "+14155550100")

    # removed, it comes back with an undo (the group had it) ...
    assert "no longer answers" in shown(slack.reply("number 202 remove 4155550123"))
    assert "Undid a change to Help desk: removed 4155550123" in shown(slack.reply("undo 202"))
    assert slack.group("202").group.numbers == ("4155550123", "+14155550100")
    # ... but typed in again, it is a new number like any other
    slack.reply("number 202 remove 4155550123")
    assert "4155550123 cannot be added" in shown(slack.reply("number 202 add 4155550123"))


def test_a_button_in_a_form_of_a_replaced_group_does_not_draw_the_new_group(
    slack: Slack,
) -> None:
    from tests.slack.test_malformed_payloads import told_after

    slack.reply(f"create Support 202 <@{ADMIN}|alice>")
    view = slack.open_modal("members Support")
    replace_support_by_billing(slack)
    since = len(slack.emu.calls())

    request = slack.driver.press_in_view(view["id"], Action.DISTRIBUTE, user_id=ADMIN)
    assert slack.send(request).status == 200

    assert f"Support was deleted by @{LISTED_ADMIN}" in as_shown(told_after(slack, since)[0])
    still = slack.emu.open_views(ADMIN)[-1]
    assert still["id"] == view["id"]
    assert "Billing" not in json.dumps(still)
