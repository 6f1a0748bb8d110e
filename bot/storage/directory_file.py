"""The directory file (product.md "The directory file"): parsed and checked, or refused.

Every problem is reported as ``<section>[<index>].<field>: <what to fix>`` and nothing is
imported from a file with any problem.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

import yaml

from bot.errors import FieldErrors

KAZOO_ID = re.compile(r"^[0-9a-f]{32}$")
DIGITS = re.compile(r"^\d+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,31}$")
# Stable ids for entries that name none: the same file gives the same ids every time.
ID_NAMESPACE = uuid.UUID("6f1c8f0e-2b0a-4d55-9a49-4a1d8f5e7c21")


_T = TypeVar("_T")


class DirectoryFileError(FieldErrors):
    """The file breaks a rule; ``errors`` maps ``users[2].extension`` to what to fix."""


class DirectoryInUse(DirectoryFileError):
    """The file leaves out users or things that groups still use; ``errors`` maps
    ``groups.Sales.members`` (and the like) to the group, what it uses and what to do."""


@dataclass(frozen=True)
class UserEntry:
    id: str | None
    name: str
    email: str | None
    extension: str | None
    slack_user: str | None
    main_callflow_id: str | None


@dataclass(frozen=True)
class DeviceEntry:
    id: str | None
    name: str
    owner: str | None  # an email of a user in the file
    enabled: bool
    do_not_disturb: bool


@dataclass(frozen=True)
class VoicemailEntry:
    id: str | None
    name: str
    mailbox: str


@dataclass(frozen=True)
class MenuEntry:
    id: str | None
    name: str
    callflow_id: str | None


@dataclass(frozen=True)
class MediaEntry:
    id: str | None
    name: str


@dataclass(frozen=True)
class DirectoryData:
    users: tuple[UserEntry, ...] = ()
    devices: tuple[DeviceEntry, ...] = ()
    voicemail_boxes: tuple[VoicemailEntry, ...] = ()
    menus: tuple[MenuEntry, ...] = ()
    media: tuple[MediaEntry, ...] = ()


def derived_id(account_id: str, kind: str, key: str) -> str:
    """A Kazoo-shaped id (32 lowercase hex) that depends only on what it names."""
    return uuid.uuid5(ID_NAMESPACE, f"{account_id}/{kind}/{key.casefold()}").hex


def demo_directory_text() -> str:
    return resources.files("bot.storage").joinpath("demo_directory.yaml").read_text("utf-8")


def yaml_problem(error: yaml.YAMLError, source: str = "file") -> str:
    """One line for a YAML syntax error: the file, line and column, and what is wrong.

    The parser's own text spans several lines; where it marks the construct it was
    reading (a quoted string, a key, a flow mapping), that start is where to look."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.context_mark or error.problem_mark
        problem = error.problem or "cannot be read"
        context = f" ({error.context})" if error.context else ""
        if mark is not None:
            where = f"{source}, line {mark.line + 1}, column {mark.column + 1}"
            return f"{where}: not valid YAML, {problem}{context}"
        return f"{source}: not valid YAML, {problem}{context}"
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{source}: not valid YAML, {first}"


