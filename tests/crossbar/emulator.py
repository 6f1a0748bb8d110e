"""A crossbar v2 emulator: a real HTTP server on 127.0.0.1 that behaves as Kazoo's
crossbar does for what groupbot uses (docs/kazoo.md says where each rule comes from).

- ``PUT /v2/api_auth`` with an account's API key gives a token; tokens expire after
  ``token_ttl`` seconds or on ``expire_tokens()``; a missing or expired one is 401
  ``invalid_credentials``. An unknown key is 404 ``bad identifier``, one that is not 64
  characters a 400, as in cb_api_auth.erl.
- ``/v2/accounts/{id}/{collection}[/{doc}]`` with GET, PUT, POST, PATCH and DELETE, one
  store per account. A create keeps the ``id`` it is sent, else gets 32 random hex; an
  id already used (deleted documents included: crossbar only marks them) is 409. Every
  PUT/POST/PATCH is validated against ../shared/kazoo/schemas, each flow node's
  ``data`` against ``callflows.<module>``, and Kazoo's error shapes come back: 400 keyed
  by field path then rule, ``numbers.unique`` naming the callflow that has the number
  (on a create the new document's own id is not left out of that check, as in
  cb_callflows.erl), 404 ``bad_identifier``. Validation is strict: crossbar would turn
  "20" into 20 and store the integer; here it is refused, so our documents stay exact.
- Listings are crossbar's summaries (the ``crossbar_listing`` views), filtered
  (``filter_<key>``, ``filter_not_<key>``, ``has_key``, ``key_missing``), sorted by id
  (descending unless ``ascending=true``) and paged (``page_size``, ``start_key`` /
  ``next_start_key``; ``paginate=false`` for all).
- Failures on demand: ``fail(status)`` answers an error without doing anything,
  ``slow(seconds)`` does the work and answers late, ``drop()`` does the work and cuts
  the answer in the middle, ``down()`` closes every connection until ``up()``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.kazoo_schemas import flow_nodes, validator_for

PVT_TYPES = {
    "groups": "group",
    "callflows": "callflow",
    "users": "user",
    "devices": "device",
    "vmboxes": "vmbox",
    "media": "media",
    "menus": "menu",
}
DEFAULT_PAGE_SIZE = 50  # crossbar.pagination_page_size (cb_context.erl 131)
# Call recordings live in the account's monthly databases (MODBs) as ``call_recording``
# documents; ``GET /v2/accounts/{id}/recordings`` lists them by creation time, in a
# ``created_from``/``created_to`` range of at most ``crossbar.maximum_range`` (crossbar_view.erl
# 584-613; its default is 31 days and an hour, crossbar.hrl 203-206: refused here past 31
# days, stricter), whole documents with
# ``_read_only.content_types`` (cb_recordings.erl 126-147).
PVT_TYPES["recordings"] = "call_recording"
MAX_RANGE_S = 31 * 24 * 3600
GREGORIAN_OFFSET = 62167219200  # seconds from 0000-01-01 to 1970-01-01
_REQUIRED = re.compile(r"^'(.+)' is a required property$")


class Reply(Exception):
    """Answer the request now with a crossbar error envelope."""

    def __init__(self, status: int, message: str, data: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.data = status, message, data


def bad_identifier(cause: str) -> Reply:
    return Reply(404, "bad_identifier", {"cause": cause, "message": "bad identifier"})


def conflict() -> Reply:
    return Reply(409, "datastore_conflict", {"message": "conflicting documents"})


SYSTEM_ERRORS = {
    409: ("datastore_conflict", "conflicting documents"),
    500: ("datastore_fault", "datastore fatal error"),
    503: ("datastore_unreachable", "datastore timeout"),
}


@dataclass
class Fault:
    kind: str  # "status", "slow", "drop", "down" or "hold"
    status: int = 500
    delay: float = 0.0
    method: str | None = None
    path: str | None = None
    times: int | None = 1  # None: until cleared
    released: threading.Event = field(default_factory=threading.Event)  # "hold"

    def matches(self, method: str, path: str) -> bool:
        return (self.method in (None, method)) and (self.path is None or self.path in path)


@dataclass
class Account:
    account_id: str
    api_key: str
    parent: str | None = None
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)


class CrossbarEmulator:
    def __init__(
        self, *, validate: bool = True, token_ttl: float = 3600.0, page_size: int = 50
    ) -> None:
        self.validate = validate
        self.token_ttl = token_ttl
        self.page_size = page_size
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, tuple[str, float]] = {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        # (method, path, the document id written: the path's, else a create's data.id)
        self.writes: list[tuple[str, str, str | None]] = []
        self.lock = threading.RLock()
        main = self.add_account()
        self.account_id, self.api_key = main.account_id, main.api_key
        self._server: ThreadingHTTPServer | None = None

    # -- life -------------------------------------------------------------------------

    def start(self) -> CrossbarEmulator:
        emulator = self

        class Handler(_Handler):
            crossbar = emulator

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> CrossbarEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, as ``KAZOO_URL`` would be given (the client adds ``/v2``)."""
        assert self._server is not None, "start() the emulator first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- set-up and inspection ----------------------------------------------------------

    def add_account(self, parent: str | None = None) -> Account:
        account = Account(uuid.uuid4().hex, secrets.token_hex(32), parent)
        self.accounts[account.account_id] = account
        return account

    def seed(self, collection: str, doc: Mapping[str, Any], account_id: str | None = None) -> str:
        """Store ``doc`` as if made in SmartPBX, unvalidated (its ``id`` kept if it has one)."""
        with self.lock:
            docs = self.accounts[account_id or self.account_id].docs
            doc_id = str(doc.get("id") or uuid.uuid4().hex)
            public = {k: v for k, v in doc.items() if not k.startswith(("_", "pvt_"))}
            public.pop("id", None)
            docs[doc_id] = _stored(public, doc_id, PVT_TYPES[collection], None)
            return doc_id

    def documents(self, collection: str, account_id: str | None = None) -> dict[str, Any]:
        """The account's live documents of ``collection`` by id, as a GET returns them
        without crossbar's ``id``."""
        with self.lock:
            docs = self.accounts[account_id or self.account_id].docs
            return {
                doc_id: _public(doc)
                for doc_id, doc in docs.items()
                if doc["pvt_type"] == PVT_TYPES[collection] and not doc.get("pvt_deleted")
            }

    def is_deleted(self, doc_id: str, account_id: str | None = None) -> bool:
        doc = self.accounts[account_id or self.account_id].docs.get(doc_id)
        return bool(doc and doc.get("pvt_deleted"))

    def count(self, method: str | None = None, path: str = "") -> int:
        """Requests received, optionally of one verb and with ``path`` in their path."""
        with self.lock:
            return sum(1 for m, p in self.requests if method in (None, m) and path in p)

    def seed_recording(
        self,
        doc: Mapping[str, Any],
        created: datetime,
        attachment_bytes: int | None = None,
        account_id: str | None = None,
    ) -> str:
        """A call recording as media_recording.erl stores it, created at ``created``;
        with ``attachment_bytes`` its audio is a CouchDB attachment of that length."""
        doc_id = self.seed("recordings", doc, account_id)
        with self.lock:
            stored = self.accounts[account_id or self.account_id].docs[doc_id]
            stored["pvt_created"] = int(created.timestamp()) + GREGORIAN_OFFSET
            if attachment_bytes is not None:
                kind = str(doc.get("media_type") or "mp3")
                stored["_attachments"] = {
                    f"{doc.get('name') or doc_id}": {
                        "content_type": "audio/mpeg" if kind == "mp3" else "audio/x-wav",
                        "length": attachment_bytes,
                        "stub": True,
                    }
                }
        return doc_id

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = {t: (a, 0.0) for t, (a, _) in self.tokens.items()}

    # -- failures on demand -----------------------------------------------------------

    def fail(self, status: int = 500, **where: Any) -> Fault:
        return self._add(Fault("status", status=status, **where))

    def slow(self, delay: float, **where: Any) -> Fault:
        return self._add(Fault("slow", delay=delay, **where))

    def drop(self, **where: Any) -> Fault:
        return self._add(Fault("drop", **where))

    def hold(self, **where: Any) -> Fault:
        """Requests wait, unanswered and not done, until the fault's ``released`` is set."""
        return self._add(Fault("hold", times=None, **where))

    def down(self) -> Fault:
        return self._add(Fault("down", times=None))

    def up(self) -> None:
        with self.lock:
            self.faults.clear()

    def _add(self, fault: Fault) -> Fault:
        with self.lock:
            self.faults.append(fault)
        return fault

    def fault_for(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # -- crossbar ---------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any, token: str | None
    ) -> tuple[int, dict[str, Any]]:
        """(status, envelope) for one request."""
        with self.lock:
            self.requests.append((method, path))
            if method != "GET" and "/accounts/" in path:
                data = body.get("data") if isinstance(body, dict) else None
                sent = data.get("id") if method == "PUT" and isinstance(data, dict) else None
                parts = path.rstrip("/").split("/")
                self.writes.append((method, path, sent or (parts[-1] if len(parts) > 5 else None)))
            try:
                if path == "/v2/api_auth":
                    return self._api_auth(method, body)
                account = self._authorize(path, token)
                envelope = self._route(method, path, query, body, account, token)
                return (201 if method == "PUT" else 200), envelope
            except Reply as reply:
                return reply.status, _error_envelope(reply, token)

    def _api_auth(self, method: str, body: Any) -> tuple[int, dict[str, Any]]:
        if method != "PUT":
            raise Reply(405, "invalid_method", {"message": "invalid method"})
        key = _data(body).get("api_key")
        if not isinstance(key, str) or len(key) != 64:
            rule = "minLength" if not isinstance(key, str) or len(key) < 64 else "maxLength"
            raise Reply(400, "validation failed", {"api_key": {rule: {"message": "bad key"}}})
        account = next((a for a in self.accounts.values() if a.api_key == key), None)
        if account is None:  # cb_api_auth.erl 151-153
            raise Reply(404, "bad identifier", [key])
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (account.account_id, time.monotonic() + self.token_ttl)
        data = {"account_id": account.account_id, "is_reseller": False, "apps": []}
        return 201, _envelope(data, token)

    def _authorize(self, path: str, token: str | None) -> Account:
        owner, expires = self.tokens.get(token or "", ("", 0.0))
        if not owner or expires <= time.monotonic():
            raise Reply(401, "invalid_credentials", {"message": "invalid credentials"})
        parts = path.strip("/").split("/")
        if len(parts) < 4 or parts[1] != "accounts" or parts[2] not in self.accounts:
            raise Reply(404, "not_found", {"message": "not found"})
        account = self.accounts[parts[2]]
        if owner not in (account.account_id, account.parent):
            raise Reply(403, "forbidden", {"message": "forbidden"})
        return account

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        account: Account,
        token: str | None,
    ) -> dict[str, Any]:
        parts = path.strip("/").split("/")[3:]
        collection, doc_id = parts[0], (parts[1] if len(parts) > 1 else None)
        if collection not in PVT_TYPES or len(parts) > 2:
            raise Reply(404, "not_found", {"message": "not found"})
        allowed = ("GET", "PUT") if doc_id is None else ("GET", "POST", "PATCH", "DELETE")
        if method not in allowed:
            raise Reply(405, "invalid_method", {"message": "invalid method"})
        docs = account.docs
        if doc_id is None and method == "GET":
            return self._list(collection, docs, query, token)
        if doc_id is None:
            return self._create(collection, docs, _data(body), token)
        current = _load(docs, collection, doc_id)
        if method == "GET":
            return _envelope(self._read(collection, docs, current), token, current)
        if method == "DELETE":  # soft unless asked (crossbar_doc.erl 540-577)
            current["pvt_deleted"] = True
            _bump(current)
            if query.get("should_soft_delete") == "false":
                del docs[doc_id]
            deleted = {**_public(current), "id": doc_id, "_read_only": {"deleted": True}}
            return _envelope(deleted, token, current)
        data = _data(body)
        if method == "PATCH":
            data = _merge(_public(current), data)
        return self._save(collection, docs, doc_id, data, token)

    def _create(
        self, collection: str, docs: dict[str, Any], data: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        # cb_context.erl 1017-1026: the id sent is the id kept; kzs_doc.erl 282-287
        doc_id = str(data.get("_id") or data.get("id") or "") or uuid.uuid4().hex
        return self._save(collection, docs, doc_id, data, token, create=True)

    def _save(
        self,
        collection: str,
        docs: dict[str, Any],
        doc_id: str,
        data: dict[str, Any],
        token: str | None,
        *,
        create: bool = False,
    ) -> dict[str, Any]:
        public = {k: v for k, v in data.items() if not k.startswith(("_", "pvt_")) and k != "id"}
        if collection == "callflows":
            public = self._check_callflow(docs, public, None if create else doc_id)
        elif self.validate:
            _refuse_if(_schema_errors(collection, public))
        if create and doc_id in docs:  # CouchDB: that id exists (deleted ones too)
            raise conflict()
        previous = docs.get(doc_id)
        stored = _stored(public, doc_id, PVT_TYPES[collection], previous)
        docs[doc_id] = stored
        return _envelope({**_public(stored), "id": doc_id}, token, stored)

    def _check_callflow(
        self, docs: dict[str, Any], doc: dict[str, Any], own_id: str | None
    ) -> dict[str, Any]:
        numbers, patterns = doc.get("numbers"), doc.get("patterns")
        if not numbers and not patterns:  # cb_callflows.erl 237-242
            message = "Callflows must be assigned at least one number or pattern"
            raise Reply(400, "validation error", {"numbers": {"required": {"message": message}}})
        if isinstance(numbers, list):
            doc = {**doc, "numbers": [normalize(n) if isinstance(n, str) else n for n in numbers]}
        if self.validate:
            _refuse_if(_schema_errors("callflows", doc) + _flow_errors(doc.get("flow")))
        for number in doc.get("numbers") or []:
            for other_id, other in docs.items():
                if other_id == own_id or other["pvt_type"] != "callflow":
                    continue
                if other.get("pvt_deleted") or number not in (other.get("numbers") or []):
                    continue
                name = other.get("name") or other_id
                message = f"Number {number} exists in callflow {other_id} {name}"
                taken = {"unique": {"message": message, "cause": number}}
                raise Reply(400, "validation error", {"numbers": taken})
        return doc

    def _read(self, collection: str, docs: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
        public = {**_public(doc), "id": doc["_id"]}
        if collection == "callflows":  # cb_callflows.erl 165-177
            metadata = {}
            for node in _nodes(doc.get("flow")):
                ref = (node.get("data") or {}).get("id")
                target = docs.get(ref) if isinstance(ref, str) else None
                if target is not None and not target.get("pvt_deleted"):
                    metadata[ref] = {"name": target.get("name"), "pvt_type": target["pvt_type"]}
            public["metadata"] = metadata
        return public

    def _list(
        self, collection: str, docs: dict[str, Any], query: dict[str, str], token: str | None
    ) -> dict[str, Any]:
        if collection == "recordings":
            return self._list_recordings(docs, query, token)
        rows = sorted(
            (
                (doc_id, doc)
                for doc_id, doc in docs.items()
                if doc["pvt_type"] == PVT_TYPES[collection]
                and not doc.get("pvt_deleted")
                and _passes(doc, query)
            ),
            reverse=query.get("ascending") != "true",
        )
        summaries = [(doc_id, _summary(collection, doc)) for doc_id, doc in rows]
        if query.get("paginate") == "false":
            return _envelope([s for _, s in summaries], token)
        size = int(query.get("page_size") or self.page_size)
        start = 0
        if "start_key" in query:
            key = _decode_key(query["start_key"])
            start = next((i for i, (doc_id, _) in enumerate(summaries) if doc_id == key), 0)
        page = summaries[start : start + size]
        envelope = _envelope([s for _, s in page], token)
        envelope["page_size"] = len(page)
        if page:
            envelope["start_key"] = _encode_key(page[0][0])
        if start + size < len(summaries):
            envelope["next_start_key"] = _encode_key(summaries[start + size][0])
        return envelope

    def _list_recordings(
        self, docs: dict[str, Any], query: dict[str, str], token: str | None
    ) -> dict[str, Any]:
        """crossbar_view:load_modb over the recordings: the range checked as
        crossbar_view:time_range does, newest first, paged by view key."""
        now = int(time.time()) + GREGORIAN_OFFSET
        to = int(query.get("created_to") or now)
        since = int(query.get("created_from") or to - MAX_RANGE_S)
        if to - since < 0 or to - since > MAX_RANGE_S:
            said = "is prior to" if to < since else f"is more than {MAX_RANGE_S} seconds from"
            message = f"created_to {to} {said} created_from {since}"
            error = {"message": message, "cause": since if to < since else to}
            raise Reply(400, "validation error", {"created_from": {"date_range": error}})
        rows = sorted(
            (
                (f"{doc['pvt_created']:012d}:{doc_id}", doc)
                for doc_id, doc in docs.items()
                if doc["pvt_type"] == "call_recording"
                and not doc.get("pvt_deleted")
                and since <= doc["pvt_created"] <= to
            ),
            reverse=True,
        )
        size = int(query.get("page_size") or self.page_size)
        start = 0
        if "start_key" in query:
            key = _decode_key(query["start_key"])
            start = next((i for i, (k, _) in enumerate(rows) if k == key), len(rows))
        page = rows[start : start + size]
        data = [
            {
                **_public(doc),
                "id": doc["_id"],
                **({"_attachments": doc["_attachments"]} if "_attachments" in doc else {}),
                "_read_only": {
                    "content_types": sorted(
                        {a["content_type"] for a in (doc.get("_attachments") or {}).values()}
                    )
                },
            }
            for _, doc in page
        ]
        envelope = _envelope(data, token)
        envelope["page_size"] = len(page)
        if start + size < len(rows):
            envelope["next_start_key"] = _encode_key(rows[start + size][0])
        return envelope


class _Handler(BaseHTTPRequestHandler):
    crossbar: CrossbarEmulator
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms a request), which would be the emulator's time, not groupbot's
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fault = self.crossbar.fault_for(method, parts.path)
        if fault is not None and fault.kind == "hold":
            fault.released.wait(30)
            fault = None
        if fault is not None and fault.kind == "down":
            self._cut()
            return
        if fault is not None and fault.kind == "status":
            name, text = SYSTEM_ERRORS.get(fault.status, ("unspecified_fault", "unknown failure"))
            self._answer(
                fault.status, _error_envelope(Reply(fault.status, name, {"message": text}), None)
            )
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            invalid = {"json": {"invalid": {"message": "failed to parse JSON", "target": "body"}}}
            self._answer(
                400, _error_envelope(Reply(400, "invalid request envelope", invalid), None)
            )
            return
        query = dict(parse_qsl(parts.query))
        token = self.headers.get("X-Auth-Token")
        status, envelope = self.crossbar.handle(method, parts.path, query, body, token)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        self._answer(status, envelope, cut=fault is not None and fault.kind == "drop")

    def _answer(self, status: int, envelope: dict[str, Any], cut: bool = False) -> None:
        payload = json.dumps(envelope).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2] if cut else payload)
            self.wfile.flush()
        except OSError:  # the client gave up waiting
            self.close_connection = True
            return
        if cut:
            self._cut()

    def _cut(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


# -- documents ------------------------------------------------------------------------


def normalize(number: str) -> str:
    """Kazoo's default e164 converters (knm_converter_regex.erl 26-31)."""
    if match := re.fullmatch(r"(\+?1)?([2-9][0-9]{2}[2-9][0-9]{6})", number):
        return "+1" + match[2]
    if match := re.fullmatch(r"011(\d{5,})|00(\d{5,})", number):
        return "+" + (match[1] or match[2])
    if re.fullmatch(r"[2-9]\d{7,}", number):
        return "+" + number
    return number


def _stored(
    public: dict[str, Any], doc_id: str, pvt_type: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    now = int(time.time()) + 62167219200  # Gregorian seconds
    stored = copy.deepcopy(public) | {
        "_id": doc_id,
        "_rev": previous["_rev"] if previous else "0-",
        "pvt_type": pvt_type,
        "pvt_created": previous["pvt_created"] if previous else now,
        "pvt_modified": now,
    }
    _bump(stored)
    return stored


def _bump(doc: dict[str, Any]) -> None:
    generation = int(str(doc["_rev"]).split("-")[0]) + 1
    doc["_rev"] = f"{generation}-{uuid.uuid4().hex}"


def _public(doc: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in doc.items() if not k.startswith(("_", "pvt_"))})


def _load(docs: dict[str, Any], collection: str, doc_id: str) -> dict[str, Any]:
    doc = docs.get(doc_id)
    if doc is None or doc.get("pvt_deleted") or doc["pvt_type"] != PVT_TYPES[collection]:
        raise bad_identifier(doc_id)  # crossbar_doc.erl 198-210
    return doc


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, dict):
        raise Reply(400, "invalid request envelope", {"data": {"type": {"message": "no data"}}})
    return data


