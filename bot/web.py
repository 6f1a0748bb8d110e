"""The HTTP side of ``groupbot serve``: a small ASGI front before the Bolt app, under
uvicorn workers that gunicorn manages (docs/server.md says why).

The front answers ``/healthz`` itself, reads a request body on the event loop with a
deadline and a size bound (``HeadDeadlineProtocol`` gives the head a deadline too),
checks Slack's signature on the body it read, and only then hands the request to the
synchronous Bolt app on a bounded pool of threads. So a client that stalls costs a
socket and a few kilobytes, never a thread, and nothing of ours reads a body whose
signature did not hold. The OAuth pages (``/slack/install`` and
``/slack/oauth_redirect``) are GETs Slack does not sign; they go to Bolt's OAuth flow.
``/recordings/…`` is groupbot's recording endpoint (``bot.recording_endpoint``), off
(404) without GROUPBOT_PUBLIC_URL.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import h11
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.recording_endpoint import RecordingEndpoint

log = logging.getLogger("groupbot.web")

Scope = Mapping[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
RECORDINGS_PATH = "/recordings/"
# Slack's payloads are small (a full 100-block modal is well under 250 kB); refuse more.
MAX_BODY_BYTES = 1 << 20
# Slack sends a whole payload in one go, in milliseconds; a body still incomplete after
# this long is a stalled or hostile client, and waiting on it would only hold a socket.
BODY_SECONDS = 5.0
# A request's head (request line and headers) arrives in one packet from Slack; one not
# complete this long after the connection opened, or after its first byte, is dropped.
HEAD_SECONDS = 5.0
# Idle time allowed between two requests on one connection (uvicorn's and gunicorn's
# default).
KEEP_ALIVE_SECONDS = 5
# Threads per worker that run Bolt's dispatch: the acknowledgement of each request (the
# work after it has a pool of its own, ``bot.app.LISTENER_THREADS``). Acks take
# milliseconds, so a few threads keep up with far more requests than Slack sends us.
REQUEST_THREADS = int(os.environ.get("GROUPBOT_REQUEST_THREADS", "8"))


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class SlackFront:
    """The ASGI app: ``/healthz``, the OAuth pages, and signed POSTs to ``/slack/events``."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        *,
        threads: int = REQUEST_THREADS,
        body_seconds: float = BODY_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
        recordings: RecordingEndpoint | None = None,
    ) -> None:
        self.app = app
        self.recordings = recordings
        self.verifier = SignatureVerifier(signing_secret)
        self.body_seconds = body_seconds
        self.max_body_bytes = max_body_bytes
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="request")
        flow = app.oauth_flow
        self.oauth: dict[str, Callable[[BoltRequest], BoltResponse]] = (
            {
                flow.install_path: flow.handle_installation,
                flow.redirect_uri_path: flow.handle_callback,
            }
            if flow is not None
            else {}
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # uvicorn has let the requests in progress finish; their threads are idle
                self.pool.shutdown(wait=True)
                if self.recordings is not None:
                    self.recordings.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        headers = _headers(scope)
        # Answered without reading the body: a body sent anyway closes the connection
        # (else uvicorn would wait on the rest of it with no deadline).
        unread = "content-length" in headers or "transfer-encoding" in headers
        if path == HEALTH_PATH:
            return await _plain(send, 200, "ok\n", close=unread)
        if path.startswith(RECORDINGS_PATH):
            if self.recordings is None:  # GROUPBOT_PUBLIC_URL unset: no endpoint
                return await _plain(send, 404, "not found\n", close=unread)
            return await self.recordings(scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        if method == "GET" and path in self.oauth:
            handle = self.oauth[path]
            page = await self._in_pool(
                lambda: handle(BoltRequest(body="", query=query, headers=headers))
            )
            return await _bolt(send, page, close=unread)
        if method != "POST" or path != EVENTS_PATH:
            return await _plain(send, 404, "not found\n", close=unread)

        declared = _content_length(headers)
        if declared is None:
            return await _plain(send, 400, "bad content-length\n", close=True)
        if declared > self.max_body_bytes:
            # answered before a byte of the body is read; the connection goes with it
            return await _plain(send, 413, "request too large\n", close=True)
        try:
            async with asyncio.timeout(self.body_seconds):
                body = await self._read_body(receive)
        except TimeoutError:
            log.info("dropped a request whose body took over %.0f s", self.body_seconds)
            return await _plain(send, 408, "request body too slow\n", close=True)
        except BodyTooLarge:
            return await _plain(send, 413, "request too large\n", close=True)
        except ClientGone:
            return None

        try:
            # Slack sends UTF-8; slack_sdk's verifier and Bolt both work on the text
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return await _plain(send, 400, "unreadable request\n")
        if not self._signed(text, headers):
            return await _plain(send, 401, "invalid request\n")

        def dispatch() -> BoltResponse:
            return self.app.dispatch(BoltRequest(body=text, query=query, headers=headers))

        try:
            response = await self._in_pool(dispatch)
        except Exception:
            # BoltRequest parses the body before any listener runs; a payload it cannot
            # parse at all (signed, so ours to answer) gets a 400, not a worker's crash.
            log.warning("unreadable request to %s", path, exc_info=True)
            return await _plain(send, 400, "unreadable request\n")
        return await _bolt(send, response)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # a chunked body has no Content-Length to refuse
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _signed(self, body: str, headers: Mapping[str, str | Sequence[str]]) -> bool:
        """Slack's v0 signature over exactly this body, from the last 5 minutes.

        slack_sdk's verifier raises on a timestamp ``int()`` cannot read and accepts what
        it can (" 1", "+1", "1_0", other scripts' digits); Slack sends ASCII digits only.
        """
        timestamp = _one(headers, "x-slack-request-timestamp")
        signature = _one(headers, "x-slack-signature")
        if timestamp is None or signature is None:
            return False
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
            return False
        # compares in constant time (hmac.compare_digest) and checks the 5-minute window
        return self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)

    async def _in_pool(self, call: Callable[[], BoltResponse]) -> BoltResponse:
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)


