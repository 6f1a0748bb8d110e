"""Groups as portable YAML (``groupbot export`` / ``groupbot import``).

Portable means free of one account's ids: members are named by email, ringback media,
voicemail boxes, devices, menus and other groups by name, so a file exported from one
PBX account imports into another whose directory has the same people and things.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from bot.engine.directory import Directory
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.engine.validation import GroupRejected, rejected_from
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


def parse_portable_groups(
    text: str, directory: Directory, emails: Mapping[str, str], source: str = "file"
) -> list[tuple[Group, list[str]]]:
    """(group, leads) for every entry, or ``PortableFileError`` naming every problem;
    ``source`` names the file in a syntax error."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PortableFileError({"file": yaml_problem(error, source)}) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("groups"), list):
        raise PortableFileError({"groups": "groups: the file must hold a list of groups"})
    errors: dict[str, str] = {}
    parsed: list[tuple[Group, list[str]]] = []
    for index, entry in enumerate(data["groups"]):
        path = f"groups[{index}]"
        try:
            parsed.append(_import(entry, directory, emails, path))
        except GroupRejected as rejected:
            for key, message in rejected.errors.items():
                errors[f"{path}.{key}"] = f"{path}.{key}: {message}"
    if errors:
        raise PortableFileError(errors)
    return parsed


def _by_name(names: Mapping[str, str], wanted: str) -> str | None:
    folded = wanted.casefold()
    return next((key for key, name in names.items() if name.casefold() == folded), None)


def _import(
    entry: object, directory: Directory, emails: Mapping[str, str], path: str
) -> tuple[Group, list[str]]:
    if not isinstance(entry, Mapping):
        raise GroupRejected({"": "must be a mapping"})
    data = dict(entry)
    leads = [str(lead) for lead in data.pop("leads", None) or []]
    errors: dict[str, str] = {}
    members = []
    for i, member in enumerate(data.get("members") or []):
        if not isinstance(member, Mapping):
            errors[f"members[{i}]"] = "must be a mapping with user, start and end"
            continue
        user = str(member.get("user", ""))
        user_id = emails.get(user.lower()) or (user if user in directory.users else None)
        if user_id is None:
            errors[f"members[{i}].user"] = f"no PBX user has the email {user}"
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
            errors["features.next_action.target"] = f"no {kind} named {target} in the account"
        action["target_id"] = found
    features["next_action"] = action
    data["features"] = features
    if errors:
        raise GroupRejected(errors)
    try:
        return Group.model_validate(data), leads
    except ValidationError as error:
        raise rejected_from(error) from None
