"""End to end over Socket Mode: the emulator's WebSocket → ``groupbot socket``'s handler
(slack_sdk's built-in client, as ``cli_socket`` builds it) → SQLite + the PBX files.

The app opens its connection with apps.connections.open and an ``xapp-`` token; the
emulator pushes slash-command envelopes, the app acks each on the socket, and its reply
goes to the response_url as over HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_services, build_socket_handler
from bot.config import Settings
from bot.services import Services
from slackemu.driver import Driver
from slackemu.server import RESPONSE_URL, SlackEmulator
from tests.slack.conftest import ADMIN, CHANNEL, EXTRA, LEAD, PEOPLE, SECRET, TOKEN, directory_yaml
from tests.slack.shown import mention, text_of

pytestmark = pytest.mark.slow

APP_TOKEN = "xapp-1-A0GROUPBOT-1-e2e"


@dataclass
class Socket:
    emu: SlackEmulator
    driver: Driver
    handler: SocketModeHandler
    services: Services
    team: str

    def command(self, text: str, *, user: str = ADMIN) -> tuple[dict[str, Any], dict[str, Any]]:
        """Push ``/group text`` as a slash_commands envelope; the app's ack, and its reply:
        the ack's payload if it carries one, else what the app posted to the response_url."""
        request = self.driver.slash_command(text, user_id=user, channel_id=CHANNEL)
        payload = dict(parse_qsl(request.body, keep_blank_values=True))
        before = len(self.emu.calls(RESPONSE_URL))
        envelope_id = self.emu.socket_mode.push("slash_commands", payload)
        ack = self.emu.socket_mode.wait_ack(envelope_id)
        assert ack["envelope_id"] == envelope_id
        if ack.get("payload"):
            return ack, dict(ack["payload"])
        posted = self.emu.wait_for(RESPONSE_URL, before + 1, timeout=5.0)[before]
        assert posted.status == 200
        return ack, dict(posted.args)


@pytest.fixture
def socket_app(tmp_path: Path) -> Iterator[Socket]:
    with SlackEmulator(tokens=[TOKEN]) as emu:
        emu.add_token(APP_TOKEN, ["connections:write"])
        for user_id, (name, email) in {**PEOPLE, **EXTRA}.items():
            emu.add_user(user_id, name, email, is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_bot_token=TOKEN,
            slack_app_token=APP_TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        handler = build_socket_handler(settings, services)
        handler.connect()  # type: ignore[no-untyped-call]
        try:
            emu.socket_mode.wait_connected()
            yield Socket(emu, Driver(emu, SECRET), handler, services, team)
        finally:
            handler.close()  # type: ignore[no-untyped-call]


def test_the_app_connects_with_its_app_token(socket_app: Socket) -> None:
    opened = socket_app.emu.last("apps.connections.open")
    assert opened.status == 200
    assert opened.headers.get("authorization") == f"Bearer {APP_TOKEN}"
    assert str(opened.response["url"]).startswith("ws://127.0.0.1:")


def test_slash_commands_over_the_socket(socket_app: Socket) -> None:
    _, listed = socket_app.command("list")
    assert "Sales" not in text_of(listed)

    _, created = socket_app.command(f"create Sales 201 {mention(ADMIN)} {mention(LEAD)}")
    assert "Created Sales" in text_of(created)
    assert socket_app.services.get_group(socket_app.team, "Sales").extension == "201"

    _, listed = socket_app.command("list")
    assert "Sales" in text_of(listed)
    assert "201" in text_of(listed)


def test_a_connection_url_is_good_once(socket_app: Socket) -> None:
    import socket as sockets

    url = str(socket_app.emu.last("apps.connections.open").response["url"])
    host, _, rest = url[len("ws://") :].partition(":")
    port, _, path = rest.partition("/")
    with sockets.create_connection((host, int(port)), timeout=5) as again:
        again.sendall(
            f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        assert again.recv(64).startswith(b"HTTP/1.1 403")


def test_a_bot_token_cannot_open_a_connection(socket_app: Socket) -> None:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=TOKEN, base_url=socket_app.emu.base_url)
    with pytest.raises(SlackApiError) as refused:
        client.apps_connections_open(app_token=TOKEN)
    assert refused.value.response["error"] == "missing_scope"


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("interactive", {"type": "block_actions", "actions": {}}),
        ("interactive", {"type": "block_actions", "actions": [{"action_id": 5}]}),
        ("interactive", {"type": "view_submission", "view": "members"}),
        ("events_api", {"type": "event_callback", "event": "type"}),
    ],
)
def test_a_payload_bolt_cannot_read_is_acknowledged_over_the_socket(
    socket_app: Socket, caplog: pytest.LogCaptureFixture, kind: str, payload: dict[str, Any]
) -> None:
    """Bolt's dispatch raised on these shapes, so the envelope was never acknowledged."""
    caplog.set_level(logging.WARNING)
    ctx = socket_app.driver._context(ADMIN)
    named = {"user": ctx.user(), "team": ctx.team(), "api_app_id": ctx.api_app_id, **payload}
    envelope_id = socket_app.emu.socket_mode.push(kind, named)
    ack = socket_app.emu.socket_mode.wait_ack(envelope_id)
    assert ack["envelope_id"] == envelope_id
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
