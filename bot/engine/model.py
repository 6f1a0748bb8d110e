"""A ring group as the SmartPBX Groups tab defines it, with every rule of product.md.

Field names are the paths rejections are keyed by (``members.3.end``,
``features.call_recording.url``), so a modal can put each message under its input.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.engine.numbers import DID, EXTRA_EXTENSION, LEGACY_NUMBER, PRIMARY_EXTENSION
from bot.engine.text import check_one_line

MAX_MEMBERS = 15
MAX_NAME = 128
MAX_URL = 2048  # what browsers and most servers take; Kazoo's schema sets no bound
MAX_NAME_PREFIX, MAX_NUMBER_PREFIX = 64, 32
MAX_SECONDS = 999
MIN_REPEATS, MAX_REPEATS = 1, 20
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 10800  # Kazoo's record_call bounds
DEFAULT_TIME_LIMIT = 600  # what SmartPBX's form offers
DEFAULT_WINDOW = 120  # SmartPBX's timeline scale
NEW_MEMBER_WINDOW = (0, 20)  # SmartPBX gives an added member delay 0, timeout 20

SILENCE_PREFIX = "silence_stream://"
KAZOO_ID_LENGTH = 32  # Kazoo's vmbox schema insists on it for a voicemail target


def _one_line(what: str) -> AfterValidator:
    return AfterValidator(lambda value: check_one_line(value, what))


class ItemError(ValueError):
    """A rule of a list field broken by one of its items, so the rejection is keyed at
    ``<field>.<index>`` (``members.3``) and a form shows it under that row."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Strategy(StrEnum):
    SIMULTANEOUS = "simultaneous"
    SINGLE = "single"


class Member(_Frozen):
    """One green bar: the user's phones ring from ``start`` to ``end`` seconds."""

    user_id: Annotated[str, Field(min_length=1, max_length=128), _one_line("a user id")]
    start: int = NEW_MEMBER_WINDOW[0]
    end: int = NEW_MEMBER_WINDOW[1]
    # Kazoo skips the member until then (``disable_until``), and stops skipping on its own
    # when the moment passes, so a pause that has passed is harmless and may stay.
    paused_until: datetime | None = None

    @field_validator("paused_until")
    @classmethod
    def _whole_utc_seconds(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a pause ends at a moment with a time zone")
        # Kazoo keeps whole seconds: the same value must come back from the PBX
        return value.astimezone(UTC).replace(microsecond=0)

    def paused_at(self, moment: datetime) -> bool:
        """Whether Kazoo skips this member at ``moment``."""
        return self.paused_until is not None and self.paused_until > moment

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, value: int) -> int:
        if not 0 <= value < MAX_SECONDS:
            raise ValueError(f"start must be between 0 and {MAX_SECONDS - 1} seconds")
        return value

    @field_validator("end")
    @classmethod
    def _end_in_range(cls, value: int) -> int:
        if not 0 < value <= MAX_SECONDS:
            raise ValueError(f"end must be between 1 and {MAX_SECONDS} seconds")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end <= self.start:
            raise ValueError(
                f"end ({self.end} s) must be after start ({self.start} s); "
                "a member rings from start to end"
            )
        return self


class RecordingFormat(StrEnum):
    MP3 = "mp3"
    WAV = "wav"


class CallRecording(_Frozen):
    enabled: bool = False
    format: RecordingFormat = RecordingFormat.MP3
    time_limit: int = DEFAULT_TIME_LIMIT
    url: str | None = None

    @field_validator("time_limit")
    @classmethod
    def _limit_in_range(cls, value: int) -> int:
        if not MIN_TIME_LIMIT <= value <= MAX_TIME_LIMIT:
            raise ValueError(
                f"time limit must be {MIN_TIME_LIMIT}–{MAX_TIME_LIMIT} seconds (Kazoo's bounds)"
            )
        return value

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        value = check_one_line(value.strip(), "the recording URL")
        if len(value) > MAX_URL:
            raise ValueError(f"the recording URL must be at most {MAX_URL:,} characters")
        # Kazoo's crossbar accepts http and https only, although SmartPBX's form takes ftp too.
        if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value, re.IGNORECASE):
            raise ValueError(
                "recording URL must start with http:// or https:// and name a host "
                "(Kazoo refuses ftp, ftps and sftp)"
            )
        _check_recording_host(value)
        return value


