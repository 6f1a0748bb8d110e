"""groupbot's recording endpoint: Kazoo uploads a group's call recordings here.

``<GROUPBOT_PUBLIC_URL>/recordings/<workspace secret>/<PBX group id>[/anything]`` takes
PUT and POST (Kazoo's ``record_call`` ``method``, PUT by default) with Kazoo's query
string. Kazoo appends ``/call_recording_<call id>.<ext>?from=…&to=…&call_id=…`` to the
URL it is given (kz_att_http.erl 43-47, media_recording.erl 272-294), so any path below
the group's is taken. The body streams to ``RECORDINGS_DIR`` in docs/storage.md's layout,
as a hidden ``.part`` file renamed into place once complete, and is counted at once.

- wrong secret, unknown group, GROUPBOT_PUBLIC_URL unset: 404, saying nothing more;
- a declared length over 5 MB: 413 before a byte of the body is read (and the
  connection closed); a chunked body is bounded as it streams;
- a content type or first bytes that are not mp3 (ID3 tag or MPEG frame sync) or wav
  (``RIFF….WAVE``), or the two disagreeing: 415;
- a client that hangs up, or takes longer than ``body_seconds``: the ``.part`` file is
  removed and nothing is counted;
- the same recording id twice: the first file stays, the recording is counted once.

Streaming stays on the event loop: a stalled uploader costs a socket and one chunk,
never a thread. The services (database) run on a small pool of threads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qs

from bot.services import RecordingSeen, RecordingTarget

if TYPE_CHECKING:
    from bot.services import Services
    from bot.web import Receive, Scope, Send

log = logging.getLogger("groupbot.recordings")

PATH_PREFIX = "/recordings/"
# The product's bound: recordings are 5 MB at most (decimal, as every size groupbot shows).
MAX_RECORDING_BYTES = 5_000_000
# The whole body must arrive within this; a PBX on a slow link sends 5 MB in far less.
BODY_SECONDS = 60.0
THREADS = 4

MP3_TYPES = frozenset({"audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3", "audio/x-mp3"})
WAV_TYPES = frozenset({"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"})
SNIFF_BYTES = 12  # "RIFF" + size + "WAVE"

# docs/storage.md: a recording id is a safe file name, not starting with "."
SAFE_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")
GROUP_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SECRET = re.compile(r"[A-Za-z0-9_-]{16,128}")

T = TypeVar("T")


class _TooLarge(Exception):
    pass


class _NotAudio(Exception):
    pass


class _Gone(Exception):
    pass


@dataclass(frozen=True)
class _Upload:
    target: RecordingTarget
    format: str
    query: Mapping[str, str]
    recording_id: str


class RecordingEndpoint:
    """The ASGI handler of ``/recordings/…`` (``bot.web.SlackFront`` routes here)."""

    def __init__(
        self,
        services: Services,
        root: Path,
        *,
        body_seconds: float = BODY_SECONDS,
        max_bytes: int = MAX_RECORDING_BYTES,
        threads: int = THREADS,
    ) -> None:
        self.services = services
        self.root = root
        self.body_seconds = body_seconds
        self.max_bytes = max_bytes
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="recording")
        # what a process killed mid-upload left; another worker's upload in progress is
        # younger than its body deadline
        services.remove_partial_uploads(root, older_than=2 * body_seconds)

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        parts = scope["path"][len(PATH_PREFIX) :].split("/")
        if len(parts) < 2 or not SECRET.fullmatch(parts[0]) or not GROUP_ID.fullmatch(parts[1]):
            return await _answer(send, 404, "not found\n")
        if scope["method"] not in ("PUT", "POST"):
            return await _answer(send, 405, "PUT or POST a recording\n", allow=True)
        declared = _declared_length(headers)
        if declared == -1:
            return await _answer(send, 400, "bad content-length\n")
        if declared is not None and declared > self.max_bytes:
            return await _answer(send, 413, "a recording is 5 MB at most\n")
        kind = _format_of(headers.get("content-type", ""))
        if kind is None:
            return await _answer(send, 415, "only mp3 or wav recordings are taken\n")
        target = await self._in_pool(lambda: self.services.recording_target(parts[0], parts[1]))
        if target is None:
            return await _answer(send, 404, "not found\n")
        query = _query(scope)
        upload = _Upload(target, kind, query, _recording_id(query, parts[2:]))
        await self._receive_file(upload, receive, send)

    async def _receive_file(self, upload: _Upload, receive: Receive, send: Send) -> None:
        folder = self.root / upload.target.team_id / upload.target.pbx_group_id
        name = f"{upload.recording_id}.{upload.format}"
        # one .part per delivery, so two deliveries of one recording at once never share it
        part = folder / f".{name}.{secrets.token_hex(4)}.part"
        await self._in_pool(lambda: folder.mkdir(parents=True, exist_ok=True))
        size = 0
        try:
            with part.open("wb") as out:
                async with asyncio.timeout(self.body_seconds):
                    size = await self._stream(receive, out, upload.format)
        except TimeoutError:
            part.unlink(missing_ok=True)
            log.info("dropped a recording upload slower than %.0f s", self.body_seconds)
            return await _answer(send, 408, "recording upload too slow\n")
        except _TooLarge:
            part.unlink(missing_ok=True)
            return await _answer(send, 413, "a recording is 5 MB at most\n")
        except _NotAudio:
            part.unlink(missing_ok=True)
            return await _answer(send, 415, "the body is not the mp3 or wav it says it is\n")
        except _Gone:
            part.unlink(missing_ok=True)
            return None
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        final = folder / name
        kept = await self._in_pool(lambda: _place(part, final))
        seen = RecordingSeen(
            recording_id=upload.recording_id,
            bytes=size,
            created_at=datetime.now(UTC),
            format=upload.format,
            source="endpoint",
            pbx_group_id=upload.target.pbx_group_id,
            call_id=upload.query.get("call_id", "")[:128],
            duration_ms=_int(upload.query.get("duration_ms")),
        )
        try:
            # counted whether this delivery or an earlier one placed the file: a count
            # lost after an earlier rename is made now, and a known id is skipped
            await self._in_pool(lambda: self.services.add_recordings(upload.target.team_id, [seen]))
        except Exception:
            # the file stays; the PBX's retry (or the file backend's sync) counts it
            log.exception("recording %s kept but not counted", upload.recording_id)
            return await _answer(send, 503, "kept, not counted yet: try again\n", read=True)
        status = 201 if kept else 200
        return await _answer(send, status, "stored\n" if kept else "already stored\n", read=True)

    async def _stream(self, receive: Receive, out: IO[bytes], kind: str) -> int:
        size = 0
        head = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk: bytes = message.get("body", b"")
            more = bool(message.get("more_body", False))
            size += len(chunk)
            if size > self.max_bytes:  # a chunked body has no Content-Length to refuse
                raise _TooLarge
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
                if (len(head) >= SNIFF_BYTES or not more) and _sniff(head) != kind:
                    raise _NotAudio
            # a write of one chunk to the page cache takes microseconds: no thread hop
            out.write(chunk)
            if not more:
                return size

    async def _in_pool(self, call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, call)


def _place(part: Path, final: Path) -> bool:
    """Move the complete file into place; False (and the copy dropped) when a file of
    that recording is there already. A hard link never replaces an existing name; on a
    file system without hard links, a rename unless the name is taken."""
    try:
        os.link(part, final)
    except FileExistsError:
        return False
    except OSError:
        if final.exists():
            return False
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
    return True


def _sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG frame sync
        return "mp3"
    return None


def _format_of(content_type: str) -> str | None:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in MP3_TYPES:
        return "mp3"
    if media in WAV_TYPES:
        return "wav"
    return None


def _recording_id(query: Mapping[str, str], below: list[str]) -> str:
    """Kazoo's ``recording_id`` when given; else the file name Kazoo appends
    (``call_recording_<call id>.mp3``) without its extension; else one of our own."""
    given = query.get("recording_id", "")
    if SAFE_ID.fullmatch(given):
        return given
    tail = below[-1] if below else ""
    stem = re.sub(r"\.(mp3|wav)$", "", tail, flags=re.IGNORECASE)
    if stem and SAFE_ID.fullmatch(stem):
        return stem
    call = f"call_recording_{query.get('call_id', '')}"
    if query.get("call_id") and SAFE_ID.fullmatch(call):
        return call
    return secrets.token_hex(16)


def _int(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 16 else 0


def _headers(scope: Scope) -> dict[str, str]:
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers", ())
    }


def _query(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return {key: values[0] for key, values in parse_qs(raw).items()}


def _declared_length(headers: Mapping[str, str]) -> int | None:
    """The Content-Length; None when absent (chunked), -1 when unreadable."""
    value = headers.get("content-length")
    if value is None:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else -1


async def _answer(
    send: Send, status: int, text: str, *, read: bool = False, allow: bool = False
) -> None:
    """A plain answer; unless the body was ``read`` in full, with the connection closed
    (uvicorn would otherwise go on reading the rest of it, with no deadline)."""
    body = text.encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if allow:
        headers.append((b"allow", b"PUT, POST"))
    if not read:
        # the body was not (all) read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    message: dict[str, Any] = {"type": "http.response.start", "status": status}
    message["headers"] = headers
    await send(message)
    await send({"type": "http.response.body", "body": body})
