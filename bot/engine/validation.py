"""Turning input into a valid ``Group``, and the rules that need the whole account.

Every rejection is keyed by the dotted path of the field it concerns (``members.2.end``),
so each surface can show it where the user typed the value.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot.engine.directory import Directory
from bot.engine.errors import FieldErrors
from bot.engine.model import Group, ItemError, NextActionKind, RingbackKind
from bot.engine.numbers import NEW_NUMBER_RULE, may_be_added

# pydantic's own wording, said the way a form would say it
_TYPE_MESSAGES = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be on or off",
    "bool_parsing": "must be on or off",
    "enum": "must be one of: {expected}",
    "missing": "is required",
    "string_too_long": "must be at most {max_length} characters",
    "string_too_short": "must not be empty",
    "extra_forbidden": "is not a field of a group",
}


# Each field as the forms and commands name it, so a refusal never shows a field path.
_LABELS = {
    "": "The group",
    "name": "Group name",
    "extension": "Extension",
    "extra_extensions": "More extensions",
    "numbers": "Phone numbers",
    "members": "Members",
    "members.start": "start",
    "members.end": "end",
    "members.user_id": "person",
    "repeats": "Dialing repeats",
    "strategy": "Ring strategy",
    "features": "Features",
    "features.call_recording": "Call recording",
    "features.call_recording.enabled": "Call recording",
    "features.call_recording.format": "Recording format",
    "features.call_recording.time_limit": "Recording time limit (s)",
    "features.call_recording.url": "Recording URL",
    "features.ringback": "Ringback",
    "features.ringback.kind": "Ringback",
    "features.ringback.media_id": "Ringback media file",
    "features.next_action": "Next action",
    "features.next_action.kind": "Next action",
    "features.next_action.target_id": "Next action's target",
    "features.allow_call_forward": "Allow call-forward",
    "features.caller_id_prepend": "Caller-ID prepend",
    "features.caller_id_prepend.enabled": "Caller-ID prepend",
    "features.caller_id_prepend.name_prefix": "Caller-ID name prefix",
    "features.caller_id_prepend.number_prefix": "Caller-ID number prefix",
}


def field_label(loc: tuple[int | str, ...] | str) -> str:
    """A field path (``members.2.end``) as the user sees the field ("Member 3's end")."""
    parts = loc.split(".") if isinstance(loc, str) else [str(p) for p in loc]
    parts = [p for p in parts if p]
    numbers = [int(p) + 1 for p in parts if p.isdigit()]
    key = ".".join(p for p in parts if not p.isdigit())
    label = _LABELS.get(key) or key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    if not numbers:
        return label
    if key.startswith("members."):
        return f"Member {numbers[0]}'s {label}"
    if key == "members":
        return f"Member {numbers[0]}"
    return f"{label} #{numbers[0]}"


class GroupRejected(FieldErrors):
    """The group breaks a rule; ``errors`` maps each field path to what to fix."""


def field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    if kind == "value_error":
        return str(error["ctx"]["error"])
    label = field_label(tuple(error["loc"]))
    template = _TYPE_MESSAGES.get(kind)
    if template is None:
        return f"{label}: {error['msg']}"
    return f"{label} {template.format(**error.get('ctx', {}))}"


def rejected_from(error: ValidationError) -> GroupRejected:
    errors: dict[str, str] = {}
    for item in error.errors():
        loc = tuple(item["loc"])
        broken = item.get("ctx", {}).get("error")
        if isinstance(broken, ItemError):  # a list's rule, broken by one item: key it there
            loc = (*loc, broken.index)
        if item["type"] == "extra_forbidden" and len(loc) > 1:
            # No form has an input for a key we do not know; its parent field does.
            parent = field_path(loc[:-1])
            errors.setdefault(parent, f"{field_label(loc[:-1])} has no setting '{loc[-1]}'")
            continue
        errors.setdefault(field_path(loc), _message(item))
    return GroupRejected(errors)


def parse_group(data: Mapping[str, Any] | Group) -> Group:
    """A ``Group`` from plain data, or ``GroupRejected`` naming every bad field.

    A ``Group`` is checked again too: ``model_copy(update=...)``, which edits use, skips
    every rule.
    """
    if isinstance(data, Group):
        data = data.model_dump()
    try:
        group = Group.model_validate(data)
    except ValidationError as error:
        raise rejected_from(error) from None
    _PARSED.add(group)
    return group


def checked(group: Group) -> Group:
    """``group`` itself when ``parse_group`` built it, else the group checked again.

    A save checks what a change gives it; the engine's edits build their result with
    ``parse_group`` already, so what they give is not validated a second time, while a
    group made with ``model_copy(update=...)`` (which skips every rule) still is."""
    return group if group in _PARSED else parse_group(group)


# Groups built by ``parse_group`` (weakly held: a group is forgotten with its last use)
_PARSED: weakref.WeakSet[Group] = weakref.WeakSet()


def check_in_account(group: Group, directory: Directory, *, group_id: str | None = None) -> None:
    """The account-wide rules: unique name and numbers, members and targets that exist.

    ``group_id`` is the group's own document id when it already exists, so it does not
    clash with itself.
    """
    errors: dict[str, str] = {}
    for other_id, other in directory.groups.items():
        if other_id != group_id and other.name.casefold() == group.name.casefold():
            errors["name"] = f"a group named {other.name} already exists; choose another name"
    fields = [("extension", group.extension)]
    fields += [(f"extra_extensions.{i}", n) for i, n in enumerate(group.extra_extensions)]
    fields += [(f"numbers.{i}", n) for i, n in enumerate(group.numbers)]
    for field, number in fields:
        owner = directory.number_owner(number, except_group=group_id)
        if owner:
            errors[field] = f"{number} is already used by {owner}; choose a free one"
    for index, member in enumerate(group.members):
        if member.user_id not in directory.users:
            errors[f"members.{index}"] = (
                f"member {index + 1} is not (or no longer) a user of this PBX account"
            )
    errors.update(_feature_target_errors(group, directory, group_id))
    if errors:
        raise GroupRejected(errors)


def check_new_numbers(group: Group, previous: Group | None = None) -> None:
    """Every number ``group`` brings in must be one a PBX can ring: an extension of 3–6
    digits or E.164 (``+``, a first digit 1–9, 8–15 digits in all). Only a number the group
    already had (``previous``: one adopted from SmartPBX, say) may stay as it is, so a user
    cannot type in one that can never ring."""
    kept = set(previous.all_numbers) if previous else set()
    fields = [(f"extra_extensions.{i}", n) for i, n in enumerate(group.extra_extensions)]
    fields += [(f"numbers.{i}", n) for i, n in enumerate(group.numbers)]
    errors = {
        field: f"{number} cannot be added: {NEW_NUMBER_RULE}"
        for field, number in fields
        if number not in kept and not may_be_added(number)
    }
    if errors:
        raise GroupRejected(errors)


def _feature_target_errors(
    group: Group, directory: Directory, group_id: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    ringback = group.features.ringback
    if ringback.kind is RingbackKind.MEDIA and ringback.media_id not in directory.media:
        errors["features.ringback"] = "that ringback media file is not in the account"
    action = group.features.next_action
    target = action.target_id
    known: dict[NextActionKind, Mapping[str, object]] = {
        NextActionKind.VOICEMAIL: directory.vmboxes,
        NextActionKind.USER: directory.users,
        NextActionKind.DEVICE: directory.devices,
        NextActionKind.MENU: directory.menus,
        NextActionKind.GROUP: directory.groups,
    }
    if action.kind is NextActionKind.GROUP and target is not None and target == group_id:
        errors["features.next_action"] = "a group cannot send unanswered calls to itself"
    elif action.kind in known and target not in known[action.kind]:
        errors["features.next_action"] = (
            f"that {action.kind.value} is not in the PBX account (any more); choose another"
        )
    elif (
        action.kind is NextActionKind.USER
        and target is not None
        and directory.users[target].main_callflow_id is None
    ):
        name = directory.users[target].name
        # the user's own callflow is what SmartPBX makes when it gives them a number
        errors["features.next_action"] = (
            f"user {name} has no number of their own to send calls to: give them one "
            "in SmartPBX, or choose another next action"
        )
    return errors