def load_directory_yaml(text: str, source: str = "file") -> DirectoryData:
    """``source`` names the file in a syntax error ("dir.yaml, line 3, column 5: …")."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DirectoryFileError({"file": yaml_problem(error, source)}) from None
    return parse_directory(data if data is not None else {})


SECTIONS = ("users", "devices", "voicemail_boxes", "menus", "media")
FIELDS = {
    "users": {"id", "name", "email", "extension", "slack_user", "main_callflow_id"},
    "devices": {"id", "name", "owner", "enabled", "do_not_disturb"},
    "voicemail_boxes": {"id", "name", "mailbox"},
    "menus": {"id", "name", "callflow_id"},
    "media": {"id", "name"},
}


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, f"{path}: {message}")

    def text(
        self,
        entry: Mapping[str, Any],
        path: str,
        key: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        rule: str = "",
        max_length: int = 255,
    ) -> str | None:
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(f"{path}.{key}", "is required")
            return None
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and key in ("extension", "mailbox")
        ):
            value = str(value)  # `extension: 101` unquoted is what people write
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", "must be text")
            return None
        value = value.strip()
        if len(value) > max_length:
            self.fail(f"{path}.{key}", f"must be at most {max_length} characters")
            return None
        if pattern is not None and not pattern.match(value):
            self.fail(f"{path}.{key}", rule)
            return None
        return value

    def flag(self, entry: Mapping[str, Any], path: str, key: str, default: bool) -> bool:
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", "must be true or false")
            return default
        return value


def parse_directory(data: object) -> DirectoryData:
    check = _Checker()
    if not isinstance(data, Mapping):
        raise DirectoryFileError({"file": "file: must be a mapping with users, devices, …"})
    for key in data:
        if key not in SECTIONS:
            check.fail(str(key), f"unknown section; expected one of {', '.join(SECTIONS)}")
    entries: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for section in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list):
            check.fail(section, "must be a list")
            items = []
        entries[section] = []
        for index, item in enumerate(items):
            path = f"{section}[{index}]"
            if not isinstance(item, Mapping):
                check.fail(path, "must be a mapping with at least a name")
                continue
            for key in item:
                if key not in FIELDS[section]:
                    check.fail(f"{path}.{key}", "unknown field")
            entries[section].append((path, item))
    parsed = DirectoryData(
        users=tuple(_each(entries["users"], check, _user)),
        devices=tuple(_each(entries["devices"], check, _device)),
        voicemail_boxes=tuple(_each(entries["voicemail_boxes"], check, _vmbox)),
        menus=tuple(_each(entries["menus"], check, _menu)),
        media=tuple(_each(entries["media"], check, _media)),
    )
    _check_unique(parsed, entries, check)
    if check.errors:
        raise DirectoryFileError(check.errors)
    return parsed


def _each(
    items: list[tuple[str, Mapping[str, Any]]],
    check: _Checker,
    build: Callable[[Mapping[str, Any], str, _Checker], _T],
) -> list[_T]:
    return [build(item, path, check) for path, item in items]


def _id(item: Mapping[str, Any], path: str, check: _Checker, key: str = "id") -> str | None:
    return check.text(item, path, key, pattern=KAZOO_ID, rule="must be 32 lowercase hex characters")


def _name(item: Mapping[str, Any], path: str, check: _Checker) -> str:
    return check.text(item, path, "name", required=True) or ""


def _user(item: Mapping[str, Any], path: str, check: _Checker) -> UserEntry:
    email = check.text(item, path, "email", pattern=EMAIL, rule="must be an email address")
    return UserEntry(
        id=_id(item, path, check),
        name=_name(item, path, check),
        email=email.lower() if email else None,
        extension=check.text(
            item, path, "extension", pattern=DIGITS, rule="must be digits", max_length=16
        ),
        slack_user=check.text(
            item,
            path,
            "slack_user",
            pattern=SLACK_USER,
            rule="must be a Slack user id like U0123ABCD",
        ),
        main_callflow_id=_id(item, path, check, "main_callflow_id"),
    )


def _device(item: Mapping[str, Any], path: str, check: _Checker) -> DeviceEntry:
    owner = check.text(item, path, "owner", pattern=EMAIL, rule="must be the email of a user")
    return DeviceEntry(
        id=_id(item, path, check),
        name=_name(item, path, check),
        owner=owner.lower() if owner else None,
        enabled=check.flag(item, path, "enabled", True),
        do_not_disturb=check.flag(item, path, "do_not_disturb", False),
    )


def _vmbox(item: Mapping[str, Any], path: str, check: _Checker) -> VoicemailEntry:
    mailbox = check.text(
        item, path, "mailbox", required=True, pattern=DIGITS, rule="must be digits", max_length=16
    )
    return VoicemailEntry(
        id=_id(item, path, check), name=_name(item, path, check), mailbox=mailbox or ""
    )


def _menu(item: Mapping[str, Any], path: str, check: _Checker) -> MenuEntry:
    return MenuEntry(
        id=_id(item, path, check),
        name=_name(item, path, check),
        callflow_id=_id(item, path, check, "callflow_id"),
    )


def _media(item: Mapping[str, Any], path: str, check: _Checker) -> MediaEntry:
    return MediaEntry(id=_id(item, path, check), name=_name(item, path, check))


def _check_unique(
    parsed: DirectoryData,
    entries: dict[str, list[tuple[str, Mapping[str, Any]]]],
    check: _Checker,
) -> None:
    paths = {section: [path for path, _ in entries[section]] for section in SECTIONS}
    seen: dict[tuple[str, str], str] = {}

    def once(kind: str, value: str | None, path: str, label: str) -> None:
        if value is None:
            return
        key = (kind, value.casefold())
        if key in seen:
            check.fail(path, f"{label} {value} is already used by {seen[key]}")
        else:
            seen[key] = path.rsplit(".", 1)[0]

    for path, user in zip(paths["users"], parsed.users, strict=True):
        once("id", user.id, f"{path}.id", "id")
        once("email", user.email, f"{path}.email", "email")
        once("extension", user.extension, f"{path}.extension", "extension")
        once("slack", user.slack_user, f"{path}.slack_user", "Slack user")
    emails = {user.email for user in parsed.users if user.email}
    for path, device in zip(paths["devices"], parsed.devices, strict=True):
        once("id", device.id, f"{path}.id", "id")
        if device.owner is not None and device.owner not in emails:
            check.fail(f"{path}.owner", f"no user in the file has the email {device.owner}")
    named: tuple[tuple[str, Sequence[VoicemailEntry | MenuEntry | MediaEntry]], ...] = (
        ("voicemail_boxes", parsed.voicemail_boxes),
        ("menus", parsed.menus),
        ("media", parsed.media),
    )
    for section, items in named:
        for path, item in zip(paths[section], items, strict=True):
            once("id", item.id, f"{path}.id", "id")
            once(section, item.name, f"{path}.name", "name")
    for path, box in zip(paths["voicemail_boxes"], parsed.voicemail_boxes, strict=True):
        once("mailbox", box.mailbox, f"{path}.mailbox", "mailbox")
