"""Pausing, resuming, joining and leaving from Slack, through the real app (the shell's
emulated chat): what each person reads, what the PBX is sent, and App Home's "My
groups". freezegun sets the clock (ticking, so the emulator's requests still age); the
demo people live in New York (the emulator's default Slack time zone)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import time

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from bot.engine.presence import to_gregorian
from bot.shell.main import SIGNING_SECRET
from bot.shell.render import Choice, render_message
from bot.shell.replies import Posted
from slackemu.payloads import Signer
from tests.commands.inprocess import InProcess, app, shown
from tests.db import backend, fresh_url
from tests.kazoo_schemas import validate_callflow

__all__ = ["app", "backend", "fresh_url"]  # the fixtures, used by name below

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 12:00 in New York


def who(app: InProcess, handle: str) -> str:
    return f"<@{app.person(handle).user_id}|{handle}>"


def lines(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(autouse=True)
def frozen() -> Iterator[FrozenDateTimeFactory]:
    """Before the app: Slack's request signatures are checked against this clock too."""
    with freeze_time(NOW, tick=True) as frozen:
        yield frozen


@pytest.fixture
def sales(app: InProcess) -> InProcess:
    # signed on the frozen clock, which Bolt checks the signatures against
    app.chat.signer = Signer(SIGNING_SECRET, clock=lambda: time.time())
    r = app.command(f"create Sales 201 {who(app, 'alice')} {who(app, 'bob')}")
    print(r)
    assert "Created Sales" in shown(r)
    return app


def test_probe(sales: InProcess) -> None:
    app = sales
    alice = app.person("alice")
    print(app.said("pause sales for 2h", user=alice))
    print(app.said("show sales", user=alice))
    print(app.said("simulate sales", user=alice))
    print(app.said("pause sales", user=app.person("bob")))
    print(app.said("history sales", user=alice))
    assert False