def _check_recording_host(url: str) -> None:
    """The PBX sends every recorded call to this address: never to the PBX host itself
    (loopback), to link-local addresses (cloud metadata services live there), or with a
    user and password in the URL, where anyone who can read the group would see them.
    Private networks stay allowed: a recording server beside the PBX is a real setup."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "the recording URL cannot hold a user name or password; "
            "put the credentials in the receiving server, or use url=groupbot"
        )
    host = (parts.hostname or "").rstrip(".").casefold()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if (
        host in ("localhost", "0")
        or host.endswith(".localhost")
        or (
            address is not None
            and (
                address.is_loopback
                or address.is_link_local
                or address.is_unspecified
                or address.is_multicast
            )
        )
    ):
        raise ValueError(
            f"the recording URL cannot send calls to {host} (the PBX itself or a link-local "
            "address); give the address of the server that keeps the recordings"
        )


class RingbackKind(StrEnum):
    DEFAULT = "default"
    SILENCE = "silence"
    MEDIA = "media"


class Ringback(_Frozen):
    kind: RingbackKind = RingbackKind.DEFAULT
    media_id: Annotated[str, _one_line("a media id")] | None = None

    @model_validator(mode="after")
    def _media_needs_id(self) -> Self:
        if self.kind is RingbackKind.MEDIA and not self.media_id:
            raise ValueError("choose the media file to play as ringback")
        if self.kind is not RingbackKind.MEDIA and self.media_id is not None:
            raise ValueError("only a media ringback names a media file")
        # Kazoo (and the decompiler) read a silence stream as "silence", never as media.
        if self.media_id is not None and self.media_id.startswith(SILENCE_PREFIX):
            raise ValueError("for silence choose the silence ringback, not a media file")
        return self


class NextActionKind(StrEnum):
    NONE = "none"  # the "not available" prompt
    VOICEMAIL = "voicemail"
    USER = "user"
    DEVICE = "device"
    MENU = "menu"
    GROUP = "group"


class NextAction(_Frozen):
    """Where an unanswered call goes; ``target_id`` is the PBX id of the box, user, device,
    menu or group (not of a callflow: the compiler looks those up)."""

    kind: NextActionKind = NextActionKind.NONE
    target_id: Annotated[str, Field(max_length=128), _one_line("a target id")] | None = None

    @model_validator(mode="after")
    def _target_matches_kind(self) -> Self:
        if self.kind is NextActionKind.NONE and self.target_id is not None:
            raise ValueError("the default next action has no target")
        if self.kind is not NextActionKind.NONE and not self.target_id:
            raise ValueError(f"choose the {self.kind.value} the call goes to")
        if self.kind is NextActionKind.VOICEMAIL and len(self.target_id or "") != KAZOO_ID_LENGTH:
            raise ValueError(f"a voicemail box id is {KAZOO_ID_LENGTH} characters long")
        return self


class CallerIdPrepend(_Frozen):
    enabled: bool = False
    name_prefix: Annotated[
        str, Field(max_length=MAX_NAME_PREFIX), _one_line("the caller ID name prefix")
    ] = ""
    number_prefix: Annotated[
        str, Field(max_length=MAX_NUMBER_PREFIX), _one_line("the caller ID number prefix")
    ] = ""

    @model_validator(mode="after")
    def _a_prefix_when_on(self) -> Self:
        if self.enabled and not (self.name_prefix or self.number_prefix):
            raise ValueError("caller ID prepend needs a name prefix, a number prefix, or both")
        return self


class Features(_Frozen):
    call_recording: CallRecording = CallRecording()
    ringback: Ringback = Ringback()
    next_action: NextAction = NextAction()
    allow_call_forward: bool = False  # Kazoo's ring_group default is ignore_forward: true
    caller_id_prepend: CallerIdPrepend = CallerIdPrepend()

    @field_validator("call_recording", "caller_id_prepend")
    @classmethod
    def _off_keeps_no_settings(
        cls, value: CallRecording | CallerIdPrepend
    ) -> CallRecording | CallerIdPrepend:
        # Turning a feature off removes its node from the PBX (as SmartPBX does), so its
        # settings cannot survive there; keeping them here would make the stored group
        # differ from the one read back from the PBX.
        return value if value.enabled else type(value)()


class Group(_Frozen):
    name: str
    extension: str
    extra_extensions: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    members: tuple[Member, ...]
    repeats: int = 1
    strategy: Strategy = Strategy.SIMULTANEOUS
    features: Features = Features()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(check_one_line(value, "the group name").split())
        if not 1 <= len(value) <= MAX_NAME:
            raise ValueError(f"name must be 1–{MAX_NAME} characters")
        return value

    @field_validator("extension")
    @classmethod
    def _extension(cls, value: str) -> str:
        if not PRIMARY_EXTENSION.match(value):
            raise ValueError("the group extension must be exactly 3 digits, like 201")
        return value

    @field_validator("extra_extensions")
    @classmethod
    def _extra_extensions(cls, values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        seen = {info.data.get("extension")}
        for value in values:
            if not EXTRA_EXTENSION.match(value):
                raise ValueError(f"extension '{value}' must be 3–6 digits")
            if value in seen:
                raise ValueError(f"{value} is listed twice")
            seen.add(value)
        return values

    @field_validator("numbers")
    @classmethod
    def _numbers(cls, values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        seen = {info.data.get("extension"), *info.data.get("extra_extensions", ())}
        for value in values:
            if not (DID.match(value) or LEGACY_NUMBER.match(value)):
                raise ValueError(
                    f"number '{value}' must be E.164: + then 8–15 digits, like +14155550123"
                )
            if value in seen:
                raise ValueError(f"{value} is listed twice")
            seen.add(value)
        return values

    @field_validator("members")
    @classmethod
    def _members(cls, values: tuple[Member, ...]) -> tuple[Member, ...]:
        if not values:
            raise ValueError("a group needs at least one member; to remove them all, delete it")
        if len(values) > MAX_MEMBERS:
            raise ValueError(f"a group has at most {MAX_MEMBERS} members ({len(values)} given)")
        seen: dict[str, int] = {}
        for index, member in enumerate(values):
            if member.user_id in seen:
                first = seen[member.user_id] + 1
                raise ItemError(
                    index,
                    f"member {index + 1} is the same person as member {first}; "
                    "a person can be a member only once",
                )
            seen[member.user_id] = index
        return values

    @field_validator("repeats")
    @classmethod
    def _repeats(cls, value: int) -> int:
        if not MIN_REPEATS <= value <= MAX_REPEATS:
            raise ValueError(f"dialing repeats must be {MIN_REPEATS}–{MAX_REPEATS}")
        return value

    @property
    def all_numbers(self) -> tuple[str, ...]:
        """Every number that dials the group, primary extension first."""
        return (self.extension, *self.extra_extensions, *self.numbers)

    @property
    def timeout(self) -> int:
        """The ring_group timeout SmartPBX computes: nobody is cut off early."""
        return max(member.end for member in self.members)

    def member(self, user_id: str) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)


def distribute(count: int, window: int = DEFAULT_WINDOW) -> list[tuple[int, int]]:
    """SmartPBX's Distribute: member i of n rings from i·⌊T/n⌋ for ⌊T/n⌋ seconds."""
    if count < 1:
        return []
    if window > MAX_SECONDS:
        raise ValueError(f"the ring window can be at most {MAX_SECONDS} seconds")
    section = window // count
    if section < 1:
        raise ValueError(f"{window} s is too short to give {count} members a second each")
    return [(i * section, i * section + section) for i in range(count)]


def distributed(group: Group, window: int = DEFAULT_WINDOW) -> Group:
    """The group with its members spread evenly over ``window`` seconds, in their order."""
    windows = distribute(len(group.members), window)
    members = tuple(
        m.model_copy(update={"start": s, "end": e})
        for m, (s, e) in zip(group.members, windows, strict=True)
    )
    return group.model_copy(update={"members": members})