def _headers(scope: Scope) -> dict[str, str | Sequence[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in scope.get("headers", ()):
        headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return dict(headers)


def _one(headers: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if isinstance(values, list) and len(values) == 1 else None


def _content_length(headers: Mapping[str, str | Sequence[str]]) -> int | None:
    """The declared length (0 when absent: a chunked body is bounded as it is read)."""
    if "content-length" not in headers:
        return 0
    value = _one(headers, "content-length")
    if value is None or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


async def _plain(send: Send, status: int, text: str, *, close: bool = False) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await _send(send, status, headers, text.encode(), close)


async def _bolt(send: Send, response: BoltResponse, *, close: bool = False) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, values in response.headers.items()
        if name.lower() not in ("content-length", "connection")
        for value in values
    ]
    await _send(send, response.status, headers, response.body.encode("utf-8"), close)


async def _send(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes, close: bool
) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    if close:
        # the body was not (all) read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# ---- the server ---------------------------------------------------------------------


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, and a deadline on each request's head.

    uvicorn closes a connection idle between requests (``timeout_keep_alive``) but waits
    for a head that has started, or for the first byte of a new connection, forever. A
    connection whose client is due a head (h11's IDLE) and has not finished it within
    ``HEAD_SECONDS`` is closed. Body deadlines are ``SlackFront``'s.
    """

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_overdue)
        elif not waiting and self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def uvicorn_options() -> dict[str, Any]:
    """How uvicorn runs the front, in ``groupbot serve``'s workers and in the tests alike."""
    return {
        "loop": "asyncio",
        # h11 (pure Python) bounds a request's head to 16 kB; httptools, uvicorn's faster
        # choice, took a 190 MB header line into memory (docs/server.md)
        "http": HeadDeadlineProtocol,
        "ws": "none",
        "lifespan": "on",
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "server_header": False,
    }


def serve_options(settings: Settings, host: str) -> dict[str, Any]:
    """gunicorn's settings: it manages the processes, uvicorn serves in each."""
    from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped]

    class Worker(UvicornWorker):  # type: ignore[misc]
        CONFIG_KWARGS = uvicorn_options()

    return {
        "bind": f"{host}:{settings.port}",
        "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
        "worker_class": Worker,
        # the event loop reports to gunicorn; one blocked this long is restarted
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": KEEP_ALIVE_SECONDS,
        "accesslog": "-",
    }


def serve(settings: Settings, host: str, build: Callable[[], SlackFront]) -> None:
    """Run ``groupbot serve`` until SIGTERM; ``build`` runs in each worker, after the fork."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in serve_options(settings, host).items():
                self.cfg.set(key, value)

        def load(self) -> SlackFront:
            return build()

    Server().run()
