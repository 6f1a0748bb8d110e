"""The changes a user can make to a group, as pure functions: ``Group`` in, ``Group`` out.

Each checks every rule of the group again (``parse_group``) and refuses with
``FieldErrors`` keyed by the field it concerns. People and groups are named in a refusal
as the caller names them (``people`` maps a PBX user id to that name), so the words match
what the user typed.

An ``Edit`` is what the services apply to the stored group: one of these functions with its
arguments bound (``edit``), or one that needs the account's directory to resolve a name
(``edit_in``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Concatenate, ParamSpec

from bot.engine.directory import Directory
from bot.engine.errors import FieldErrors
from bot.engine.model import (
    MAX_MEMBERS,
    NEW_MEMBER_WINDOW,
    CallRecording,
    Group,
    Member,
    NextActionKind,
    RecordingFormat,
    RingbackKind,
    distributed,
)
from bot.engine.model import MAX_SECONDS as MAX_MEMBER_SECONDS
from bot.engine.numbers import is_extension
from bot.engine.validation import parse_group

Edit = Callable[[Group, Directory], Group]
"""A change the services apply to the stored group, given the account's directory."""

P = ParamSpec("P")


def edit(change: Callable[Concatenate[Group, P], Group], *args: P.args, **kw: P.kwargs) -> Edit:
    """``change(group, *args, **kw)`` as an ``Edit`` (it needs no directory)."""
    return lambda group, directory: change(group, *args, **kw)


def edit_in(
    change: Callable[Concatenate[Group, Directory, P], Group], *args: P.args, **kw: P.kwargs
) -> Edit:
    """``change(group, directory, *args, **kw)`` as an ``Edit``."""
    return lambda group, directory: change(group, directory, *args, **kw)


def updated(group: Group, /, **update: Any) -> Group:
    """``group`` with ``update`` applied and every rule checked again (model_copy checks none)."""
    return parse_group({**group.model_dump(), **update})


def with_features(group: Group, /, **update: Any) -> Group:
    return updated(group, features={**group.features.model_dump(), **update})


def rename(group: Group, name: str) -> Group:
    return updated(group, name=name)


def set_repeats(group: Group, repeats: int) -> Group:
    return updated(group, repeats=repeats)


def add_number(group: Group, number: str) -> Group:
    if number in group.all_numbers:
        raise FieldErrors({"numbers": f"{group.name} already answers {number}."})
    if is_extension(number):
        return updated(group, extra_extensions=(*group.extra_extensions, number))
    return updated(group, numbers=(*group.numbers, number))


def remove_number(group: Group, number: str) -> Group:
    if number == group.extension:
        raise FieldErrors(
            {
                "extension": f"{number} is the primary extension of {group.name}; give it "
                f"another with /group edit {group.name} first."
            }
        )
    if number not in group.all_numbers:
        raise FieldErrors({"numbers": f"{group.name} does not answer {number}."})
    return updated(
        group,
        extra_extensions=tuple(n for n in group.extra_extensions if n != number),
        numbers=tuple(n for n in group.numbers if n != number),
    )


def add_members(group: Group, people: Mapping[str, str]) -> Group:
    """Add ``people`` (PBX user id → name) with SmartPBX's window for a new member."""
    already = [name for user_id, name in people.items() if group.member(user_id)]
    if already:
        raise FieldErrors({"members": f"Already in {group.name}: {', '.join(already)}."})
    start, end = NEW_MEMBER_WINDOW
    added = tuple(Member(user_id=u, start=start, end=end) for u in people)
    return updated(group, members=(*group.members, *added))


def remove_members(group: Group, people: Mapping[str, str]) -> Group:
    absent = [name for user_id, name in people.items() if not group.member(user_id)]
    if absent:
        raise FieldErrors({"members": f"Not in {group.name}: {', '.join(absent)}."})
    kept = tuple(m for m in group.members if m.user_id not in people)
    if not kept:
        raise FieldErrors(
            {
                "members": f"That would leave {group.name} with no members; "
                f"to remove them all, /group delete {group.name}."
            }
        )
    return updated(group, members=kept)


def ring(group: Group, user_id: str, name: str, start: int, end: int) -> Group:
    """When ``user_id`` (called ``name``) rings: from ``start`` to ``end`` seconds."""
    if not group.member(user_id):
        raise FieldErrors({"members": f"{name} is not in {group.name}; add them first."})
    members = tuple(
        {"user_id": m.user_id, "start": start, "end": end} if m.user_id == user_id else m
        for m in group.members
    )
    return updated(group, members=members)


def distribute(group: Group, window: int) -> Group:
    try:
        return distributed(group, window)
    except ValueError as error:
        raise FieldErrors({"members": f"{str(error).rstrip('.')}."}) from None


def set_recording(
    group: Group,
    enabled: bool,
    format: RecordingFormat | None = None,
    time_limit: int | None = None,
    url: str | None = None,
) -> Group:
    """Recording on or off; what is not given stays as it was."""
    current: CallRecording = group.features.call_recording
    recording = {
        "enabled": enabled,
        "format": format or current.format,
        "time_limit": time_limit or current.time_limit,
        "url": url if url is not None else current.url,
    }
    return with_features(group, call_recording=recording)


def set_forward(group: Group, allow: bool) -> Group:
    return with_features(group, allow_call_forward=allow)


