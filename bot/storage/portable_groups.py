"""Groups as portable YAML (``groupbot export`` / ``groupbot import``).

Portable means free of one account's ids: members are named by email, ringback media,
voicemail boxes, devices, menus and other groups by name, so a file exported from one
PBX account imports into another whose directory has the same people and things.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from bot.engine.directory import Directory
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.engine.validation import GroupRejected, field_label, rejected_from
from bot.errors import FieldErrors
from bot.storage.directory_file import yaml_problem

FORMAT_VERSION = 1


class PortableFileError(FieldErrors):
    """The file cannot be imported; ``errors`` maps ``groups[1].members[0].user`` to why."""


def export_groups(
    groups: Sequence[tuple[Group, Sequence[str]]],
    directory: Directory,
    emails: Mapping[str, str | None],
) -> str:
    """``groups`` as (group, leads) pairs; ``emails`` maps PBX user ids to emails."""
    out = [_export(group, leads, directory, emails) for group, leads in groups]
    return yaml.safe_dump(
        {"version": FORMAT_VERSION, "groups": out}, sort_keys=False, allow_unicode=True
    )


def _name_of(
    kind: NextActionKind, target: str, directory: Directory, emails: Mapping[str, str | None]
) -> str:
    if kind is NextActionKind.USER:
        return emails.get(target) or target
    names: Mapping[str, object] = {
        NextActionKind.VOICEMAIL: directory.vmboxes,
        NextActionKind.DEVICE: directory.devices,
        NextActionKind.MENU: {k: v.name for k, v in directory.menus.items()},
        NextActionKind.GROUP: {k: v.name for k, v in directory.groups.items()},
    }[kind]
    return str(names.get(target, target))


def _export(
    group: Group, leads: Sequence[str], directory: Directory, emails: Mapping[str, str | None]
) -> dict[str, Any]:
    data = group.model_dump(mode="json")
    data["members"] = [
        {"user": emails.get(m.user_id) or m.user_id, "start": m.start, "end": m.end}
        for m in group.members
    ]
    features = data["features"]
    ringback = group.features.ringback
    features["ringback"] = {"kind": ringback.kind.value}
    if ringback.kind is RingbackKind.MEDIA and ringback.media_id:
        features["ringback"]["media"] = directory.media.get(ringback.media_id, ringback.media_id)
    action = group.features.next_action
    features["next_action"] = {"kind": action.kind.value}
    if action.target_id is not None:
        features["next_action"]["target"] = _name_of(
            action.kind, action.target_id, directory, emails
        )
    data["leads"] = list(leads)
    return data


@dataclass(frozen=True)
class PortableEntry:
    """One group of the file: ``group`` when it reads well, else ``errors`` (field path of
    the group → what to fix)."""

    position: int  # 1 for the file's first group
    name: str  # as written; "" when the entry has none
    group: Group | None
    leads: list[str]
    errors: Mapping[str, str]


def portable_entries(text: str, source: str = "file") -> list[object]:
    """The file's entries, as written, or ``PortableFileError`` when it is not a groups file;
    ``source`` names the file in a syntax error."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PortableFileError({"file": yaml_problem(error, source)}) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("groups"), list):
        raise PortableFileError({"groups": "the file must hold a list of groups under groups:"})
    return list(data["groups"])


def entry_name(entry: object) -> str:
    name = entry.get("name") if isinstance(entry, Mapping) else None
    return str(name).strip() if name is not None else ""


def parse_portable_groups(
    entries: Sequence[object], directory: Directory, emails: Mapping[str, str]
) -> list[PortableEntry]:
    """Every entry read against ``directory`` (which holds the file's own groups too, so a
    next action may name a group of the file wherever it stands in it)."""
    parsed = []
    for index, entry in enumerate(entries):
        leads: list[str] = []
        try:
            group, leads = _import(entry, directory, emails)
        except GroupRejected as rejected:
            group, errors = None, dict(rejected.errors)
        else:
            errors = {}
        parsed.append(PortableEntry(index + 1, entry_name(entry), group, leads, errors))
    return parsed


def _by_name(names: Mapping[str, str], wanted: str) -> str | None:
    folded = wanted.casefold()
    return next((key for key, name in names.items() if name.casefold() == folded), None)


