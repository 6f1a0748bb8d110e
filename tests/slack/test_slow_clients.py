"""``groupbot serve`` against clients that send a request's head and part of its body
(or part of the head), then nothing: the server keeps answering everyone else, and drops
them.

The real server (``groupbot serve`` in a subprocess, one worker, on 127.0.0.1) and real
sockets; every wait is bounded. The 2 s bounds are the task's (Slack gives an app 3 s).
"""

from __future__ import annotations

import json
import selectors
import socket
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bot.web import BODY_SECONDS, HEAD_SECONDS, MAX_BODY_BYTES
from slackemu.server import RESPONSE_URL
from tests.slack import live
from tests.slack.conftest import ADMIN, CHANNEL, SECRET, Slack

pytestmark = pytest.mark.slow

STALLED = 50
SLACK_SECONDS = 3.0  # on top of the body deadline: a loaded 2-core machine, a GC pause


@contextmanager
def groupbot_serve(slack: Slack, tmp_path: Path) -> Iterator[str]:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SLACK_BOT_TOKEN": "xoxb-e2e-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.emu.base_url,
        "PBX_EXPORT_DIR": str(tmp_path / "served"),
        "WEB_CONCURRENCY": "1",  # one worker: every stalled client lands on it
    }
    with live.groupbot_serve(env) as served:
        yield served.url


def stall(
    url: str,
    stack: ExitStack,
    declared: int = 1000,
    sent: bytes = b"x" * 10,
    *,
    mid_head: bool = False,
) -> socket.socket:
    """A connection that sent a whole head and ``sent`` of a ``declared``-byte body (or,
    ``mid_head``, part of the head) and stops."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    raw = stack.enter_context(socket.create_connection((host, int(port)), timeout=5))
    head = (
        "POST /slack/events HTTP/1.1\r\n"
        f"Host: {host}\r\nContent-Type: {live.FORM}\r\nContent-Length: {declared}\r\n"
    ).encode()
    raw.sendall(head if mid_head else head + b"\r\n" + sent)
    return raw


def closed_within(sockets: list[socket.socket], seconds: float) -> dict[socket.socket, bytes]:
    """What each socket received until the server closed it; those still open after
    ``seconds`` are left out."""
    received = {raw: b"" for raw in sockets}
    closed: dict[socket.socket, bytes] = {}
    with selectors.DefaultSelector() as selector:
        for raw in sockets:
            raw.setblocking(False)
            selector.register(raw, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while len(closed) < len(sockets) and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                raw = key.fileobj
                assert isinstance(raw, socket.socket)
                try:
                    data = raw.recv(4096)
                except ConnectionResetError:
                    data = b""
                if data:
                    received[raw] += data
                else:
                    closed[raw] = received[raw]
                    selector.unregister(raw)
    return closed


@pytest.mark.parametrize("mid_head", [False, True], ids=["mid-body", "mid-head"])
def test_health_and_commands_are_answered_while_clients_stall(
    slack: Slack, tmp_path: Path, mid_head: bool
) -> None:
    with groupbot_serve(slack, tmp_path) as url, ExitStack() as stack:
        stalled = [stall(url, stack, mid_head=mid_head) for _ in range(STALLED)]
        started = time.monotonic()

        health = live.get(url, "/healthz", timeout=5)
        assert (health.status, health.text) == (200, "ok\n")

        replies = slack.count(RESPONSE_URL)
        request = slack.driver.slash_command("help", user_id=ADMIN, channel_id=CHANNEL)
        answer = live.post(url, request.body.encode(), request.headers, timeout=5)
        assert answer.status == 200
        said = answer.json() if answer.body else slack.wait(RESPONSE_URL, replies)
        assert "/group" in json.dumps(said)

        # and every stalled client is let go once its head or body is overdue
        deadline = HEAD_SECONDS if mid_head else BODY_SECONDS
        closed = closed_within(stalled, deadline + SLACK_SECONDS)
        assert len(closed) == STALLED
        assert time.monotonic() - started > deadline - 1  # not at once: at the deadline
        answers = set(closed.values()) if mid_head else {d[:13] for d in closed.values()}
        assert answers == ({b""} if mid_head else {b"HTTP/1.1 408 "})


def test_a_body_shorter_than_its_content_length_is_dropped_at_the_deadline(
    slack: Slack, tmp_path: Path
) -> None:
    """A signed command whose Content-Length claims more than it sends: answered 408 and
    closed after the body deadline, never handed to the app."""
    with groupbot_serve(slack, tmp_path) as url, ExitStack() as stack:
        request = slack.driver.slash_command("help", user_id=ADMIN, channel_id=CHANNEL)
        body = request.body.encode()
        replies = slack.count(RESPONSE_URL)
        started = time.monotonic()
        raw = stall(url, stack, declared=len(body) + 100, sent=body)
        closed = closed_within([raw], BODY_SECONDS + SLACK_SECONDS)
        assert raw in closed, "the connection was still open after the body deadline"
        assert closed[raw].startswith(b"HTTP/1.1 408 ")
        assert BODY_SECONDS - 1 < time.monotonic() - started < BODY_SECONDS + SLACK_SECONDS
        assert slack.count(RESPONSE_URL) == replies


def test_an_oversized_content_length_is_refused_at_once(slack: Slack, tmp_path: Path) -> None:
    with groupbot_serve(slack, tmp_path) as url, ExitStack() as stack:
        raw = stall(url, stack, declared=MAX_BODY_BYTES + 1, sent=b"payload=")
        closed = closed_within([raw], 2)
        assert raw in closed
        assert closed[raw].startswith(b"HTTP/1.1 413 ")
        assert live.get(url, "/healthz").status == 200
