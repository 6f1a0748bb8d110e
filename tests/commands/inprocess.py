"""The real groupbot app in process, as ``groupbot shell`` runs it: the Slack emulator, the
Bolt app built by ``bot.app``, the demo directory, and every request signed and dispatched
by the shell's ``EmulatedChat``; on SQLite, and on PostgreSQL when ``TEST_DATABASE_URL``
is set (``backend`` and ``fresh_url`` come from ``tests.db``).

No HTTP server: the cheapest path through everything the app itself does. Each command
runs in a thread of its own with a time bound, so a command that never ends fails its
test instead of hanging the suite.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from bot.app import build_services, create_app
from bot.config import Settings
from bot.services import Services
from bot.shell.chat import EmulatedChat
from bot.shell.main import ADMIN, BOT_TOKEN, CHANNEL, SIGNING_SECRET, people_of, shell_settings
from bot.shell.observe import Watch
from bot.shell.render import render_message
from bot.shell.replies import Reply
from bot.shell.text import Style
from bot.shell.workspace import Person
from slackemu.server import SlackEmulator

T = TypeVar("T")

BOUND = 10.0  # seconds a command may take before its test fails (the fuzz test asks less)


class StillRunning(AssertionError):
    pass


def bounded(work: Callable[[], T], seconds: float, what: str) -> tuple[T, float]:
    """``work()`` and how long it took, or StillRunning once ``seconds`` have passed (the
    thread is left behind: a daemon, so it cannot keep the test run alive)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the test below
            failure.append(error)

    started = time.monotonic()
    thread = threading.Thread(target=run, name=f"bounded {what[:40]}", daemon=True)
    thread.start()
    thread.join(seconds)
    took = time.monotonic() - started
    if thread.is_alive():
        raise StillRunning(f"{what!r} was still running after {seconds:.0f} s")
    if failure:
        raise failure[0]
    return outcome[0], took


@dataclass(repr=False)  # a failing example prints its fixture: keep that short
class InProcess:
    chat: EmulatedChat
    admin: Person
    people: list[Person]
    services: Services
    team: str
    took: list[float] = field(default_factory=list)

    def command(self, text: str, *, user: Person | None = None, bound: float = BOUND) -> Reply:
        """``/group text`` as ``user`` (the admin) types it; what came back."""
        reply, took = bounded(
            lambda: self.chat.command(user or self.admin, text), bound, f"/group {text}"
        )
        self.took.append(took)
        return reply

    def said(self, text: str, *, user: Person | None = None) -> str:
        """Everything the user reads after ``/group text``, as the shell prints it."""
        return shown(self.command(text, user=user))

    def person(self, handle: str) -> Person:
        return next(p for p in self.people if p.handle == handle)


def shown(reply: Reply) -> str:
    """The texts of every message the reply posted, as the shell renders them."""
    style = Style(ansi=False)
    return "\n".join(render_message(p.message, style).text for p in reply.posted)


@pytest.fixture
def app(fresh_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[InProcess]:
    caplog.set_level(logging.WARNING)
    base = Settings(database_url=fresh_url, pbx_export_dir=tmp_path / "callflows")
    settings = shell_settings(base)
    services = build_services(settings)
    with SlackEmulator(tokens=[BOT_TOKEN]) as emulator:
        team = emulator.identity.team_id
        services.ensure_directory(team)
        facts = {f.name: f for f in services.directory(team).users.values()}
        people = people_of(facts, taken=[ADMIN.handle])
        emulator.add_user(ADMIN.user_id, ADMIN.handle, "", is_admin=True, is_owner=True)
        for person in people:
            email = facts[person.real_name].email if person.real_name in facts else None
            emulator.add_user(
                person.user_id, person.handle, email or "", real_name=person.real_name
            )
        emulator.add_channel(CHANNEL.channel_id, CHANNEL.name)
        watch = Watch()
        bolt = create_app(
            settings.model_copy(update={"slack_api_url": emulator.base_url}),
            services,
            after_ack=watch.executor,
            witness=watch.witness,
        )
        chat = EmulatedChat(
            emulator,
            bolt,
            SIGNING_SECRET,
            people=(ADMIN, *people),
            channel=CHANNEL,
            files_dir=Path(tempfile.mkdtemp(dir=tmp_path)),
            watch=watch,
        )
        yield InProcess(chat, ADMIN, people, services, team)


def who(app: InProcess, handle: str) -> str:
    """A person of the workspace as Slack escapes a mention of them in a command."""
    return f"<@{app.person(handle).user_id}|{handle}>"


@pytest.fixture
def sales(app: InProcess) -> InProcess:
    """A workspace with one group, Sales (201), whose member is Alice."""
    assert "Created Sales" in app.said(f"create Sales 201 {who(app, 'alice')}")
    return app
