"""Slack → groupbot → Kazoo (the crossbar emulator): a save is acknowledged before the PBX
hears of it, then pushed; a refusal reaches the user who made the change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import asgi_app, build_services, create_app
from bot.commands.ids import Action, Block, Callback
from bot.config import Settings
from slackemu.driver import Driver
from slackemu.server import RESPONSE_URL, SlackEmulator
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import seed_account
from tests.shared_files import shared_dir
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, EXTRA, LEAD, PEOPLE, SECRET, TOKEN, Slack
from tests.slack.shown import text_of


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=shared_dir() is not None) as emulator:
        seed_account(emulator)
        yield emulator


@pytest.fixture
def slack(tmp_path: Path, crossbar: CrossbarEmulator) -> Iterator[Slack]:
    """``slack`` of conftest with PBX_BACKEND=kazoo: the directory read from the PBX."""
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, (name, email) in {**PEOPLE, **EXTRA}.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_backend="kazoo",
            kazoo_url=crossbar.url,
            kazoo_api_key=crossbar.api_key,
            kazoo_account_id=crossbar.account_id,
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.sync_directory(team)
        app = create_app(settings, services)
        with live.serve(asgi_app(app, settings)) as url:
            driver = Driver(emu, SECRET)
            yield Slack(emu, driver, url, services, tmp_path, team, app)


def on_pbx(slack: Slack, crossbar: CrossbarEmulator, name: str) -> bool:
    view = slack.group(name)
    documents = slack.services.compiled(slack.team, name)
    groups, callflows = crossbar.documents("groups"), crossbar.documents("callflows")
    return (
        groups.get(view.pbx.group_id) == documents.group
        and callflows.get(view.pbx.base_callflow_id) == documents.base_callflow
        and callflows.get(view.pbx.user_callflow_id) == documents.user_callflow
    )


def test_a_group_made_in_slack_is_on_the_pbx_exactly_as_compiled(
    slack: Slack, crossbar: CrossbarEmulator
) -> None:
    said = text_of(slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>"))
    assert "Created Sales" in said

    slack.pushed()
    assert on_pbx(slack, crossbar, "Sales")
    assert crossbar.count("POST") == 0  # three creates, nothing tried twice
    assert not slack.group("Sales").pbx_pending


def test_the_members_modal_is_acknowledged_before_any_pbx_request(
    slack: Slack, crossbar: CrossbarEmulator
) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice> <@{LEAD}|bob>")
    slack.pushed()
    view = slack.open_modal("members Sales")
    assert view["callback_id"] == Callback.MEMBERS
    view = slack.press(view, Action.DISTRIBUTE, answers={Block.WINDOW: "90"})
    held = crossbar.hold(method="POST")  # the PBX takes no write until released
    writes = len(crossbar.writes)

    _, outcome = slack.submit(view)

    # Slack has its answer while the PBX has not seen a single write of this save
    assert outcome.action == "close"
    assert len(crossbar.writes) == writes
    assert slack.group("Sales").pbx_pending
    held.released.set()
    slack.pushed()
    assert on_pbx(slack, crossbar, "Sales")


def test_a_number_taken_on_the_pbx_is_told_to_the_user_and_shown_on_the_group(
    slack: Slack, crossbar: CrossbarEmulator
) -> None:
    crossbar.seed(
        "callflows", {"name": "Front desk", "numbers": ["201"], "flow": {"module": "user"}}
    )
    before = slack.count(RESPONSE_URL)
    assert "Created Sales" in text_of(slack.reply(f"create Sales 201 <@{ADMIN}|alice>"))

    # then, under the command, once the PBX has answered
    told = text_of(slack.wait(RESPONSE_URL, before + 1))
    assert "The PBX refused the change to Sales" in told
    assert "201 is already used on the PBX by callflow Front desk" in told
    shown = text_of(slack.reply("show Sales"))
    assert "the PBX has not taken this version yet" in shown
    assert "201 is already used on the PBX by callflow Front desk" in shown
    assert "201 is already used on the PBX" in text_of(slack.reply("list"))


def test_group_sync_pushes_for_admins_and_lists_with_dry_run(
    slack: Slack, crossbar: CrossbarEmulator
) -> None:
    crossbar.down()
    before = slack.count(RESPONSE_URL)
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    told = text_of(slack.wait(RESPONSE_URL, before + 1))  # after the answer: the PBX is down
    assert "The PBX has not taken the change to Sales yet" in told
    assert "Only workspace admins" in text_of(slack.reply("sync", user=LEAD))
    listed = text_of(slack.reply("sync --dry-run"))
    assert "Sales: write groups/" in listed
    assert "The PBX has not taken Sales" in text_of(slack.reply("sync"))
    crossbar.up()

    said = text_of(slack.reply("sync"))

    assert "Pushed 1 group to the PBX (3 document writes): Sales" in said
    assert on_pbx(slack, crossbar, "Sales")
