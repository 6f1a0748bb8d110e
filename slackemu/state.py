"""The emulated workspace: users, channels, messages, tokens, ids and the clock.

Everything here is plain data plus small lookups that raise ``ApiError`` with the error
code Slack would answer; the HTTP layer (``server.py``) turns that into a response.
Not thread-safe by itself: the emulator serialises every request under one lock.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], float]

# What manifests/*.yaml grants the bot; tests/test_manifests.py keeps the two equal.
DEFAULT_BOT_SCOPES = (
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "files:write",
    "usergroups:read",
)


class ApiError(Exception):
    """A Web API failure: ``{"ok": false, "error": code, **extra}`` with an HTTP status."""

    def __init__(self, error: str, *, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def invalid(error: str, messages: list[str]) -> ApiError:
    """Slack's shape for payload validation failures."""
    return ApiError(error, response_metadata={"messages": messages})


class ManualClock:
    """A clock tests move by hand, so expiry rules are checked without sleeping."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Ids:
    """Slack-looking ids (``V0A1B2C3D4E``), reproducible for a given seed."""

    _ALPHABET = string.ascii_uppercase + string.digits

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._ts = 0

    def new(self, prefix: str, length: int = 10) -> str:
        return prefix + "".join(self._random.choices(self._ALPHABET, k=length))

    def short(self) -> str:
        """What Slack puts in an omitted block_id or action_id (e.g. ``hspI``)."""
        return "".join(self._random.choices(string.ascii_letters + string.digits, k=4))

    def hex(self, length: int = 24) -> str:
        return "".join(self._random.choices("0123456789abcdef", k=length))

    def ts(self, now: float) -> str:
        # Message timestamps double as message ids: unique and increasing.
        self._ts += 1
        return f"{int(now)}.{self._ts:06d}"


@dataclass
class User:
    id: str
    name: str
    email: str
    is_admin: bool = False
    is_owner: bool = False
    tz: str = "America/New_York"
    real_name: str = ""
    is_bot: bool = False
    deleted: bool = False
    # another organisation's team: an external member of a shared channel, whose
    # is_admin and is_owner are about their own organisation
    home_team: str | None = None

    def to_api(self, team_id: str, now: float, *, with_email: bool) -> dict[str, Any]:
        """The ``user`` object of users.info / users.list / users.lookupByEmail."""
        team_id = self.home_team or team_id
        offset, label = _tz_details(self.tz, now)
        real_name = self.real_name or self.name
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.name,
            "display_name_normalized": self.name,
            "status_text": "",
            "status_emoji": "",
            "team": team_id,
        }
        if with_email and self.email:
            # Slack leaves the address out unless the token has users:read.email.
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": label,
            "tz_offset": offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": self.is_owner,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": int(now),
        }


def _tz_details(tz: str, now: float) -> tuple[int, str]:
    try:
        local = datetime.fromtimestamp(now, UTC).astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, "Coordinated Universal Time"
    offset = local.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), str(local.tzname())


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    bot_is_member: bool = True
    members: set[str] | None = None  # None: every workspace user is in it
    created: int = 0

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "is_member": self.bot_is_member,
            "created": self.created,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class UserGroup:
    """A Slack user group (a "subteam": ids start with S), mentioned as ``@handle``."""

    id: str
    handle: str
    name: str
    users: list[str]
    created: int
    updated: int
    created_by: str = "USLACKBOT"
    description: str = ""
    disabled_at: int = 0  # Slack's date_delete: a disabled group keeps its members

    def to_api(self, team_id: str, *, with_users: bool, with_count: bool) -> dict[str, Any]:
        """The usergroup object of usergroups.list (and usergroups.create/update)."""
        group: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "is_usergroup": True,
            "is_subteam": True,
            "name": self.name,
            "description": self.description,
            "handle": self.handle,
            "is_external": False,
            "date_create": self.created,
            "date_update": self.updated,
            "date_delete": self.disabled_at,
            "auto_type": None,
            "auto_provision": False,
            "enterprise_subteam_id": "",
            "created_by": self.created_by,
            "updated_by": self.created_by,
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
        }
        if with_users:
            group["users"] = list(self.users)
        if with_count:
            group["user_count"] = len(self.users)
        return group


@dataclass(frozen=True)
class MembersChange:
    """One change of a user group's members, as ``subteam_members_changed`` tells it."""

    usergroup_id: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    previous_update: int
    update: int