def set_prepend(
    group: Group, enabled: bool, name_prefix: str | None = None, number_prefix: str | None = None
) -> Group:
    """Caller-ID prefixes on or off; a prefix not given stays as it was."""
    current = group.features.caller_id_prepend
    if not enabled:
        return with_features(group, caller_id_prepend={**current.model_dump(), "enabled": False})
    return with_features(
        group,
        caller_id_prepend={
            "enabled": True,
            "name_prefix": name_prefix if name_prefix is not None else current.name_prefix,
            "number_prefix": number_prefix if number_prefix is not None else current.number_prefix,
        },
    )


def by_name(choices: Mapping[str, str], name: str, what: str, field: str) -> str:
    """The id whose name is ``name`` (any case), or an error listing the choices."""
    for ident, label in choices.items():
        if label.casefold() == name.casefold() or ident == name:
            return ident
    known = ", ".join(sorted(choices.values())[:10]) or "none"
    raise FieldErrors({field: f"No {what} named '{name}'. The account has: {known}."})


def set_ringback(
    group: Group, directory: Directory, kind: RingbackKind, media: str | None = None
) -> Group:
    """What callers hear while it rings; ``media`` is the media file's name."""
    field = "features.ringback"
    media_id = by_name(dict(directory.media), media, "media file", field) if media else None
    ringback = {"kind": kind, "media_id": media_id if kind is RingbackKind.MEDIA else None}
    return with_features(group, ringback=ringback)


def set_next_action(
    group: Group,
    directory: Directory,
    kind: NextActionKind,
    target: str | None = None,
    user_id: str | None = None,
) -> Group:
    """Where an unanswered call goes: ``target`` names the box, device, menu or group (a
    group may also be named by one of its numbers); ``user_id`` is the person's."""
    field = "features.next_action"
    target_id: str | None = None
    name = target or ""
    match kind:
        case NextActionKind.USER:
            target_id = user_id
        case NextActionKind.VOICEMAIL:
            target_id = by_name(dict(directory.vmboxes), name, "voicemail box", field)
        case NextActionKind.DEVICE:
            target_id = by_name(dict(directory.devices), name, "device", field)
        case NextActionKind.MENU:
            menus = {k: m.name for k, m in directory.menus.items()}
            target_id = by_name(menus, name, "menu", field)
        case NextActionKind.GROUP:
            groups = {k: g.name for k, g in directory.groups.items()}
            for key, other in directory.groups.items():
                if name in other.numbers:
                    groups[key] = name
            target_id = by_name(groups, name, "group", field)
    return with_features(group, next_action={"kind": kind, "target_id": target_id})


# ---------------------------------------------------------------- presence (issue 14)


def pause(group: Group, user_id: str, name: str, until: datetime) -> Group:
    """``user_id`` (called ``name``) is skipped by the PBX until ``until``."""
    if not group.member(user_id):
        raise FieldErrors({"members": f"{name} is not in {group.name}, so cannot be paused."})
    return _with_pause(group, user_id, until)


def resume(group: Group, user_id: str, name: str) -> Group:
    """``user_id`` rings again now; a pause that has passed is simply cleared."""
    member = group.member(user_id)
    if member is None:
        raise FieldErrors({"members": f"{name} is not in {group.name}."})
    if member.paused_until is None:
        raise FieldErrors({"members": f"{name} is not paused in {group.name}."})
    return _with_pause(group, user_id, None)


def join(group: Group, user_id: str, name: str, window: tuple[int, int]) -> Group:
    """``user_id`` added at the end, ringing over ``window`` (start, end) seconds."""
    if group.member(user_id):
        raise FieldErrors({"members": f"{name} is already in {group.name}."})
    if len(group.members) >= MAX_MEMBERS:
        raise FieldErrors(
            {
                "members": f"{group.name} already has {MAX_MEMBERS} members, the most a "
                "group can have; ask a lead to remove someone first."
            }
        )
    start, end = window
    return updated(group, members=(*group.members, Member(user_id=user_id, start=start, end=end)))


def leave(group: Group, user_id: str, name: str) -> Group:
    if not group.member(user_id):
        raise FieldErrors({"members": f"{name} is not in {group.name}."})
    if len(group.members) == 1:
        raise FieldErrors(
            {
                "members": f"{name} is the only member of {group.name}; a group needs at "
                f"least one. Ask a lead to add someone first, or pause instead."
            }
        )
    return updated(group, members=tuple(m for m in group.members if m.user_id != user_id))


def usual_window(group: Group) -> tuple[int, int]:
    """Where a newcomer rings: Distribute's share when the group is spread evenly over its
    members (the next slot of the same size), else SmartPBX's 0–20 s."""
    windows = [(m.start, m.end) for m in group.members]
    if len(windows) >= 2:
        size = windows[0][1] - windows[0][0]
        even = all(w == (i * size, (i + 1) * size) for i, w in enumerate(windows))
        start = len(windows) * size
        if even and start + size <= MAX_MEMBER_SECONDS:
            return start, start + size
    return NEW_MEMBER_WINDOW


def _with_pause(group: Group, user_id: str, until: datetime | None) -> Group:
    members = tuple(
        m.model_copy(update={"paused_until": until}) if m.user_id == user_id else m
        for m in group.members
    )
    return updated(group, members=[m.model_dump() for m in members])
