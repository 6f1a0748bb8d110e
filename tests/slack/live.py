"""``groupbot serve``'s front served for real on 127.0.0.1 in a thread, and signed
requests to it.

This is what ``groupbot serve`` runs in each gunicorn worker, minus gunicorn: uvicorn
with ``bot.web.uvicorn_options()`` serving ``bot.web.SlackFront`` on a loopback port.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from bot.web import SlackFront, uvicorn_options


@contextmanager
def serve(front: SlackFront) -> Iterator[str]:
    """Serve ``front`` on a free loopback port; yields its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(front, log_level="warning", access_log=False, **uvicorn_options())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def groupbot_serve(env: Mapping[str, str], timeout: float = 30.0) -> Iterator[Served]:
    """``groupbot serve --host 127.0.0.1`` in a subprocess on a free port, with ``env``
    added to ours; stopped by SIGTERM on leaving (its exit status is in ``process``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if get(url, "/healthz", timeout=1).status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, "groupbot serve exited"
            assert time.monotonic() < deadline, "groupbot serve did not answer /healthz"
            time.sleep(0.2)
        yield Served(url, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds to every request it sends."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


def post(
    base_url: str,
    body: bytes,
    headers: Mapping[str, str],
    path: str = "/slack/events",
    timeout: float = 10.0,
) -> Reply:
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers=dict(headers))
        response = connection.getresponse()
        data = response.read()
        return Reply(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            data,
            time.perf_counter() - started,
        )
    finally:
        connection.close()


def get(
    base_url: str, path: str, timeout: float = 10.0, headers: Mapping[str, str] | None = None
) -> Reply:
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        return Reply(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            data,
            time.perf_counter() - started,
        )
    finally:
        connection.close()


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signed_post(
    base_url: str,
    secret: str,
    body: bytes,
    content_type: str,
    *,
    timestamp: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> Reply:
    headers = {"content-type": content_type, **sign(secret, body, timestamp), **(extra or {})}
    return post(base_url, body, headers)