@dataclass
class Message:
    """A message as the workspace shows it; ``source`` says which path posted it."""

    channel: str
    ts: str
    text: str
    blocks: list[Any]
    source: str
    user: str
    ephemeral_to: str | None = None
    thread_ts: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    def to_api(self, bot_id: str, app_id: str, team_id: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "ts": self.ts,
            "user": self.user,
            "bot_id": bot_id,
            "app_id": app_id,
            "team": team_id,
            "text": self.text,
        }
        if self.blocks:
            message["blocks"] = self.blocks
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        if self.files:
            message["files"] = self.files
        return message

    def summary(self) -> dict[str, Any]:
        """What ``SlackEmulator.messages_to`` hands tests: the visible content."""
        return {
            "channel": self.channel,
            "ts": self.ts,
            "text": self.text,
            "blocks": self.blocks,
            "source": self.source,
            "ephemeral_to": self.ephemeral_to,
            "thread_ts": self.thread_ts,
            "files": self.files,
        }


@dataclass(frozen=True)
class Call:
    """One request the emulator received, as decoded, with what it answered."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int  # 0 when the connection was dropped on purpose
    response: Any  # the JSON (or text) answered, None when dropped
    path: str = ""


@dataclass
class Identity:
    """Who the emulated app is in the emulated workspace."""

    team_id: str = "T0EMULATOR"
    team_name: str = "groupbot-dev"
    app_id: str = "A0GROUPBOT"
    bot_id: str = "B0GROUPBOT"
    bot_user_id: str = "U0GROUPBOT"
    bot_name: str = "groupbot"


class Directory:
    """Users and channels, and the membership rules posting depends on."""

    def __init__(self, identity: Identity, clock: Clock) -> None:
        self.identity = identity
        self.clock = clock
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, UserGroup] = {}
        bot = User(identity.bot_user_id, identity.bot_name, "", is_bot=True)
        self.users[bot.id] = bot

    def user(self, user_id: Any) -> User:
        found = self.users.get(str(user_id))
        if found is None or found.deleted:
            raise ApiError("user_not_found")
        return found

    def by_email(self, email: Any) -> User:
        wanted = str(email).lower()
        for user in self.users.values():
            if user.email.lower() == wanted and not user.deleted:
                return user
        raise ApiError("users_not_found")

    def usergroup(self, usergroup_id: Any, *, include_disabled: bool = False) -> UserGroup:
        found = self.usergroups.get(str(usergroup_id))
        if found is None or (found.disabled_at and not include_disabled):
            raise ApiError("no_such_subteam")
        return found

    def set_members(self, usergroup_id: str, users: Iterable[str]) -> MembersChange:
        """Make ``users`` the group's members (in that order), as an admin does in Slack."""
        group = self.usergroups.get(usergroup_id)
        if group is None:
            raise KeyError(f"no user group {usergroup_id}; there are {sorted(self.usergroups)}")
        wanted = list(dict.fromkeys(users))
        for user_id in wanted:
            self.user(user_id)  # Slack offers only the workspace's members
        before = group.users
        # date_update is in whole seconds: two changes within one second still differ
        now = max(int(self.clock()), group.updated + 1)
        change = MembersChange(
            usergroup_id,
            added=tuple(u for u in wanted if u not in before),
            removed=tuple(u for u in before if u not in wanted),
            previous_update=group.updated,
            update=now,
        )
        group.users, group.updated = wanted, now
        return change

    def channel(self, channel_id: Any) -> Channel:
        """A channel the bot can see: private channels it is not in do not exist for it."""
        found = self.channels.get(str(channel_id))
        if found is None or (found.is_private and not found.bot_is_member):
            raise ApiError("channel_not_found")
        return found

    def postable(
        self, channel_id: Any, scopes: frozenset[str], *, outsider: str = "not_in_channel"
    ) -> str:
        """The channel a bot message lands in, or the error Slack gives for it.

        A user id means the bot's direct message with that user. Public channels need
        the bot as a member unless the token has chat:write.public; ``outsider`` is the
        error when it is not one.
        """
        target = str(channel_id or "")
        if target in self.users and target.startswith(("U", "W")):
            self.user(target)
            return "D" + target[1:]
        if target.startswith("D") and "U" + target[1:] in self.users:
            return target  # the app's direct message with that user
        channel = self.channel(target)
        if not channel.bot_is_member and "chat:write.public" not in scopes:
            raise ApiError(outsider)
        return channel.id

    def is_in(self, user_id: str, channel_id: str) -> bool:
        channel = self.channels.get(channel_id)
        if channel is None:
            return channel_id == "D" + user_id[1:]
        return channel.members is None or user_id in channel.members
