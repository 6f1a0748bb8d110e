"""End to end: Slack (the emulator) → HTTP → ``groupbot serve``'s front → SQLite + files.

Every request is signed like Slack's, posted over a real socket to the front
(``bot.web``) a real uvicorn server runs in a thread, and everything the app says back
goes to the emulator: replies to response_urls, modals, messages, uploads.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

from bot.app import asgi_app, build_services, create_app
from bot.config import Settings
from bot.services import Services
from slackemu.driver import Driver
from slackemu.payloads import SignedRequest
from slackemu.server import RESPONSE_URL, SlackEmulator
from tests.slack import live

SECRET = "e2e-signing-secret"
TOKEN = "xoxb-e2e-token"
CHANNEL = "C0GENERAL"
ADMIN = "U0ALICE"  # a workspace admin (users.info says so)
LEAD = "U0BOB"  # an ordinary member, lead of the groups they are made lead of
MEMBER = "U0CAROL"
OUTSIDER = "U0ZED"  # a Slack user with no PBX user
LISTED_ADMIN = "U0ERIN"  # an admin because GROUPBOT_ADMINS lists them

PEOPLE = {
    "U0ALICE": ("alice", "alice@example.com"),
    "U0BOB": ("bob", "bob@example.com"),
    "U0CAROL": ("carol", "carol@example.com"),
    "U0DANA": ("dana", "dana@example.com"),
    "U0ERIN": ("erin", "erin@example.com"),
    "U0ZED": ("zed", "zed@example.com"),
}
# sixteen more people, for the 16th member
EXTRA = {f"U0P{i:02d}": (f"person{i:02d}", f"person{i:02d}@example.com") for i in range(1, 17)}


def named(*users: str) -> list[str]:
    """The people as the Members form's select offers them: by their PBX directory name."""
    return [{**PEOPLE, **EXTRA}[user][0].title() for user in users]


def directory_yaml() -> str:
    users = [
        {"name": name.title(), "email": email, "extension": str(101 + i)}
        for i, (name, email) in enumerate(
            [v for k, v in {**PEOPLE, **EXTRA}.items() if k != OUTSIDER]
        )
    ]
    return json.dumps(
        {
            "users": users,
            "devices": [{"name": "Front desk phone", "owner": "alice@example.com"}],
            "voicemail_boxes": [{"name": "Sales voicemail", "mailbox": "300"}],
            "menus": [{"name": "Main menu"}],
            "media": [{"name": "Hold music"}],
        }
    )


@dataclass
class Slack:
    """The workspace, the server and the means to act in it as a user."""

    emu: SlackEmulator
    driver: Driver
    url: str
    services: Services
    export_dir: Path
    team: str
    app: App | None = None  # the Bolt app behind the server, for requests that bypass HTTP

    # -- sending ------------------------------------------------------------------
    def send(self, request: SignedRequest, extra: Mapping[str, str] | None = None) -> live.Reply:
        headers = {**request.headers, **(extra or {})}
        return live.post(self.url, request.body.encode(), headers)

    def command(self, text: str, *, user: str = ADMIN, channel: str = CHANNEL) -> live.Reply:
        return self.send(self.driver.slash_command(text, user_id=user, channel_id=channel))

    # -- what came back -------------------------------------------------------------
    def count(self, method: str) -> int:
        return len(self.emu.calls(method))

    def wait(self, method: str, after: int, timeout: float = 5.0) -> dict[str, Any]:
        """The args of the first ``method`` call beyond the first ``after``."""
        return self.emu.wait_for(method, after + 1, timeout)[after].args

    def reply(self, text: str, *, user: str = ADMIN, channel: str = CHANNEL) -> dict[str, Any]:
        """Run ``/group text``: the reply in the acknowledgement itself (a usage error),
        else what the app then posted to its response_url."""
        before = self.count(RESPONSE_URL)
        answer = self.command(text, user=user, channel=channel)
        assert answer.status == 200, answer.text
        if answer.body:
            said: dict[str, Any] = answer.json()
            return said
        return self.wait(RESPONSE_URL, before)

    def open_modal(self, text: str, *, user: str = ADMIN) -> dict[str, Any]:
        """Run a modal command; the view as it stands once the app filled it in."""
        before = self.count("views.update")
        answer = self.command(text, user=user)
        assert answer.status == 200, answer.text
        return self.filled(before, user)

    def filled(self, updates_before: int, user: str) -> dict[str, Any]:
        self.wait("views.update", updates_before)
        return self.emu.open_views(user)[-1]

    def submit(
        self,
        view: Mapping[str, Any],
        answers: Mapping[str, Any] | None = None,
        *,
        user: str = ADMIN,
    ) -> tuple[live.Reply, Any]:
        """Press Submit; the HTTP answer and what Slack made of it."""
        request = self.driver.submit(str(view["id"]), answers, user_id=user)
        answer = self.send(request)
        assert answer.status == 200, answer.text
        outcome = self.emu.resolve_submission(str(view["id"]), answer.text or None)
        return answer, outcome

    def press(
        self,
        view: Mapping[str, Any],
        action_id: str,
        *,
        user: str = ADMIN,
        answer: Any = None,
        answers: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Operate an element of an open view; the view after the app updated it."""
        before = self.count("views.update")
        if answer is not None:
            # Slack's client puts the new value in view.state too
            answers = {action_id: answer, **(answers or {})}
        request = self.driver.press_in_view(
            str(view["id"]), action_id, user_id=user, answer=answer, answers=answers
        )
        reply = self.send(request)
        assert reply.status == 200, reply.text
        self.wait("views.update", before)
        return self.emu.view(str(view["id"]))

    def pushed(self) -> None:
        pushed(self.services)

    def group(self, ref: str) -> Any:
        return self.services.get_group(self.team, ref)

    def documents(self, collection: str) -> list[Path]:
        folder = self.export_dir / collection
        return sorted(folder.glob("*.json")) if folder.exists() else []


def pushed(services: Services, timeout: float = 10.0) -> None:
    """Wait until the post-ack pushes have emptied the PBX outbox (each entry leaves it
    only once the PBX took it)."""
    deadline = time.monotonic() + timeout
    while services.pending_count():
        assert time.monotonic() < deadline, "the outbox was not pushed"
        time.sleep(0.02)


def settle(seconds: float = 0.3) -> None:
    """Let post-ack listener work finish before asserting that nothing happened."""
    time.sleep(seconds)


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[Slack]:
    with running(tmp_path, f"sqlite:///{tmp_path / 'groupbot.db'}") as workspace:
        yield workspace


@contextmanager
def running(tmp_path: Path, database_url: str) -> Iterator[Slack]:
    """The workspace, its server and its database (``tests.db.fresh_url`` for PostgreSQL)."""
    with SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, (name, email) in {**PEOPLE, **EXTRA}.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=database_url,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
            groupbot_admins=frozenset({LISTED_ADMIN}),
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        app = create_app(settings, services)
        with live.serve(asgi_app(app, settings)) as url:
            driver = Driver(emu, SECRET)
            yield Slack(emu, driver, url, services, settings.pbx_export_dir, team, app)
