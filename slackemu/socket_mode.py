"""The WebSocket side of Socket Mode, as Slack runs it, for ``groupbot socket`` tests.

``apps.connections.open`` hands out a one-off ``ws://127.0.0.1:<port>/link/?ticket=…``
URL (``issue_url``). A client that opens it gets the RFC 6455 handshake, then a
``hello``; ``push`` sends it an envelope (``slash_commands``, ``interactive``,
``events_api``) and ``wait_ack`` returns the app's acknowledgement of it. Pings are
answered with pongs. Stdlib only: text frames, masked client frames, no extensions,
no fragmentation from the server (clients' continuation frames are joined).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
MAX_FRAME = 1 << 20


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def frame(opcode: int, payload: bytes) -> bytes:
    """An unmasked, final server frame."""
    head = bytes([0x80 | opcode])
    if len(payload) <= 125:
        head += bytes([len(payload)])
    elif len(payload) <= 0xFFFF:
        head += struct.pack("!BH", 126, len(payload))
    else:
        head += struct.pack("!BQ", 127, len(payload))
    return head + payload


class _Closed(Exception):
    pass


class _Connection:
    def __init__(self, sock: socket.socket, server: SocketModeServer) -> None:
        self.sock = sock
        self.server = server
        self.send_lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, payload: bytes) -> None:
        with self.send_lock:
            self.sock.sendall(frame(opcode, payload))

    def send_json(self, message: Mapping[str, Any]) -> None:
        self.send(OP_TEXT, json.dumps(message).encode())

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise _Closed
            data += chunk
        return data

    def read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read(2)
        fin, opcode = bool(first & 0x80), first & 0x0F
        masked, length = bool(second & 0x80), second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        if not masked or length > MAX_FRAME:  # RFC 6455 §5.1: clients must mask
            raise _Closed
        mask = self._read(4)
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(length)))
        return fin, opcode, data

    def run(self) -> None:
        parts: list[bytes] = []
        try:
            while True:
                fin, opcode, data = self.read_frame()
                if opcode == OP_PING:
                    self.send(OP_PONG, data)
                elif opcode == OP_CLOSE:
                    self.send(OP_CLOSE, data[:2])
                    return
                elif opcode in (OP_TEXT, OP_CONTINUATION):
                    parts.append(data)
                    if fin:
                        text, parts = b"".join(parts).decode("utf-8"), []
                        self.server._received(json.loads(text))
        except (_Closed, OSError, ValueError):
            return
        finally:
            self.open = False
            self.server._gone(self)
            self.sock.close()


class SocketModeServer:
    """Socket Mode's WebSocket endpoint on 127.0.0.1, started on the first ``issue_url``."""

    def __init__(self, host: str = "127.0.0.1", app_id: str = "A0EMULATOR") -> None:
        self._host = host
        self.app_id = app_id
        self._lock = threading.Condition()
        self._listener: socket.socket | None = None
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self.received: list[dict[str, Any]] = []  # every message from apps, oldest first

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.create_server((self._host, 0))
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            connections = list(self._connections)
        if listener is not None:
            listener.close()
        for connection in connections:
            connection.sock.close()

    def issue_url(self) -> str:
        """A URL good for one WebSocket connection (what apps.connections.open answers)."""
        self.start()
        ticket = uuid.uuid4().hex
        with self._lock:
            assert self._listener is not None
            self._tickets.add(ticket)
            port = self._listener.getsockname()[1]
        return f"ws://{self._host}:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    # -- what tests do --------------------------------------------------------------

    def connected(self) -> int:
        with self._lock:
            return len(self._connections)

    def wait_connected(self, count: int = 1, timeout: float = 5.0) -> None:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._connections) >= count, timeout):
                raise AssertionError(f"expected {count} Socket Mode connection(s) in {timeout}s")

    def push(
        self, kind: str, payload: Mapping[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Send an envelope to the newest connection; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": dict(payload),
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        with self._lock:
            if not self._connections:
                raise AssertionError("no app is connected over Socket Mode")
            connection = self._connections[-1]
        connection.send_json(envelope)
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The app's acknowledgement of ``envelope_id`` (``{"envelope_id", "payload"?}``)."""
        with self._lock:
            if not self._lock.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(f"no ack of envelope {envelope_id} within {timeout}s")
            return self._acks[envelope_id]

    # -- serving --------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._handshake, args=(sock,), daemon=True).start()

    def _handshake(self, sock: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = sock.recv(4096)
                if not chunk or len(request) > 16384:
                    sock.close()
                    return
                request += chunk
            head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, target, _ = [*head[0].split(" "), "", ""][:3]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in head[1:])
            }
            ticket = parse_qs(urlsplit(target).query).get("ticket", [""])[0]
            with self._lock:
                valid = ticket in self._tickets
                self._tickets.discard(ticket)  # one-off, as Slack's
            key = headers.get("sec-websocket-key", "")
            upgrade = headers.get("upgrade", "").lower() == "websocket"
            if method != "GET" or not valid or not key or not upgrade:
                sock.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
                sock.close()
                return
            sock.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
                ).encode()
            )
            connection = _Connection(sock, self)
            with self._lock:
                count = len(self._connections) + 1
            connection.send_json(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": {"host": "slackemu", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": self.app_id},
                }
            )
            with self._lock:
                self._connections.append(connection)
                self._lock.notify_all()
        except OSError:
            sock.close()
            return
        connection.run()

    def _received(self, message: dict[str, Any]) -> None:
        with self._lock:
            self.received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                self._acks[envelope_id] = message
            self._lock.notify_all()

    def _gone(self, connection: _Connection) -> None:
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)
            self._lock.notify_all()