def _import(
    entry: object, directory: Directory, emails: Mapping[str, str]
) -> tuple[Group, list[str]]:
    if not isinstance(entry, Mapping):
        raise GroupRejected({"": "must be a mapping of name, extension, members, …"})
    data = dict(entry)
    leads = [str(lead) for lead in data.pop("leads", None) or []]
    errors: dict[str, str] = {}
    members = []
    for i, member in enumerate(data.get("members") or []):
        if not isinstance(member, Mapping):
            errors[f"members.{i}"] = "must be a mapping with user, start and end"
            continue
        user = str(member.get("user", ""))
        user_id = emails.get(user.lower()) or (user if user in directory.users else None)
        if user_id is None:
            errors[f"members.{i}.user"] = f"no PBX user has the email {user}"
            continue
        members.append({**{k: v for k, v in member.items() if k != "user"}, "user_id": user_id})
    data["members"] = members
    features = dict(data.get("features") or {})
    ringback = dict(features.get("ringback") or {})
    if "media" in ringback:
        media_id = _by_name(directory.media, str(ringback.pop("media")))
        if media_id is None:
            errors["features.ringback.media"] = "no media file of the account has that name"
        ringback["media_id"] = media_id
    features["ringback"] = ringback
    action = dict(features.get("next_action") or {})
    if "target" in action:
        target = str(action.pop("target"))
        kind = action.get("kind")
        found: str | None = None
        if kind == NextActionKind.USER.value:
            found = emails.get(target.lower())
        elif kind == NextActionKind.VOICEMAIL.value:
            found = _by_name(directory.vmboxes, target)
        elif kind == NextActionKind.DEVICE.value:
            found = _by_name(directory.devices, target)
        elif kind == NextActionKind.MENU.value:
            found = _by_name({k: v.name for k, v in directory.menus.items()}, target)
        elif kind == NextActionKind.GROUP.value:
            found = _by_name({k: v.name for k, v in directory.groups.items()}, target)
        if found is None:
            where = "in the account or in this file" if kind == "group" else "in the account"
            errors["features.next_action.target"] = f"no {kind} named {target} {where}"
        action["target_id"] = found
    features["next_action"] = action
    data["features"] = features
    if errors:
        raise GroupRejected(errors)
    try:
        return Group.model_validate(data), leads
    except ValidationError as error:
        raise rejected_from(error) from None


# The file's keys in the words of the Groups tab, longest path first wins.
_FIELD_WORDS = {
    "features.next_action.target": "next action target",
    "features.next_action.kind": "next action kind",
    "features.next_action": "next action",
    "features.ringback.media": "ringback media",
    "features.ringback": "ringback",
    "features.call_recording": "call recording",
    "features.caller_id_prepend.name_prefix": "caller ID name prefix",
    "features.caller_id_prepend.number_prefix": "caller ID number prefix",
    "features.caller_id_prepend": "caller ID prefix",
    "features.allow_call_forward": "forwarding",
    "extra_extensions": "extra extension",
    "numbers": "number",
    "members": "member",
}


_WHOLE_LISTS = {"member": "members", "number": "numbers", "extra extension": "extra extensions"}


def field_words(path: str) -> str:
    """``members.1.user`` → "member 2": a field of an entry as a SmartPBX admin names it."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        words = _FIELD_WORDS.get(".".join(parts[:cut]))
        if words is None:
            continue
        if cut < len(parts) and parts[cut].isdigit():
            return f"{words} {int(parts[cut]) + 1}"
        return _WHOLE_LISTS.get(words, words)
    return " ".join(p for p in parts if p != "features").replace("_", " ")


def problem_line(entry: PortableEntry, path: str, message: str) -> str:
    """ "group 2, “Billing”: next action target: no group named Sales …" — where in the
    file, which field, and what to fix."""
    where = f"group {entry.position}" + (f", “{entry.name}”" if entry.name else "")
    words = field_words(path) if path else ""
    if path and message.startswith(field_label(path)):  # the engine named it already
        return f"{where}: {message}"
    raw = path.replace("_", " ")  # how the engine's type messages name a field
    if raw and message.startswith(raw + " "):
        return f"{where}: {words}{message[len(raw) :]}"
    if not words or message.startswith(words):
        return f"{where}: {message}"
    return f"{where}: {words}: {message}"
