"""The HTTP side of the emulator: a threaded stdlib server handing each request to a
callback, and the decoding of bodies the way slack_sdk encodes them."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

# Arguments slack_sdk sends JSON-encoded inside form bodies.
_JSON_ARGS = ("view", "blocks", "attachments", "files", "metadata")


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] | None = None


# (path with query, lower-cased headers, raw body) -> the reply, or None to hang up
Serve = Callable[[str, dict[str, str], bytes], Reply | None]


class HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], serve: Serve) -> None:
        super().__init__(address, _Handler)
        self.serve = serve


class _Handler(BaseHTTPRequestHandler):
    server: HttpServer

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {key.lower(): value for key, value in self.headers.items()}
        reply = self.server.serve(self.path, headers, raw)
        if reply is None:
            # Hang up without a status line: urllib raises RemoteDisconnected, which is
            # what slack_sdk's ConnectionErrorRetryHandler is there for.
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests and the shell have no use for an access log on stderr


def decode_args(headers: Mapping[str, str], raw: bytes, query: str) -> dict[str, Any]:
    """Arguments as slack_sdk sends them: JSON, or a form with JSON-encoded fields."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if "json" in headers.get("content-type", ""):
        args.update(decode_json(raw))
    elif raw:
        args.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str):
            # Undecodable text stays as it is: the method's validation reports it.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


def decode_json(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def json_reply(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Reply:
    return Reply(status, json.dumps(body).encode(), headers=headers)
