"""The Kazoo backend (``PBX_BACKEND=kazoo``): crossbar's v2 REST API over httpx.

``CrossbarClient`` speaks crossbar: ``PUT /v2/api_auth`` with the account's API key for an
auth token (sent as ``X-Auth-Token``, renewed once when a call answers 401), the
``{"data": …}`` envelope both ways, and lists read page by page (``start_key`` =
the previous answer's ``next_start_key``). Every failure becomes the port's error:

- network errors, timeouts, a dropped answer, 5xx and 429 → ``PbxUnreachable`` (retry);
- any other 4xx → ``KazooRejected`` (a ``PbxRejected``) whose message names Kazoo's field
  path and says what is wrong in plain words, e.g. "201 is already used on the PBX by
  callflow Support Ring Group".

``KazooPbx`` is the port ``Pbx`` for one account. Crossbar keeps the id a create sends in
``data.id`` (docs/kazoo.md, "Ids on create"), so the ids groupbot picks (``PbxIds``) are
the PBX's ids, every reference (``group_id``, the userGroup's ``callflow`` node) is right
as compiled, and no mapping is needed. What the services can call:

- ``put(collection, id, doc)``: create or replace (POST; PUT if the PBX has no such
  document). One request for a document the PBX has, two for a new one.
- ``create(collection, id, doc)``: for a document the PBX never acknowledged (PUT
  first; one request). A create retried after a lost answer cannot leave a second
  document: the id is taken, crossbar says so (409, or 400 ``numbers.unique`` naming the
  document itself), and the document is replaced instead.
- ``delete(collection, id)``: already gone is fine.
- ``push_group(documents, ids)`` / ``delete_group(ids)``: the three documents in
  SmartPBX's order (group → baseGroup → userGroup; removal in reverse).
- ``read(collection, id)`` and ``list(collection, **filters)``; for drift and adoption,
  ``read_group(ids)`` and ``ring_groups()`` (``bot.pbx.documents.DocumentReader``).
- ``read_directory()``: the account's users, devices, voicemail boxes, menus and media
  (``bot.pbx.directory``), from crossbar's listings.

``DeletedOnPbx`` (a ``KazooRejected``) means the id belongs to a document deleted on the
PBX: crossbar only marks deleted documents, so the id can never be created again and
the group needs new ids. ``KazooAccountBinder`` implements ``AccountBinder``.
"""

from __future__ import annotations

import builtins
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import httpx

from bot.engine.documents import GroupDocuments, JsonDoc, PbxIds
from bot.engine.numbers import is_extension
from bot.pbx import PbxRejected, PbxUnreachable
from bot.pbx.directory import (
    DirectoryDevice,
    DirectoryMedia,
    DirectoryMenu,
    DirectoryUser,
    DirectoryVoicemailBox,
    PbxDirectory,
)
from bot.pbx.documents import RING_GROUP_TYPES, PbxRingGroup, ReadGroup, ring_groups_of

CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 10.0
# cb_callflows.erl 278-287: "Number 201 exists in callflow <id> <name>"
_NUMBER_TAKEN = re.compile(
    r"^(?:Number|Pattern) (?P<what>.+?) exists in callflow (?P<id>\S+) ?(?P<name>.*)$"
)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of a crossbar 400: ``data[path][rule]``."""

    path: str
    rule: str
    message: str
    detail: Mapping[str, Any]

    @property
    def taken_by(self) -> tuple[str, str, str] | None:
        """(number, callflow id, callflow name) of a ``numbers``/``patterns`` ``unique``."""
        if self.rule != "unique":
            return None
        match = _NUMBER_TAKEN.match(self.message)
        if match is None:
            return None
        return match["what"], match["id"], match["name"]

    def plain(self) -> str:
        taken = self.taken_by
        if taken is not None:
            number, callflow_id, name = taken
            return f"{number} is already used on the PBX by callflow {name or callflow_id}"
        text = self.message[:1].lower() + self.message[1:]
        if "value" in self.detail and self.rule != "required":
            text += f" (sent {self.detail['value']!r})"
        return f"{self.path}: {text}"


class KazooRejected(PbxRejected):
    """Crossbar answered 4xx: the request will not succeed as it is."""

    def __init__(
        self, message: str, *, status: int, error: str, fields: tuple[FieldError, ...] = ()
    ) -> None:
        super().__init__(message)
        self.status, self.error, self.fields = status, error, fields


class KazooAuthFailed(KazooRejected):
    """The API key was refused (crossbar answers 404 for an unknown key, 400 for one
    that is not 64 characters, 401 when api_auth is disabled for the account)."""


class DeletedOnPbx(KazooRejected):
    """The id belongs to a document deleted on the PBX; it cannot be created again."""


class CrossbarClient:
    """One API key's session with crossbar; thread-safe, reused across requests."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/v2"
        self._api_key = api_key
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._http = httpx.Client(timeout=timeout, transport=transport)
        self._token: str | None = None
        self._account_id: str | None = None
        self._auth_lock = threading.Lock()

    def __enter__(self) -> CrossbarClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def account_id(self) -> str:
        """The account the API key authenticates as (authenticating if not yet done)."""
        if self._account_id is None:
            self.authenticate()
        assert self._account_id is not None
        return self._account_id

    def authenticate(self) -> str:
        """A fresh auth token for the API key; the id of the account it belongs to."""
        with self._auth_lock:
            envelope = self._send("PUT", "/api_auth", {"data": {"api_key": self._api_key}}, None)
            data = envelope.get("data")
            token, account = envelope.get("auth_token"), None
            if isinstance(data, Mapping):
                account = data.get("account_id")
            if not isinstance(token, str) or not token or not isinstance(account, str):
                raise PbxUnreachable("the PBX answered api_auth without a token or an account")
            self._token, self._account_id = token, account
            return account

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params)["data"]

    def put(self, path: str, data: JsonDoc) -> Any:
        return self.request("PUT", path, data)["data"]

    def post(self, path: str, data: JsonDoc) -> Any:
        return self.request("POST", path, data)["data"]

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)["data"]

    def list(self, path: str, params: Mapping[str, str] | None = None) -> list[JsonDoc]:
        """Every row of a listing, following ``next_start_key`` page after page."""
        return list(self._rows(path, dict(params or {})))

    def _rows(self, path: str, params: dict[str, str]) -> Iterator[JsonDoc]:
        seen: set[str] = set()
        while True:
            envelope = self.request("GET", path, params=params)
            yield from envelope.get("data") or []
            next_key = envelope.get("next_start_key")
            if not isinstance(next_key, str) or not next_key:
                return
            if next_key in seen:  # a PBX that pages in circles would keep us here forever
                raise PbxUnreachable(f"the PBX's listing of {path} repeats page {next_key}")
            seen.add(next_key)
            params["start_key"] = next_key

    def request(
        self,
        method: str,
        path: str,
        data: JsonDoc | None = None,
        *,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The answer's envelope; ``path`` is under ``/v2`` (``/accounts/{id}/groups``)."""
        body = None if data is None else {"data": data}
        token = self._token or self._fresh_token()
        try:
            return self._send(method, path, body, params, token)
        except KazooRejected as error:
            if error.status != 401:
                raise
        # tokens expire (an hour by default): renew once, then let a second 401 stand
        return self._send(method, path, body, params, self._fresh_token(stale=token))

    def _fresh_token(self, stale: str | None = None) -> str:
        with self._auth_lock:
            current = self._token
        if current is None or current == stale:
            self.authenticate()
        assert self._token is not None
        return self._token

    def _send(
        self,
        method: str,
        path: str,
        body: JsonDoc | None,
        params: Mapping[str, str] | None,
        token: str | None = None,
    ) -> dict[str, Any]:
        url = self.base_url + path
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["X-Auth-Token"] = token
        try:
            answer = self._http.request(method, url, json=body, params=params, headers=headers)
            envelope = answer.json()
        except httpx.TimeoutException as error:
            raise PbxUnreachable(f"the PBX did not answer {method} {path} in time") from error
        except httpx.TransportError as error:
            raise PbxUnreachable(f"cannot reach the PBX at {self.base_url}: {error}") from error
        except ValueError as error:  # not JSON: a proxy's error page, a cut answer
            raise PbxUnreachable(
                f"the PBX answered {method} {path} with {answer.status_code} and no JSON"
            ) from error
        if not isinstance(envelope, dict):
            raise PbxUnreachable(f"the PBX answered {method} {path} with {envelope!r}")
        status = answer.status_code
        if status < 400:
            return envelope
        raise _error(method, path, status, envelope)


def _error(method: str, path: str, status: int, envelope: Mapping[str, Any]) -> Exception:
    error = str(envelope.get("message") or envelope.get("error") or status)
    data = envelope.get("data")
    if status >= 500 or status == 429:
        return PbxUnreachable(f"the PBX answered {status} ({error}) to {method} {path}")
    if path == "/api_auth":
        return KazooAuthFailed("The PBX did not accept this API key", status=status, error=error)
    fields = _field_errors(data) if status == 400 else ()
    if fields:
        message = "; ".join(f.plain() for f in fields)
    elif status == 404:
        message = f"the PBX has no {path.rsplit('/', 2)[-2].rstrip('s')} {path.rsplit('/', 1)[-1]}"
    elif status == 409:
        message = f"the PBX reports a conflicting write to {path}"
    else:
        detail = data.get("message") if isinstance(data, Mapping) else None
        message = f"the PBX refused {method} {path} ({status} {error})"
        message += f": {detail}" if detail else ""
    return KazooRejected(message, status=status, error=error, fields=fields)


def _field_errors(data: object) -> tuple[FieldError, ...]:
    if not isinstance(data, Mapping):
        return ()
    found = []
    for path, rules in data.items():
        if not isinstance(rules, Mapping):
            continue
        for rule, detail in rules.items():
            if isinstance(detail, Mapping):
                message, extra = str(detail.get("message", rule)), detail
            else:
                message, extra = str(detail), {}
            found.append(FieldError(str(path), str(rule), message, extra))
    return tuple(found)


class KazooPbx:
    """The port ``Pbx`` for one Kazoo account."""

    def __init__(self, client: CrossbarClient, account_id: str) -> None:
        self.client = client
        self.account_id = account_id

    def path(self, collection: str, doc_id: str | None = None) -> str:
        base = f"/accounts/{self.account_id}/{collection}"
        return base if doc_id is None else f"{base}/{doc_id}"

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        try:
            self._replace(collection, doc_id, document)
        except KazooRejected as error:
            if error.status != 404:
                raise
            self.create(collection, doc_id, document)

    def create(self, collection: str, doc_id: str, document: JsonDoc) -> str:
        """Create ``doc_id`` (crossbar keeps the id); replace it if it already exists."""
        try:
            self.client.put(self.path(collection), {**document, "id": doc_id})
            return doc_id
        except KazooRejected as error:
            if not _taken_by_itself(error, doc_id):
                raise
        # the id is taken: an earlier create landed though its answer was lost
        try:
            self._replace(collection, doc_id, document)
        except KazooRejected as error:
            if error.status != 404:
                raise
            raise DeletedOnPbx(
                f"{collection} {doc_id} was deleted on the PBX, and Kazoo keeps deleted "
                f"documents, so that id cannot be created again",
                status=409,
                error="datastore_conflict",
            ) from error
        return doc_id

    def delete(self, collection: str, doc_id: str) -> None:
        try:
            _once_more_on_conflict(lambda: self.client.delete(self.path(collection, doc_id)))
        except KazooRejected as error:
            if error.status != 404:
                raise

    def read(self, collection: str, doc_id: str) -> JsonDoc | None:
        """The document as the PBX holds it, or None; crossbar's read-only additions
        (``id``, a callflow's ``metadata``) removed so it compares with ours."""
        try:
            data = self.client.get(self.path(collection, doc_id))
        except KazooRejected as error:
            if error.status == 404:
                return None
            raise
        return {k: v for k, v in data.items() if k not in ("id", "metadata", "_read_only")}

    def list(self, collection: str, **filters: str) -> list[JsonDoc]:
        """The listing's rows (crossbar's summaries, not whole documents), every page;
        ``filters`` are crossbar's query filters (``filter_type="baseGroup"``)."""
        return self.client.list(self.path(collection), filters)

    def read_group(self, ids: PbxIds) -> ReadGroup:
        """The group's three documents by their ids (``bot.pbx.documents``)."""
        return ReadGroup(
            self.read("groups", ids.group_id),
            self.read("callflows", ids.base_callflow_id),
            self.read("callflows", ids.user_callflow_id),
        )

    def ring_groups(self) -> builtins.list[PbxRingGroup]:
        """Every ring group of the account, as SmartPBX's Groups tab finds them (the group
        listing, and the callflows with a ``group_id``), read whole: two listings, then
        one GET per group document and per baseGroup/userGroup callflow."""
        rows = self.list("callflows", has_key="group_id")
        wanted = [r for r in rows if r.get("type") in RING_GROUP_TYPES]
        group_ids = {str(r["group_id"]) for r in wanted if isinstance(r.get("group_id"), str)}
        groups = [g for g in self.list("groups") if g.get("id") in group_ids]
        return ring_groups_of(self._whole("groups", groups), self._whole("callflows", wanted))

    def _whole(self, collection: str, rows: Sequence[JsonDoc]) -> builtins.list[JsonDoc]:
        found: builtins.list[JsonDoc] = []
        for row in rows:
            doc_id = str(row["id"])
            document = self.read(collection, doc_id)
            if document is not None:  # deleted since the listing
                found.append({**document, "id": doc_id})
        return found

    def list_recordings(
        self, created_from: datetime, created_to: datetime
    ) -> Sequence[PbxRecording]:
        """The account's call recordings created in [created_from, created_to], every page.

        Crossbar refuses a range over ``crossbar.maximum_range`` (31 days by default,
        crossbar_view.erl 584-613): callers ask in windows of at most ``MAX_RANGE``.
        Each row is the whole ``call_recording`` document (cb_recordings.erl 126-147)."""
        params = {
            "created_from": str(_gregorian(created_from)),
            "created_to": str(_gregorian(created_to)),
        }
        rows = self.client.list(self.path("recordings"), params)
        return [recording_of(row, created_to) for row in rows if isinstance(row, Mapping)]

    def push_group(self, documents: GroupDocuments, ids: PbxIds) -> None:
        """The three documents in SmartPBX's order, so nothing refers to a missing one."""
        for collection, doc_id, document in documents.by_collection(ids):
            self.put(collection, doc_id, document)

    def delete_group(self, ids: PbxIds) -> None:
        """The extension's callflow first, so no call reaches a half-deleted group."""
        self.delete("callflows", ids.user_callflow_id)
        self.delete("callflows", ids.base_callflow_id)
        self.delete("groups", ids.group_id)

    def _replace(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        _once_more_on_conflict(lambda: self.client.post(self.path(collection, doc_id), document))

    def read_directory(self) -> PbxDirectory:
        """The account's directory from crossbar's listings, every page (``DirectoryReader``).

        The rows are the listing views' (docs/kazoo.md, "Paging and listings"), so a
        user's extension and main callflow come from the callflow listing: SmartPBX
        makes each user one callflow with ``type: "mainUserCallflow"`` and the user as
        ``owner_id``, holding the user's extensions. A device's own do-not-disturb is
        not in its row; the owner's is (the user row's ``features``), and Kazoo applies
        the owner's to every device of the user. A menu is reached through a callflow
        whose flow has a ``menu`` node for it (SmartPBX's main menu: the callflow
        numbered ``MainOpenHoursMenu``); those callflows are read whole, as the listing
        does not say which menu a node runs. A menu no callflow runs cannot be a next
        action's target and is left out.
        """
        users = self.list("users")
        callflows = self.list("callflows")
        main_flows: dict[str, JsonDoc] = {}
        for row in callflows:
            owner = row.get("owner_id")
            if row.get("type") == "mainUserCallflow" and isinstance(owner, str):
                main_flows.setdefault(owner, row)
        dnd = {row["id"] for row in users if "do_not_disturb" in (row.get("features") or [])}
        return PbxDirectory(
            account_id=self.account_id,
            users=tuple(_user(row, main_flows.get(row["id"])) for row in users),
            devices=tuple(
                DirectoryDevice(
                    id=row["id"],
                    name=_text(row.get("name")) or row["id"],
                    owner_id=row.get("owner_id") or None,
                    enabled=row.get("enabled") is not False,
                    do_not_disturb=row.get("owner_id") in dnd,
                )
                for row in self.list("devices")
            ),
            voicemail_boxes=tuple(
                DirectoryVoicemailBox(
                    id=row["id"],
                    name=_text(row.get("name")) or row["id"],
                    mailbox=_text(row.get("mailbox")),
                )
                for row in self.list("vmboxes")
            ),
            menus=self._menus(callflows),
            media=tuple(
                DirectoryMedia(id=row["id"], name=_text(row.get("name")) or row["id"])
                for row in self.list("media")
            ),
        )

    def _menus(self, callflows: Sequence[JsonDoc]) -> tuple[DirectoryMenu, ...]:
        runs: dict[str, str] = {}  # menu id -> the callflow that runs it
        candidates = [row for row in callflows if "menu" in (row.get("modules") or [])]
        # SmartPBX's main menu callflow first, so it wins over any other running its menu
        candidates.sort(key=lambda row: (row.get("numbers") or [""])[0] != "MainOpenHoursMenu")
        for row in candidates:
            callflow = self.read("callflows", row["id"])
            for node in _nodes(callflow.get("flow") if callflow else None):
                menu_id = (node.get("data") or {}).get("id")
                if node.get("module") == "menu" and isinstance(menu_id, str):
                    runs.setdefault(menu_id, row["id"])
        return tuple(
            DirectoryMenu(id=row["id"], name=_text(row.get("name")) or row["id"], callflow_id=flow)
            for row in self.list("menus")
            if (flow := runs.get(row["id"])) is not None
        )


def _user(row: JsonDoc, main_flow: JsonDoc | None) -> DirectoryUser:
    name = " ".join(
        part for part in (_text(row.get("first_name")), _text(row.get("last_name"))) if part
    )
    email = _text(row.get("email")) or _text(row.get("username"))
    numbers = (main_flow or {}).get("numbers") or []
    short = (n for n in numbers if isinstance(n, str) and n.isdigit() and is_extension(n))
    extension = next(short, None)
    return DirectoryUser(
        id=row["id"],
        name=name or _text(row.get("username")) or row["id"],
        email=email.lower() if "@" in email else None,
        extension=extension,
        main_callflow_id=main_flow["id"] if main_flow else None,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _nodes(flow: object) -> Iterator[Mapping[str, Any]]:
    if isinstance(flow, Mapping):
        yield flow
        for child in (flow.get("children") or {}).values():
            yield from _nodes(child)


def _once_more_on_conflict(write: Callable[[], object]) -> None:
    """A 409 on a write to an existing document is another write landing between
    crossbar's read of the revision and its save: try once more, then leave it to the
    outbox's retry."""
    try:
        write()
    except KazooRejected as error:
        if error.status != 409:
            raise
        try:
            write()
        except KazooRejected as again:
            if again.status != 409:
                raise
            raise PbxUnreachable(str(again)) from again


def _taken_by_itself(error: KazooRejected, doc_id: str) -> bool:
    """Whether a create was refused only because ``doc_id`` itself already exists.

    A group: CouchDB's conflict (409). A callflow: crossbar checks numbers before saving
    and, on a create, does not leave the new document's own id out of that check, so
    the 400 ``numbers.unique`` names ``doc_id`` itself (cb_callflows.erl 267-271).
    """
    if error.status == 409:
        return True
    taken = [f.taken_by for f in error.fields]
    return bool(taken) and all(t is not None and t[1] == doc_id for t in taken)


class KazooAccountBinder:
    """``AccountBinder`` for Kazoo: the account an API key authenticates as."""

    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
    ) -> None:
        self.base_url = base_url
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout

    def confirm_account(self, credentials: str) -> str:
        """The account ``credentials`` (an API key) authenticate as; a one-off session."""
        with CrossbarClient(
            self.base_url,
            credentials,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        ) as client:
            return client.authenticate()


# the longest created_from..created_to asked for: crossbar.maximum_range's default is
# 31 days and an hour (crossbar.hrl 203-206; docs/storage.md)
MAX_RANGE = timedelta(days=31)
GREGORIAN_OFFSET = 62167219200  # Kazoo's timestamps are seconds since 0000-01-01


def _gregorian(at: datetime) -> int:
    return int(at.timestamp()) + GREGORIAN_OFFSET


def from_gregorian(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds - GREGORIAN_OFFSET, UTC)


# What a recording weighs when its document gives no attachment length, by format:
# FreeSWITCH records for Kazoo at the call's rate, 8 kHz for a narrowband (PSTN) call;
# wav is 16-bit PCM, one channel (16,000 B/s, plus its 44-byte header); mp3 is
# mod_shout's LAME at 16 kbit/s per 8 kHz (2,000 B/s). docs/storage.md says why.
BYTES_PER_SECOND = {"wav": 16_000, "mp3": 2_000}
WAV_HEADER = 44


@dataclass(frozen=True)
class PbxRecording:
    """One of the account's call recordings, as its ``call_recording`` document says."""

    recording_id: str
    bytes: int
    measured: bool  # bytes from the attachment's length; False: from the duration
    created_at: datetime
    format: str  # "mp3" | "wav"
    call_id: str
    duration_ms: int
    origin: str  # "callflow : <callflow name>" (cf_record_call.erl 27-30)
    url: str  # the record_call's upload URL, "" when Kazoo stored it itself


def recording_of(row: Mapping[str, Any], listed_to: datetime) -> PbxRecording:
    """A listing's row as a ``PbxRecording`` (fields from media_recording.erl 183-214)."""
    kind = _recording_format(row)
    duration_ms = _integer(row.get("duration_ms"))
    if duration_ms is None:
        duration_ms = (_integer(row.get("duration")) or 0) * 1000
    attachments = row.get("_attachments")
    lengths = [
        _integer(meta.get("length"))
        for meta in (attachments.values() if isinstance(attachments, Mapping) else ())
        if isinstance(meta, Mapping)
    ]
    known = [n for n in lengths if n is not None]
    size = sum(known)
    if not known:
        size = duration_ms * BYTES_PER_SECOND[kind] // 1000
        size += WAV_HEADER if kind == "wav" else 0
    # "start" is when the recording began (the end minus its duration); else the
    # document's creation; else the end of the window it was listed in
    started = _integer(row.get("start")) or _integer(row.get("pvt_created"))
    created = from_gregorian(started) if started else listed_to
    return PbxRecording(
        recording_id=str(row.get("id") or row.get("_id") or ""),
        bytes=size,
        measured=bool(known),
        created_at=created,
        format=kind,
        call_id=_text(row.get("call_id")),
        duration_ms=duration_ms,
        origin=_text(row.get("origin")),
        url=_text(row.get("url")),
    )


def _recording_format(row: Mapping[str, Any]) -> str:
    # media_type is the file's extension (media_recording.erl 183, 192), dot and all
    media = _text(row.get("media_type")).lstrip(".").lower()
    if media in BYTES_PER_SECOND:
        return media
    read_only = row.get("_read_only")
    types = read_only.get("content_types") if isinstance(read_only, Mapping) else None
    for content_type in types if isinstance(types, list) else ():
        if "wav" in str(content_type):
            return "wav"
    name = _text(row.get("name")).lower()
    return "wav" if name.endswith(".wav") else "mp3"


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None
