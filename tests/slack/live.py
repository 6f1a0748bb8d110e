"""A WSGI app served for real on 127.0.0.1 in a thread, and signed requests to it.

This is what ``groupbot serve`` runs under gunicorn, minus gunicorn: the same
``bot.app.wsgi_app`` answering real HTTP on a loopback port.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(app: WSGIApplication) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="wsgi", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


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
