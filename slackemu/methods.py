"""The Web API methods the emulator answers, with Slack's response shapes.

Each handler takes the workspace and a decoded request and returns the success body;
failures raise ``ApiError``. ``METHODS`` says which scope each one needs, so a token
without it gets ``missing_scope`` as on Slack (the manifest's scope list is tested
against ``DEFAULT_BOT_SCOPES``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slackemu.state import ApiError, Message, invalid
from slackemu.workspace import Workspace


@dataclass
class ApiRequest:
    args: dict[str, Any]
    scopes: frozenset[str]
    client: tuple[str, str] | None = None  # (client_id, client_secret) from Basic auth

    def text(self, key: str) -> str:
        value = self.args.get(key)
        return "" if value is None else str(value)

    def flag(self, key: str) -> bool:
        """A boolean argument as slack_sdk sends it (``true``/``1``, or JSON true)."""
        return self.text(key).lower() in ("true", "1")

    def need(self, scope: str) -> None:
        if scope not in self.scopes:
            raise ApiError("missing_scope", needed=scope, provided=",".join(sorted(self.scopes)))


Handler = Callable[[Workspace, ApiRequest], dict[str, Any]]


@dataclass(frozen=True)
class Method:
    handler: Handler
    scope: str | None = None
    basic_auth: bool = False  # oauth.v2.access authenticates the app, not a token


def parse_basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


# -- auth / oauth ---------------------------------------------------------------------


def auth_test(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    me = ws.identity
    return {
        "url": f"https://{me.team_name}.slack.com/",
        "team": me.team_name,
        "user": me.bot_name,
        "team_id": me.team_id,
        "user_id": me.bot_user_id,
        "bot_id": me.bot_id,
        "is_enterprise_install": False,
    }


def oauth_v2_access(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    token, user_id = ws.exchange_code(req.client, req.args)
    me = ws.identity
    return {
        "access_token": token,
        "token_type": "bot",
        "scope": ",".join(sorted(ws.default_scopes)),
        "bot_user_id": me.bot_user_id,
        "app_id": me.app_id,
        "team": {"id": me.team_id, "name": me.team_name},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": user_id},
    }


# -- chat -----------------------------------------------------------------------------


def chat_post_message(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    channel = ws.directory.postable(req.args.get("channel"), req.scopes)
    message = ws.post(channel, req.args, "chat.postMessage")
    return {"channel": channel, "ts": message.ts, "message": ws.to_api(message)}


def chat_post_ephemeral(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    channel = ws.directory.postable(req.args.get("channel"), req.scopes)
    user = ws.directory.user(req.args.get("user")).id
    if not ws.directory.is_in(user, channel):
        raise ApiError("user_not_in_channel")
    message = ws.post(channel, req.args, "chat.postEphemeral", ephemeral_to=user)
    return {"message_ts": message.ts}


def chat_update(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    message = _own_message(ws, req, "cant_update_message")
    if "text" not in req.args and "blocks" not in req.args:
        raise ApiError("no_text")
    blocks = ws.checked_blocks(req.args.get("blocks"), "invalid_blocks")
    if "text" in req.args:
        message.text = req.text("text")
    if "blocks" in req.args:
        message.blocks = blocks
    return {
        "channel": message.channel,
        "ts": message.ts,
        "text": message.text,
        "message": ws.to_api(message),
    }


def chat_delete(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    message = _own_message(ws, req, "cant_delete_message")
    message.deleted = True
    return {"channel": message.channel, "ts": message.ts}


def _own_message(ws: Workspace, req: ApiRequest, refusal: str) -> Message:
    channel = ws.directory.postable(req.args.get("channel"), req.scopes)
    message = ws.message(channel, req.text("ts"))
    # Ephemeral messages live only in the client; the API cannot touch them.
    if message.ephemeral_to is not None:
        raise ApiError("message_not_found")
    if message.user != ws.identity.bot_user_id:
        raise ApiError(refusal)
    return message


# -- views ----------------------------------------------------------------------------


def views_open(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    return {"view": ws.views.open(req.args.get("trigger_id"), req.args.get("view"))}


def views_push(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    return {"view": ws.views.push(req.args.get("trigger_id"), req.args.get("view"))}


def views_update(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    args = req.args
    view = ws.views.update(
        args.get("view_id"), args.get("external_id"), args.get("view"), args.get("hash")
    )
    return {"view": view}


def views_publish(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    user = ws.directory.user(req.args.get("user_id")).id
    return {"view": ws.views.publish(user, req.args.get("view"), req.args.get("hash"))}


# -- users / conversations ------------------------------------------------------------


def users_info(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    user = ws.directory.user(req.args.get("user"))
    return {"user": user.to_api(ws.identity.team_id, ws.clock(), with_email=_emails(req))}


def users_lookup_by_email(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    user = ws.directory.by_email(req.text("email"))
    return {"user": user.to_api(ws.identity.team_id, ws.clock(), with_email=True)}


def users_list(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    everyone = list(ws.directory.users.values())
    start = _cursor_offset(req.text("cursor"))
    limit = int(req.text("limit")) if req.text("limit").isdigit() else 0
    limit = limit or len(everyone)
    page = everyone[start : start + limit]
    following = start + limit
    cursor = _cursor(following) if following < len(everyone) else ""
    now = ws.clock()
    return {
        "members": [u.to_api(ws.identity.team_id, now, with_email=_emails(req)) for u in page],
        "cache_ts": int(now),
        "response_metadata": {"next_cursor": cursor},
    }


def conversations_info(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    known = ws.directory.channels.get(req.text("channel"))
    req.need("groups:read" if known is not None and known.is_private else "channels:read")
    return {"channel": ws.directory.channel(req.text("channel")).to_api()}


# -- user groups ----------------------------------------------------------------------


def usergroups_list(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    disabled = req.flag("include_disabled")
    shown = [g for g in ws.directory.usergroups.values() if disabled or not g.disabled_at]
    team = ws.identity.team_id
    with_users, with_count = req.flag("include_users"), req.flag("include_count")
    return {
        "usergroups": [g.to_api(team, with_users=with_users, with_count=with_count) for g in shown]
    }


def usergroups_users_list(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    if not req.text("usergroup"):
        raise invalid("invalid_arguments", ["[ERROR] missing required field: usergroup"])
    # A disabled group without include_disabled: Slack's docs name no error of its own
    # for it, so it is answered like a group that is not there.
    group = ws.directory.usergroup(
        req.text("usergroup"), include_disabled=req.flag("include_disabled")
    )
    return {"users": list(group.users)}


def _emails(req: ApiRequest) -> bool:
    return "users:read.email" in req.scopes


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _cursor_offset(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("offset:"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as bad:
        raise ApiError("invalid_cursor") from bad


# -- files ----------------------------------------------------------------------------


def files_get_upload_url_external(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    filename, length = req.text("filename"), req.text("length")
    if not filename or not length.isdigit():
        raise ApiError("invalid_arguments")
    upload = ws.new_upload(filename, int(length), req.text("alt_txt"))
    return {"upload_url": f"{ws.root_url}upload/v1/{upload.id}", "file_id": upload.id}


def files_complete_upload_external(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    files = req.args.get("files")
    if not isinstance(files, list) or not files:
        raise ApiError("invalid_arguments")
    channel = req.text("channel_id") or req.text("channels").split(",")[0]
    target = None
    if channel:
        # Sharing a file needs the bot in the channel; chat:write.public does not help.
        target = ws.directory.postable(channel, frozenset(), outsider="channel_not_found")
    uploads = []
    for item in files:
        upload = ws.uploads.get(str(item.get("id")) if isinstance(item, dict) else "")
        if upload is None or upload.data is None:
            raise ApiError("file_not_found")  # never announced, or its bytes never arrived
        upload.title = str(item.get("title") or upload.filename)
        if target:
            upload.channels.append(target)
        uploads.append(upload)
    objects = [ws.file_object(upload) for upload in uploads]
    if target:
        comment = {"text": req.text("initial_comment"), **_thread(req)}
        ws.post(target, comment, "files.completeUploadExternal", files=objects)
    return {"files": objects}


def apps_connections_open(ws: Workspace, req: ApiRequest) -> dict[str, Any]:
    """Socket Mode: a one-off WebSocket URL, for an app-level (``xapp-``) token."""
    return {"url": ws.socket_mode.issue_url()}


def _thread(req: ApiRequest) -> dict[str, Any]:
    return {"thread_ts": req.args["thread_ts"]} if req.args.get("thread_ts") else {}


METHODS: dict[str, Method] = {
    "auth.test": Method(auth_test),
    "apps.connections.open": Method(apps_connections_open, "connections:write"),
    "oauth.v2.access": Method(oauth_v2_access, basic_auth=True),
    "chat.postMessage": Method(chat_post_message, "chat:write"),
    "chat.postEphemeral": Method(chat_post_ephemeral, "chat:write"),
    "chat.update": Method(chat_update, "chat:write"),
    "chat.delete": Method(chat_delete, "chat:write"),
    "views.open": Method(views_open),
    "views.push": Method(views_push),
    "views.update": Method(views_update),
    "views.publish": Method(views_publish),
    "users.info": Method(users_info, "users:read"),
    "users.lookupByEmail": Method(users_lookup_by_email, "users:read.email"),
    "users.list": Method(users_list, "users:read"),
    "conversations.info": Method(conversations_info),
    "usergroups.list": Method(usergroups_list, "usergroups:read"),
    "usergroups.users.list": Method(usergroups_users_list, "usergroups:read"),
    "files.getUploadURLExternal": Method(files_get_upload_url_external, "files:write"),
    "files.completeUploadExternal": Method(files_complete_upload_external, "files:write"),
}
