"""Everything one emulated workspace holds, beyond users and views: tokens, messages,
response_urls, file uploads and OAuth codes."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slackemu.checks import check_message
from slackemu.socket_mode import SocketModeServer
from slackemu.state import (
    ApiError,
    Clock,
    Directory,
    Identity,
    Ids,
    Message,
    invalid,
)
from slackemu.views import ViewStore

# Slack's documented budget for a response_url: five posts within thirty minutes.
RESPONSE_URL_USES = 5
RESPONSE_URL_TTL = 30 * 60


@dataclass
class ResponseUrl:
    channel: str
    user: str
    message_ts: str | None
    issued_at: float
    uses: int = 0


@dataclass
class Upload:
    """A file announced by files.getUploadURLExternal; ``data`` once its bytes arrived."""

    id: str
    filename: str
    length: int
    alt_txt: str = ""
    data: bytes | None = None
    title: str = ""
    channels: list[str] = field(default_factory=list)


@dataclass
class OAuthCode:
    redirect_uri: str | None
    user_id: str
    used: bool = False


class Workspace:
    def __init__(
        self,
        identity: Identity,
        clock: Clock,
        *,
        seed: int,
        tokens: Iterable[str] | None,
        scopes: Iterable[str],
        client_id: str,
        client_secret: str,
    ) -> None:
        self.identity = identity
        self.clock = clock
        self.ids = Ids(seed)
        self.directory = Directory(identity, clock)
        self.views = ViewStore(identity, self.ids, clock)
        self.default_scopes = frozenset(scopes)
        # Without an explicit list any bot token passes, as in bolt's own mock server.
        self.open_door = tokens is None
        self.tokens = {token: self.default_scopes for token in tokens or ()}
        self.client_id = client_id
        self.client_secret = client_secret
        self.oauth_codes: dict[str, OAuthCode] = {}
        self.messages: list[Message] = []
        self.response_urls: dict[str, ResponseUrl] = {}
        self.uploads: dict[str, Upload] = {}
        self.root_url = "http://127.0.0.1/"  # set by the server once it has a port
        # Socket Mode's WebSocket endpoint (apps.connections.open), listening once used
        self.socket_mode = SocketModeServer(app_id=identity.app_id)

    # -- tokens ---------------------------------------------------------------------

    def scopes_for(self, token: str) -> frozenset[str]:
        if token in self.tokens:
            return self.tokens[token]
        if self.open_door and token.startswith("xoxb-"):
            return self.default_scopes
        raise ApiError("invalid_auth")

    def issue_oauth_code(self, redirect_uri: str | None, user_id: str) -> str:
        code = f"{int(self.clock())}.{self.ids.hex(16)}"
        self.oauth_codes[code] = OAuthCode(redirect_uri, user_id)
        return code

    def exchange_code(
        self, client: tuple[str, str] | None, args: Mapping[str, Any]
    ) -> tuple[str, str]:
        """A fresh bot token and the installing user for a valid (client, code) pair."""
        if client is None:
            raise ApiError("invalid_client_id")
        client_id, secret = client
        if client_id != self.client_id:
            raise ApiError("invalid_client_id")
        if secret != self.client_secret:
            raise ApiError("bad_client_secret")
        code = self.oauth_codes.get(str(args.get("code", "")))
        if code is None:
            raise ApiError("invalid_code")
        if code.used:
            raise ApiError("code_already_used")
        if code.redirect_uri and args.get("redirect_uri") != code.redirect_uri:
            raise ApiError("bad_redirect_uri")
        code.used = True
        token = f"xoxb-{self.identity.team_id}-{self.ids.hex(24)}"
        self.tokens[token] = self.default_scopes
        return token, code.user_id

    # -- messages -------------------------------------------------------------------

    def post(
        self,
        channel: str,
        args: Mapping[str, Any],
        source: str,
        *,
        ephemeral_to: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> Message:
        text = str(args.get("text") or "")
        blocks = self.checked_blocks(args.get("blocks"), "invalid_blocks")
        if not text and not blocks and not args.get("attachments") and not files:
            raise ApiError("no_text")
        if len(text) > 40_000:
            raise ApiError("msg_too_long")
        message = Message(
            channel=channel,
            ts=self.ids.ts(self.clock()),
            text=text,
            blocks=blocks,
            source=source,
            user=self.identity.bot_user_id,
            ephemeral_to=ephemeral_to,
            thread_ts=str(args["thread_ts"]) if args.get("thread_ts") else None,
            files=files or [],
        )
        self.messages.append(message)
        return message

    def checked_blocks(self, blocks: Any, error: str) -> list[Any]:
        if blocks is None or blocks == "":
            return []
        problems = check_message(blocks)
        if problems:
            raise invalid(error, problems)
        assert isinstance(blocks, list)
        return blocks

    def message(self, channel: Any, ts: Any) -> Message:
        for message in self.messages:
            if message.channel == channel and message.ts == ts and not message.deleted:
                return message
        raise ApiError("message_not_found")

    def messages_to(self, channel: str) -> list[dict[str, Any]]:
        return [m.summary() for m in self.messages if m.channel == channel and not m.deleted]

    def to_api(self, message: Message) -> dict[str, Any]:
        return message.to_api(self.identity.bot_id, self.identity.app_id, self.identity.team_id)

    # -- response_url ---------------------------------------------------------------

    def issue_response_url(self, channel: str, user: str, message_ts: str | None) -> str:
        url_id = f"{self.identity.team_id}/{self.ids.hex(12)}"
        self.response_urls[url_id] = ResponseUrl(channel, user, message_ts, self.clock())
        return f"{self.root_url}webhook/{url_id}"

    def respond(self, url_id: str, body: Any) -> tuple[int, dict[str, Any]]:
        """A post to a response_url, as Bolt's ``respond()`` makes it."""
        hook = self.response_urls.get(url_id)
        try:
            if hook is None:
                raise ApiError("invalid_url", status=404)
            if self.clock() - hook.issued_at > RESPONSE_URL_TTL:
                raise ApiError("expired_url", status=404)
            if hook.uses >= RESPONSE_URL_USES:
                raise ApiError("used_url", status=404)
            if not isinstance(body, dict):
                raise ApiError("invalid_payload", status=400)
            self._apply_response(hook, body)
        except ApiError as refused:
            return (400 if refused.status == 200 else refused.status), refused.body()
        hook.uses += 1
        return 200, {"ok": True}

    def _apply_response(self, hook: ResponseUrl, body: dict[str, Any]) -> None:
        original = None
        if hook.message_ts and (body.get("replace_original") or body.get("delete_original")):
            original = self.message(hook.channel, hook.message_ts)
        if original is not None and body.get("delete_original"):
            original.deleted = True
        elif original is not None:
            original.text = str(body.get("text") or "")
            original.blocks = self.checked_blocks(body.get("blocks"), "invalid_blocks")
        else:
            in_channel = body.get("response_type") == "in_channel"
            self.post(
                hook.channel, body, "response_url", ephemeral_to=None if in_channel else hook.user
            )

    # -- files ----------------------------------------------------------------------

    def new_upload(self, filename: str, length: int, alt_txt: str) -> Upload:
        upload = Upload(self.ids.new("F"), filename, length, alt_txt)
        self.uploads[upload.id] = upload
        return upload

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        upload = self.uploads.get(file_id)
        if upload is None:
            return 404, "unknown upload"
        if len(data) != upload.length:
            # Our choice of answer: the declared length is what Slack stores and bills.
            return 400, f"length mismatch: declared {upload.length}, received {len(data)}"
        upload.data = data
        return 200, f"OK - {len(data)}"

    def file_object(self, upload: Upload) -> dict[str, Any]:
        return {
            "id": upload.id,
            "created": int(self.clock()),
            "timestamp": int(self.clock()),
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "mimetype": _mimetype(upload.filename),
            "filetype": upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "",
            "user": self.identity.bot_user_id,
            "size": upload.length,
            "alt_txt": upload.alt_txt,
            "url_private": f"{self.root_url}files/{upload.id}",
            "permalink": f"{self.root_url}files/{upload.id}/permalink",
            "channels": list(upload.channels),
            "groups": [],
            "ims": [],
        }


def _mimetype(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