def _merge(base: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _summary(collection: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The ``crossbar_listing`` view row (core/kazoo_apps/priv/couchdb/account/*.json)."""
    doc_id = doc["_id"]
    if collection == "callflows":
        modules = list(
            dict.fromkeys(
                n["module"]
                for n in _nodes(doc.get("flow"))
                if n.get("module") and (n.get("data") or {}).get("skip_module") is not True
            )
        )
        return {
            "id": doc_id,
            "name": doc.get("name"),
            "type": doc.get("type"),
            "numbers": doc.get("numbers"),
            "patterns": doc.get("patterns"),
            "featurecode": doc.get("featurecode") or False,
            "owner_id": doc.get("owner_id"),
            "group_id": doc.get("group_id"),
            "modules": modules,
            "flags": doc.get("flags") or [],
        }
    if collection == "groups":
        smartpbx = doc.get("smartpbx") or {}
        return {
            "id": doc_id,
            "name": doc.get("name"),
            "features": [f for f, v in smartpbx.items() if (v or {}).get("enabled")],
            "endpoints": len(doc.get("endpoints") or {}),
            "flags": doc.get("flags") or [],
        }
    if collection in _LISTED:
        row = {"id": doc_id, **{key: get(doc) for key, get in _LISTED[collection].items()}}
        return {key: value for key, value in row.items() if value is not None}
    return {**_public(doc), "id": doc_id}


def _user_features(doc: Mapping[str, Any]) -> list[str]:
    features = list(doc.get("features") or [])
    features += [f for f, v in (doc.get("smartpbx") or {}).items() if (v or {}).get("enabled")]
    for key in ("hotdesk", "call_forward", "do_not_disturb"):
        if (doc.get(key) or {}).get("enabled"):
            features.append(key)
    return features


# The other listings' rows: users.json, vmboxes.json, media.json and the crossbar_listing
# view's device and menu cases (core/kazoo_apps/priv/couchdb/account/). A key whose value
# the document lacks is left out, as CouchDB leaves out undefined.
_LISTED: dict[str, dict[str, Any]] = {
    "users": {
        "features": _user_features,
        **{
            key: (lambda doc, key=key: doc.get(key))
            for key in ("username", "email", "first_name", "last_name", "priv_level")
        },
        "presence_id": lambda doc: doc.get("presence_id"),
        "flags": lambda doc: doc.get("flags") or [],
    },
    "devices": {
        "name": lambda doc: doc.get("name"),
        "username": lambda doc: (doc.get("sip") or {}).get("username"),
        "mac_address": lambda doc: doc.get("mac_address") or "",
        "owner_id": lambda doc: doc.get("owner_id"),
        "enabled": lambda doc: doc.get("enabled"),
        "device_type": lambda doc: doc.get("device_type") or "sip_device",
        "flags": lambda doc: doc.get("flags") or [],
    },
    "vmboxes": {
        "name": lambda doc: doc.get("name"),
        "mailbox": lambda doc: doc.get("mailbox"),
        "owner_id": lambda doc: doc.get("owner_id"),
        "messages": lambda doc: len(doc.get("messages") or []),
        "flags": lambda doc: doc.get("flags") or [],
    },
    "menus": {"name": lambda doc: doc.get("name"), "flags": lambda doc: doc.get("flags") or []},
    "media": {
        "name": lambda doc: doc.get("name"),
        "media_source": lambda doc: doc.get("media_source"),
        "language": lambda doc: str(doc.get("language") or "").lower(),
        "is_prompt": lambda doc: bool(doc.get("prompt_id")),
    },
}


def _nodes(flow: Any) -> Iterator[dict[str, Any]]:
    if isinstance(flow, dict):
        yield flow
        for child in (flow.get("children") or {}).values():
            yield from _nodes(child)


def _passes(doc: Mapping[str, Any], query: Mapping[str, str]) -> bool:
    missing = object()

    def at(path: str) -> Any:
        value: Any = doc
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return missing
            value = value[part]
        return value

    def text(value: Any) -> str:
        return json.dumps(value) if not isinstance(value, str) else value

    must_have = {"has_key": True, "key_missing": False}
    for key, wanted in query.items():
        if key.startswith("filter_not_"):
            if text(at(key.removeprefix("filter_not_"))) == wanted:
                return False
        elif key.startswith("filter_"):
            value = at(key.removeprefix("filter_"))
            if value is missing or text(value) != wanted:
                return False
        elif key in must_have and (at(wanted) is not missing) != must_have[key]:
            return False
    return True


def _encode_key(key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode_key(encoded: str) -> str:
    padded = encoded + "=" * (-len(encoded) % 4)
    return str(json.loads(base64.urlsafe_b64decode(padded)))


# -- validation -----------------------------------------------------------------------

# Kazoo's words for each rule (kz_json_schema.erl error_to_jobj, 300-800)
_MESSAGES = {
    "minimum": "Value must be at least {target}",
    "maximum": "Value must be at most {target}",
    "enum": "Value not found in enumerated list of values",
    "type": "Value did not match type(s): {target}",
    "minLength": "String must be at least {target} characters",
    "maxLength": "String must not be more than {target} characters",
    "pattern": "Failed to match pattern '{target}'",
    "minItems": "The list must have at least {target} items",
    "maxItems": "The list is more than {target} items",
    "uniqueItems": "List of items is not unique",
}


def _key(path: list[Any]) -> str:
    return ".".join(str(p).replace(".", "%2E") for p in path)


def _schema_errors(name: str, doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[str, str, Any]]:
    validator = validator_for(name)
    if validator is None:
        message = f"unable to find callflow schema for module {name.split('.', 1)[-1]}"
        return [(_key([*prefix[:-1], "module"]), "error", {"message": message})]
    errors = []
    for error in validator.iter_errors(doc):
        path = [*prefix, *error.absolute_path]
        rule = str(error.validator)
        if rule == "required" and (missing := _REQUIRED.match(error.message)):
            errors.append(
                (_key([*path, missing[1]]), rule, {"message": "Field is required but missing"})
            )
            continue
        target = error.validator_value
        template = _MESSAGES.get(rule, "failed to validate")
        entry = {"message": template.format(target=target), "value": error.instance}
        if rule in _MESSAGES and rule != "uniqueItems":
            entry["target"] = target
        errors.append((_key(path), rule, entry))
    return errors


def _flow_errors(flow: Any) -> list[tuple[str, str, Any]]:
    """Kazoo's ``kazoo-validation``: each node's data against ``callflows.<module>``."""
    if not isinstance(flow, Mapping):
        return []
    errors = []
    for path, node in flow_nodes(flow):
        where = (*path.split("."), "data")
        data = node.get("data", {})
        errors += _schema_errors(f"callflows.{node.get('module')}", data, where)
        if node.get("module") == "record_call" and "url" in data:
            parts = urlsplit(str(data["url"]))
            if parts.scheme not in ("http", "https") or not parts.hostname:
                entry = {"message": "invalid url", "value": data["url"]}
                errors.append((_key([*where, "url"]), "error", entry))
    return errors


def _refuse_if(errors: list[tuple[str, str, Any]]) -> None:
    if errors:
        data: dict[str, dict[str, Any]] = {}
        for key, rule, entry in errors:
            data.setdefault(key, {})[rule] = entry
        raise Reply(400, "validation failed", data)


# -- envelopes ------------------------------------------------------------------------


def _base(token: str | None) -> dict[str, Any]:
    return {
        "auth_token": token or "",
        "request_id": uuid.uuid4().hex,
        "node": "emulator",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": "5.0.0-emulator",
    }


def _envelope(data: Any, token: str | None, doc: Mapping[str, Any] | None = None) -> dict[str, Any]:
    revision = doc.get("_rev") if doc is not None else None
    return {**_base(token), "status": "success", "data": data, "revision": revision or "undefined"}


def _error_envelope(reply: Reply, token: str | None) -> dict[str, Any]:
    return {
        **_base(token),
        "status": "error",
        "error": str(reply.status),
        "message": reply.message,
        "data": reply.data,
    }
