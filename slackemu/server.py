"""``SlackEmulator``: a local Slack Web API on 127.0.0.1, for tests and ``groupbot shell``.

Point slack_sdk at it with ``WebClient(base_url=emu.base_url, token="xoxb-...")``. It
serves ``/api/<method>`` (see ``methods.METHODS``), ``/webhook/...`` for the
response_urls it hands out, and ``/upload/v1/<file_id>`` for files_upload_v2's raw
upload step. Every request is recorded; failures can be injected per method.

All state sits behind one lock: requests are served one at a time, which keeps the
emulator simple and is plenty for tests and a one-person shell.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from slackemu.methods import METHODS, ApiRequest, parse_basic
from slackemu.payloads import subteam_members_changed_body
from slackemu.socket_mode import SocketModeServer
from slackemu.state import (
    DEFAULT_BOT_SCOPES,
    ApiError,
    Call,
    Channel,
    Clock,
    Identity,
    User,
    UserGroup,
)
from slackemu.transport import HttpServer, Reply, decode_args, decode_json, json_reply
from slackemu.views import SubmissionOutcome
from slackemu.workspace import Upload, Workspace

RESPONSE_URL = "response_url"  # the method name under which response_url posts are recorded
UPLOAD = "upload"  # ... and raw file uploads


@dataclass
class _Fault:
    error: str
    status: int
    retry_after: int | None
    drop: bool
    times: int


class SlackEmulator:
    """A stateful stand-in for Slack's Web API. Use as a context manager or start()/stop().

    Args:
        tokens: bot tokens accepted; None accepts any ``xoxb-`` token.
        scopes: what every token may do (default: what the manifests grant).
        clock: seconds since the epoch; inject a ``ManualClock`` to test expiry.
        home_tab_enabled: False makes views.publish answer ``not_enabled``.
    """

    def __init__(
        self,
        tokens: Iterable[str] | None = None,
        *,
        scopes: Iterable[str] = DEFAULT_BOT_SCOPES,
        clock: Clock = time.time,
        identity: Identity | None = None,
        client_id: str = "0000000000.0000000000",
        client_secret: str = "emulator-client-secret",
        home_tab_enabled: bool = True,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.identity = identity or Identity()
        self.workspace = Workspace(
            self.identity,
            clock,
            seed=seed,
            tokens=tokens,
            scopes=scopes,
            client_id=client_id,
            client_secret=client_secret,
        )
        self.workspace.views.home_tab_enabled = home_tab_enabled
        # every workspace this server plays, by team id (``add_team``); the first is ours
        self._teams: dict[str, Workspace] = {self.identity.team_id: self.workspace}
        self._root = self
        self._clock = clock
        self._address = (host, port)
        self._lock = threading.Condition()
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> SlackEmulator:
        if self._root is not self:
            self._root.start()
            return self
        if self._server is None:
            self._server = HttpServer(self._address, self._serve)
            for workspace in self._teams.values():
                workspace.root_url = self.url
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._root is not self:
            self._root.stop()
            return
        self.workspace.socket_mode.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:54321/``."""
        server = self._root._server
        if server is None:
            raise RuntimeError("the emulator is not started")
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` needs: ends with ``/api/``."""
        return self.url + "api/"

    # -- the workspace --------------------------------------------------------------

    def add_team(self, identity: Identity) -> SlackEmulator:
        """Another Slack workspace on this same server, as for one app installed in two
        workspaces: its own users, channels, views, messages, OAuth codes and tokens
        (only those its codes give out); the server, recorded calls and faults are
        shared. Returns its handle, used like the emulator (``Driver(handle, secret)``
        plays its users); Web API calls reach the workspace whose token they carry."""
        with self._lock:
            if identity.team_id in self._teams:
                raise ValueError(f"team {identity.team_id} is already served")
            first = self._root.workspace
            handle = copy.copy(self)
            handle.identity = identity
            handle.workspace = Workspace(
                identity,
                self._clock,
                seed=len(self._teams),
                tokens=(),
                scopes=first.default_scopes,
                client_id=first.client_id,
                client_secret=first.client_secret,
            )
            handle.workspace.root_url = first.root_url
            handle.workspace.views.home_tab_enabled = first.views.home_tab_enabled
            self._teams[identity.team_id] = handle.workspace
            return handle

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        tz: str = "America/New_York",
        real_name: str = "",
        home_team: str | None = None,
    ) -> None:
        """A member; ``home_team`` makes them an external one, from that organisation's
        team, as in a channel shared with it (Slack Connect)."""
        with self._lock:
            user = User(user_id, name, email, is_admin, is_owner, tz, real_name)
            user.home_team = home_team
            self.workspace.directory.users[user_id] = user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        bot_is_member: bool = True,
        members: Iterable[str] | None = None,
    ) -> None:
        """A channel; ``members=None`` means every user is in it."""
        with self._lock:
            channel = Channel(
                channel_id,
                name,
                is_private=is_private,
                bot_is_member=bot_is_member,
                members=None if members is None else set(members),
                created=int(self._clock()),
            )
            self.workspace.directory.channels[channel_id] = channel

    def add_usergroup(
        self,
        handle: str,
        users: Iterable[str] = (),
        *,
        name: str = "",
        usergroup_id: str | None = None,
        disabled: bool = False,
    ) -> str:
        """A user group (``@handle``) with these members; returns its id (``S…``)."""
        with self._lock:
            directory = self.workspace.directory
            group_id = usergroup_id or self.workspace.ids.new("S")
            if group_id in directory.usergroups:
                raise ValueError(f"user group {group_id} already exists")
            members = list(dict.fromkeys(users))
            for user_id in members:
                directory.user(user_id)
            now = int(self._clock())
            directory.usergroups[group_id] = UserGroup(
                group_id,
                handle,
                name or handle,
                members,
                created=now,
                updated=now,
                disabled_at=now if disabled else 0,
            )
            return group_id

    def change_usergroup(self, usergroup_id: str, users: Iterable[str]) -> str | None:
        """An admin makes ``users`` the group's members in Slack; the Events API body of
        the ``subteam_members_changed`` Slack then sends the app, or None when nothing
        changed (Slack sends nothing then). ``Driver.change_usergroup`` signs it."""
        with self._lock:
            change = self.workspace.directory.set_members(usergroup_id, users)
            if not change.added and not change.removed:
                return None
            me = self.identity
            return subteam_members_changed_body(
                me.team_id,
                me.app_id,
                change,
                bot_user_id=me.bot_user_id,
                event_id=self.workspace.ids.new("Ev"),
            )

    def add_token(self, token: str, scopes: Iterable[str] | None = None) -> None:
        with self._lock:
            chosen = self.workspace.default_scopes if scopes is None else frozenset(scopes)
            self.workspace.tokens[token] = chosen

    # -- what a Slack client hands the app ------------------------------------------

    def issue_trigger_id(self, user_id: str, view_id: str | None = None) -> str:
        """A trigger_id as an interaction by ``user_id`` carries (from inside ``view_id``)."""
        with self._lock:
            return self.workspace.views.issue_trigger(user_id, view_id)

    def issue_response_url(
        self, channel_id: str, user_id: str, message_ts: str | None = None
    ) -> str:
        """A response_url for an interaction in ``channel_id`` (on message ``message_ts``)."""
        with self._lock:
            return self.workspace.issue_response_url(channel_id, user_id, message_ts)

    def issue_oauth_code(self, user_id: str, redirect_uri: str | None = None) -> str:
        with self._lock:
            return self.workspace.issue_oauth_code(redirect_uri, user_id)

    @property
    def socket_mode(self) -> SocketModeServer:
        """Socket Mode's WebSocket side: ``push`` envelopes, ``wait_ack`` the answers."""
        return self.workspace.socket_mode

    # -- views as the user sees them ------------------------------------------------

    def view(self, view_id: str) -> dict[str, Any]:
        with self._lock:
            return self.workspace.views.get(view_id)

    def open_views(self, user_id: str) -> list[dict[str, Any]]:
        """The user's open modal stack, bottom first (empty when no modal is open)."""
        with self._lock:
            return self.workspace.views.stack_for(user_id)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self.workspace.views.home(user_id)

    def resolve_submission(self, view_id: str, ack_body: Any) -> SubmissionOutcome:
        """Apply the app's answer to a view_submission (the HTTP body of its ack)."""
        with self._lock:
            return self.workspace.views.resolve_submission(view_id, ack_body)

    def close_view(self, view_id: str) -> list[str]:
        """The user dismisses ``view_id``; returns the ids of the views that closed."""
        with self._lock:
            return self.workspace.views.close(view_id)

    # -- recordings -----------------------------------------------------------------

    def messages_to(self, channel: str) -> list[dict[str, Any]]:
        """What ``channel`` shows now (ephemeral ones carry ``ephemeral_to``), oldest first."""
        with self._lock:
            return self.workspace.messages_to(channel)

    def files(self) -> list[Upload]:
        with self._lock:
            return list(self.workspace.uploads.values())

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def last(self, method: str) -> Call:
        found = self.calls(method)
        if not found:
            seen = sorted({c.method for c in self.calls()})
            raise LookupError(f"no {method} call was made; seen: {seen}")
        return found[-1]

    def webhook_posts(self, url: str | None = None) -> list[dict[str, Any]]:
        """Bodies accepted at response_urls (at ``url`` only, if given), oldest first."""
        wanted = urlsplit(url).path if url else None
        return [
            c.args
            for c in self.calls(RESPONSE_URL)
            if c.status == 200 and (wanted is None or c.path == wanted)
        ]

    def wait_for(self, method: str, count: int = 1, timeout: float = 2.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` arrived; Bolt acks before it calls."""
        with self._lock:
            arrived = self._lock.wait_for(lambda: len(self._of(method)) >= count, timeout)
            if not arrived:
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, "
                    f"got {len(self._of(method))}"
                )
            return self._of(method)

    def reset(self) -> None:
        """Forget recorded calls and pending faults; the workspace itself stays."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()

    # -- fault injection ------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error: str = "internal_error",
        *,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``error``.

        ``ratelimited`` defaults to HTTP 429 with ``Retry-After: 1``; ``internal_error``
        and ``fatal_error`` to 500; any other error to 200, as Slack reports most errors.
        ``method`` may also be ``response_url`` or ``upload``.
        """
        if status is None:
            status = {"ratelimited": 429, "internal_error": 500, "fatal_error": 500}.get(error, 200)
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            fault = _Fault(error, status, retry_after, drop=False, times=times)
            self._faults.setdefault(method, []).append(fault)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` calls of ``method``."""
        with self._lock:
            fault = _Fault("", 0, None, drop=True, times=times)
            self._faults.setdefault(method, []).append(fault)

    # -- serving (called on the server's threads) -----------------------------------

    def _serve(self, path: str, headers: dict[str, str], raw: bytes) -> Reply | None:
        parts = urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            method, args = route[len("/api/") :], decode_args(headers, raw, parts.query)
        elif route.startswith("/webhook/"):
            method, args = RESPONSE_URL, decode_json(raw)
        elif route.startswith("/upload/v1/"):
            method, args = UPLOAD, {"file_id": route.rsplit("/", 1)[-1], "length": len(raw)}
        else:
            return Reply(404, b"not found", "text/plain")
        with self._lock:
            fault = self._take_fault(method)
            if fault is not None and fault.drop:
                reply = None
            elif fault is not None:
                reply = _fault_reply(fault)
            elif method == RESPONSE_URL:
                url_id = route[len("/webhook/") :]
                workspace = self._teams.get(url_id.split("/", 1)[0], self.workspace)
                status, body = workspace.respond(url_id, args)
                reply = json_reply(status, body)
            elif method == UPLOAD:
                workspace = next(
                    (w for w in self._teams.values() if args["file_id"] in w.uploads),
                    self.workspace,
                )
                status, text = workspace.receive_upload(args["file_id"], raw)
                reply = Reply(status, text.encode(), "text/plain")
            else:
                reply = self._api(method, args, headers)
            self._record(method, args, headers, route, reply)
            return reply

    def _api(self, method: str, args: dict[str, Any], headers: Mapping[str, str]) -> Reply:
        spec = METHODS.get(method)
        if spec is None:
            return json_reply(200, {"ok": False, "error": "unknown_method", "req_method": method})
        authorization = headers.get("authorization", "")
        extra_headers: dict[str, str] = {}
        workspace = self.workspace
        try:
            if spec.basic_auth:
                request = ApiRequest(args, frozenset(), client=parse_basic(authorization))
                code = str(args.get("code", ""))
                workspace = next(
                    (w for w in self._teams.values() if code in w.oauth_codes), workspace
                )
            else:
                token = authorization[7:] if authorization.startswith("Bearer ") else ""
                token = token or str(args.get("token") or "")
                if not token:
                    raise ApiError("not_authed")
                workspace = next((w for w in self._teams.values() if token in w.tokens), workspace)
                scopes = workspace.scopes_for(token)
                extra_headers["x-oauth-scopes"] = ",".join(sorted(scopes))
                request = ApiRequest(args, scopes)
                if spec.scope:
                    request.need(spec.scope)
            body = {"ok": True, **spec.handler(workspace, request)}
            status = 200
        except ApiError as refused:
            status, body = refused.status, refused.body()
        except Exception as bug:
            # An emulator bug must reach the test as an answer that names it, not as a
            # dropped connection that slack_sdk would retry and then blame on the network.
            status, body = 500, {"ok": False, "error": "internal_error", "emulator": repr(bug)}
        return json_reply(status, body, extra_headers)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _record(
        self,
        method: str,
        args: dict[str, Any],
        headers: dict[str, str],
        path: str,
        reply: Reply | None,
    ) -> None:
        response: Any = None
        if reply is not None:
            text = reply.body.decode("utf-8", "replace")
            is_json = reply.content_type.startswith("application/json")
            response = json.loads(text) if is_json else text
        status = reply.status if reply else 0
        self._calls.append(Call(method, args, headers, self._clock(), status, response, path))
        self._lock.notify_all()

    def _of(self, method: str) -> list[Call]:
        return [c for c in self._calls if c.method == method]


def _fault_reply(fault: _Fault) -> Reply:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
    return json_reply(fault.status, {"ok": False, "error": fault.error}, headers)
