"""HTTP mode as Slack meets it: signatures, health, odd requests, retries, App Home,
Web API retries, and the multi-workspace OAuth install."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest

from bot.app import asgi_app, build_services, create_app
from bot.config import Settings
from slackemu.driver import Driver
from slackemu.server import RESPONSE_URL, SlackEmulator
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, LEAD, MEMBER, SECRET, Slack, directory_yaml, settle

pytestmark = pytest.mark.slow


def test_healthz(slack: Slack) -> None:
    answer = live.get(slack.url, "/healthz")
    assert answer.status == 200
    assert answer.text == "ok\n"


def test_a_bad_signature_is_refused(slack: Slack) -> None:
    request = slack.driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL)
    forged = {**request.headers, "x-slack-signature": "v0=" + "0" * 64}
    answer = live.post(slack.url, request.body.encode(), forged)
    assert answer.status == 401
    signed_elsewhere = live.sign("another-secret", request.body.encode())
    answer = live.post(slack.url, request.body.encode(), {**request.headers, **signed_elsewhere})
    assert answer.status == 401
    settle()
    assert slack.emu.calls(RESPONSE_URL) == []


def test_a_stale_timestamp_is_refused(slack: Slack) -> None:
    body = slack.driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL).body.encode()
    stale = int(time.time()) - 301
    answer = live.signed_post(slack.url, SECRET, body, live.FORM, timestamp=stale)
    assert answer.status == 401


def _interaction(slack: Slack, *, from_message: bool) -> bytes:
    """A button press naming a user, and (pressed in a message) a response_url."""
    payload: dict[str, object] = {
        "type": "block_actions",
        "team": {"id": slack.team},
        "user": {"id": ADMIN, "team_id": slack.team},
        "api_app_id": "A0GROUPBOT",
        "trigger_id": slack.emu.issue_trigger_id(ADMIN),
        "actions": [{"action_id": "group_show", "block_id": "b", "type": "button", "value": "x"}],
    }
    if from_message:
        payload["channel"] = {"id": CHANNEL}
        payload["response_url"] = slack.emu.issue_response_url(CHANNEL, ADMIN)
    else:
        payload["view"] = {"id": "V0NONE", "type": "modal", "blocks": []}
    return b"payload=" + urllib.parse.quote(json.dumps(payload)).encode()


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1.5", None, "stale", " 1", "+1", "1_0", "\u0661\u0662"],
    ids=["letters", "empty", "decimal", "missing", "stale", "space", "plus", "underscore", "indic"],
)
def test_a_request_with_a_bad_timestamp_is_refused_and_not_acted_on(
    slack: Slack, timestamp: str | None
) -> None:
    """Whatever the timestamp header holds, an unverified request gets a 401 and nobody
    hears from the app: no reply to the response_url it names, no message to its user."""
    import socket

    now = int(time.time())
    stamp = str(now - 301) if timestamp == "stale" else timestamp
    command = slack.driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL).body.encode()
    requests = [
        (command, live.FORM),
        (_interaction(slack, from_message=True), live.FORM),
        (_interaction(slack, from_message=False), live.FORM),
    ]
    before = len(slack.emu.calls())
    host, port = urllib.parse.urlsplit(slack.url).netloc.split(":")
    for body, content_type in requests:
        # Signed with the right secret over the odd timestamp, as a forger would try.
        base = b"v0:" + (stamp or "").encode() + b":" + body
        digest = hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nX-Slack-Signature: v0={digest}\r\n"
            "Connection: close\r\n"
        ).encode()
        if stamp is not None:
            head += b"X-Slack-Request-Timestamp: " + stamp.encode() + b"\r\n"
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            raw.sendall(head + b"\r\n" + body)
            status_line = raw.makefile("rb").readline().decode()
        assert " 401 " in status_line, (stamp, body[:40], status_line)
    settle()
    assert [c.method for c in slack.emu.calls()[before:]] == []


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5"])
def test_the_app_itself_answers_no_one_for_an_unverified_request(
    slack: Slack, timestamp: str
) -> None:
    """Behind the HTTP front, the app holds the same line for requests that reach it
    another way (the shell, or a future adapter): Bolt's verifier raises on these
    timestamps, and the error path then answers no one the body names."""
    from slack_bolt import BoltRequest

    before = len(slack.emu.calls())
    for body in (_interaction(slack, from_message=True), _interaction(slack, from_message=False)):
        headers = {
            "content-type": live.FORM,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": "v0=" + "0" * 64,
        }
        response = slack.app.dispatch(BoltRequest(body=body.decode(), headers=headers))
        assert response.status == 401
    settle()
    assert [c.method for c in slack.emu.calls()[before:]] == []


def test_url_verification_echoes_the_challenge(slack: Slack) -> None:
    answer = slack.send(slack.driver.url_verification("abc123"))
    assert answer.status == 200
    assert answer.json() == {"challenge": "abc123"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot-json", live.FORM),  # interactivity payload that is not JSON
        (b"{not json", live.JSON),
        (b"payload=" + urllib.parse.quote('{"type": "block_actions"}').encode(), live.FORM),
        (b"\xff\xfe\x00garbage", live.FORM),
        (b"", live.FORM),
    ],
)
def test_malformed_payloads_are_answered_without_a_crash(
    slack: Slack, body: bytes, content_type: str
) -> None:
    answer = live.signed_post(slack.url, SECRET, body, content_type)
    assert answer.status in (200, 400, 404)
    assert live.get(slack.url, "/healthz").status == 200


def test_an_oversized_payload_is_refused_before_it_is_read(slack: Slack) -> None:
    import socket

    size = 2 << 20
    host, port = urllib.parse.urlsplit(slack.url).netloc.split(":")
    head = (
        "POST /slack/events HTTP/1.1\r\n"
        f"Host: {host}\r\nContent-Type: {live.FORM}\r\nContent-Length: {size}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(head.encode() + b"payload=")  # the body never comes: it is not waited for
        status_line = raw.makefile("rb").readline().decode()
    assert " 413 " in status_line
    assert live.get(slack.url, "/healthz").status == 200


@pytest.mark.parametrize("path", ["/healthz", "/nowhere", "/slack/install"])
def test_a_body_nobody_reads_does_not_keep_the_connection(slack: Slack, path: str) -> None:
    """A request answered without its body (health, not found) but sent with one that
    never ends: answered, and the connection closed, not left waiting on the rest."""
    import socket

    host, port = urllib.parse.urlsplit(slack.url).netloc.split(":")
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=3) as raw:
        raw.sendall(head.encode() + b"x" * 10)
        received = b""
        while chunk := raw.recv(4096):  # ends when the server closes; else times out
            received += chunk
    assert received.startswith((b"HTTP/1.1 200 ", b"HTTP/1.1 404 "))


def test_a_retried_request_is_not_applied_twice(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    request = slack.driver.slash_command(
        f"add Sales <@{LEAD}|bob>", user_id=ADMIN, channel_id=CHANNEL
    )
    replies = slack.count(RESPONSE_URL)
    first = slack.send(request)
    retry = slack.send(request, {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"})
    assert (first.status, retry.status) == (200, 200)
    assert retry.headers.get("x-slack-no-retry") == "1"
    slack.wait(RESPONSE_URL, replies)
    settle()
    assert len(slack.group("Sales").group.members) == 2
    assert slack.count(RESPONSE_URL) == replies + 1


def test_app_home_is_published_when_opened(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    for user, can_create in ((ADMIN, True), (MEMBER, False)):
        published = slack.count("views.publish")
        answer = slack.send(slack.driver.open_home(user))
        assert answer.status == 200
        call = slack.wait("views.publish", published)
        assert call["user_id"] == user
        home = slack.emu.home_view(user)
        assert home is not None
        shown = json.dumps(home, ensure_ascii=False)
        assert "Sales" in shown
        assert ("Create group" in shown) is can_create


def test_home_create_button_opens_the_create_modal(slack: Slack) -> None:
    published = slack.count("views.publish")
    slack.send(slack.driver.open_home(ADMIN))
    slack.wait("views.publish", published)
    home = slack.emu.home_view(ADMIN)
    assert home is not None
    updates = slack.count("views.update")
    slack.send(slack.driver.press_in_view(str(home["id"]), "group_create", user_id=ADMIN))
    view = slack.filled(updates, ADMIN)
    assert view["callback_id"] == "group_create"


def test_web_api_rate_limits_are_retried(slack: Slack) -> None:
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    slack.emu.fail_next("views.open", "ratelimited", retry_after=1)
    view = slack.open_modal("edit Sales")
    assert view["callback_id"] == "group_settings"
    statuses = [c.status for c in slack.emu.calls("views.open")]
    assert statuses[-2:] == [429, 200]


def test_modals_open_before_slow_work(slack: Slack) -> None:
    """views.open is the first Web API call after a modal command: no users.info, no
    database read stands between the trigger_id and its exchange."""
    slack.reply(f"create Sales 201 <@{ADMIN}|alice>")
    slack.emu.reset()
    slack.open_modal("members Sales")
    methods = [c.method for c in slack.emu.calls() if c.method != RESPONSE_URL]
    assert methods[0] == "views.open"


# ---------------------------------------------------------------- OAuth


def test_multi_workspace_install_then_a_command(tmp_path: Path) -> None:
    with SlackEmulator() as emu:
        emu.add_user(ADMIN, "alice", "alice@example.com", is_admin=True)
        emu.add_channel(CHANNEL, "general")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_signing_secret=SECRET,
            slack_client_id="0000000000.0000000000",
            slack_client_secret="emulator-client-secret",
            slack_state_secret="state-secret",
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
        )
        services = build_services(settings)
        services.import_directory(emu.identity.team_id, directory_yaml())
        with live.serve(asgi_app(create_app(settings, services), settings)) as url:
            page = live.get(url, "/slack/install")
            assert page.status == 200
            cookie = page.headers["set-cookie"].split(";", 1)[0]
            state = re.search(r"state=([^&\"']+)", page.text)
            assert state is not None
            code = emu.issue_oauth_code(ADMIN)
            query = urllib.parse.urlencode({"code": code, "state": state.group(1)})
            done = live.get(url, f"/slack/oauth_redirect?{query}", headers={"cookie": cookie})
            assert done.status == 200, done.text
            assert emu.calls("oauth.v2.access")

            driver = Driver(emu, SECRET)
            request = driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL)
            answer = live.post(url, request.body.encode(), request.headers)
            assert answer.status == 200
            reply = emu.wait_for(RESPONSE_URL)[0].args
            assert "ring group" in json.dumps(reply)
            # the installation's own token was used, not a configured one
            token = emu.last("users.info").headers.get("authorization", "")
            assert token.startswith("Bearer xoxb-")


# ---------------------------------------------------------------- the production server


def test_groupbot_serve_answers_and_stops_on_sigterm(slack: Slack, tmp_path: Path) -> None:
    """``groupbot serve`` (the Procfile's web): gunicorn's uvicorn workers answering
    /healthz and signed commands, stopped by SIGTERM."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SLACK_BOT_TOKEN": "xoxb-e2e-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.emu.base_url,
        "PBX_EXPORT_DIR": str(tmp_path / "served"),
        "WEB_CONCURRENCY": "1",
    }
    with live.groupbot_serve(env) as served:
        replies = slack.count(RESPONSE_URL)
        request = slack.driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL)
        answer = live.post(served.url, request.body.encode(), request.headers)
        assert answer.status == 200
        assert "ring group" in json.dumps(slack.wait(RESPONSE_URL, replies))
        forged = {**request.headers, "x-slack-signature": "v0=" + "0" * 64}
        assert live.post(served.url, request.body.encode(), forged).status == 401
    assert served.process.returncode == 0


def test_groupbot_serve_with_several_workers_starts_on_a_new_sqlite_file(
    slack: Slack, tmp_path: Path
) -> None:
    """Each worker builds its services after the fork; the new database is made once,
    before it, so no worker races another to make it."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "SLACK_BOT_TOKEN": "xoxb-e2e-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.emu.base_url,
        "PBX_EXPORT_DIR": str(tmp_path / "served"),
        "WEB_CONCURRENCY": "3",
    }
    with live.groupbot_serve(env) as served:
        for _ in range(6):  # spread over the workers
            request = slack.driver.slash_command("list", user_id=ADMIN, channel_id=CHANNEL)
            assert live.post(served.url, request.body.encode(), request.headers).status == 200
        assert served.process.poll() is None
    assert served.process.returncode == 0
