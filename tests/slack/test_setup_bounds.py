"""The Setup form refuses every value out of bounds under its own input, before it is
converted or stored: through the real app, on SQLite and PostgreSQL.

Slack's client keeps a number input within its min and max, but a request can say
anything: these submissions say it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import asgi_app, build_services, create_app
from bot.commands.ids import Action, Block
from bot.config import Settings
from slackemu.driver import Driver
from slackemu.server import SlackEmulator
from tests.db import *  # noqa: F403  (the backend and fresh_url fixtures)
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, PEOPLE, SECRET, TOKEN, Slack
from tests.slack.forge import chosen, forged_submission, typed

pytestmark = pytest.mark.slow

STORAGE = "The storage limit must be from 1 to 1,000,000 GB."


@pytest.fixture
def slack(tmp_path: Path, fresh_url: str) -> Iterator[Slack]:
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, (name, email) in PEOPLE.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=fresh_url,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
        )
        services = build_services(settings)
        with live.serve(asgi_app(create_app(settings, services), settings)) as url:
            yield Slack(emu, Driver(emu, SECRET), url, services, tmp_path, emu.identity.team_id)


def errors_of(slack: Slack, state: dict[str, Any]) -> dict[str, str]:
    view = slack.open_modal("setup")
    _, outcome = forged_submission(slack, view, ADMIN, extra_state=state)
    assert outcome.action == "errors", outcome
    assert outcome.problems == []
    return dict(outcome.errors)


def storage(value: str) -> dict[str, Any]:
    return typed(Block.STORAGE_LIMIT, Action.STORAGE_LIMIT, value, "number_input")


def percent(block: str, action: str, value: str) -> dict[str, Any]:
    return typed(block, action, value, "number_input")


def test_a_storage_limit_out_of_range_is_refused_under_its_input(slack: Slack) -> None:
    for limit in ("10000000000", "1000000.5", "0", "0.5", "1" + "0" * 5000, "-5"):
        assert errors_of(slack, storage(limit)) == {Block.STORAGE_LIMIT: STORAGE}, limit[:20]
    assert not slack.services.workspace(slack.team).configured


def test_a_storage_limit_that_is_no_number_is_refused_under_its_input(slack: Slack) -> None:
    for limit in ("1e400", "fifty", "50 GB", "5\x000", "٥٠"):
        assert errors_of(slack, storage(limit)) == {
            Block.STORAGE_LIMIT: "The storage limit must be a number of GB, like 50."
        }, limit


def test_thresholds_out_of_range_are_refused_each_under_its_own_input(slack: Slack) -> None:
    state = {
        **percent(Block.WARN, Action.WARN, "9" * 5000),
        **percent(Block.CRITICAL, Action.CRITICAL, "0"),
        **percent(Block.FULL, Action.FULL, "1001"),
    }
    assert errors_of(slack, state) == {
        Block.WARN: "The warn threshold must be a whole percentage from 1 to 1,000.",
        Block.CRITICAL: "The critical threshold must be a whole percentage from 1 to 1,000.",
        Block.FULL: "The full threshold must be a whole percentage from 1 to 1,000.",
    }
    unordered = {
        **percent(Block.WARN, Action.WARN, "96"),
        **percent(Block.CRITICAL, Action.CRITICAL, "95"),
    }
    assert errors_of(slack, unordered) == {Block.WARN: "Warn (96 %) must be below critical (95 %)."}


def test_a_time_zone_that_is_none_is_refused_under_its_input(slack: Slack) -> None:
    for zone in ("Mars/Base", "../../../etc/passwd", "UTC\x00", "x" * 300):
        errors = errors_of(slack, chosen(Block.TIME_ZONE, Action.TIME_ZONE, zone))
        assert list(errors) == [Block.TIME_ZONE]
        # no option Slack sends is 300 characters long: that one is refused as forged
        expected = "is not a time zone (like Europe/Paris)" if len(zone) < 150 else "malformed"
        assert expected in errors[Block.TIME_ZONE]


def test_a_channel_that_is_none_is_refused_under_its_input(slack: Slack) -> None:
    forged = {
        Block.ALERT_CHANNEL: {
            Action.ALERT_CHANNEL: {
                "type": "conversations_select",
                "selected_conversation": "C" + "0" * 5000,
            }
        }
    }
    assert errors_of(slack, forged) == {Block.ALERT_CHANNEL: "choose a channel for the alerts"}


def test_the_largest_limit_and_thresholds_are_saved(slack: Slack) -> None:
    view = slack.open_modal("setup")
    state = {
        **storage("1000000"),
        **percent(Block.WARN, Action.WARN, "999"),
        **percent(Block.CRITICAL, Action.CRITICAL, "1000"),
        **percent(Block.FULL, Action.FULL, "1000"),
    }
    _, outcome = forged_submission(slack, view, ADMIN, extra_state=state)
    assert outcome.action == "close"
    saved = slack.services.workspace(slack.team)
    assert saved.storage_limit_bytes == 10**15
    assert (saved.warn_percent, saved.critical_percent, saved.full_percent) == (999, 1000, 1000)
    again = slack.open_modal("setup")
    limit = next(b for b in again["blocks"] if b.get("block_id") == Block.STORAGE_LIMIT)
    assert limit["element"]["initial_value"] == "1000000"
    assert limit["element"]["max_value"] == "1000000"
