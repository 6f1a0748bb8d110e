"""What changed between two versions of a group, in words: the "what" of its history.

``describe_change(before, after, names)`` is pure: ``names`` maps the PBX ids a group
refers to (members, voicemail boxes, devices, menus, media, other groups) to the names
people know them by, so the text reads "added Dana Lee", never an id. The text is plain
(no Slack markup); the surface that shows it escapes it as it needs.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.engine.directory import Directory
from bot.engine.model import (
    CallerIdPrepend,
    CallRecording,
    Group,
    Member,
    NextAction,
    NextActionKind,
    Ringback,
    RingbackKind,
)
from bot.engine.presence import moment_words

# Beyond this many members whose ring window moved, one clause counts them instead.
MAX_WINDOW_CLAUSES = 3


def names_in(directory: Directory) -> dict[str, str]:
    """Every id a group may refer to, with its name, from the account's directory."""
    names: dict[str, str] = {}
    names.update({k: g.name for k, g in directory.groups.items()})
    names.update(directory.media)
    names.update({k: m.name for k, m in directory.menus.items()})
    names.update(directory.vmboxes)
    names.update(directory.devices)
    names.update({k: u.name for k, u in directory.users.items()})
    return names


def describe_change(before: Group | None, after: Group | None, names: Mapping[str, str]) -> str:
    """ "renamed Sales → Inside Sales; repeats 1 → 3; added Dana Lee; removed 4155"."""
    if before is None:
        return "created" if after is not None else "no change"
    if after is None:
        return "deleted"
    parts: list[str] = []
    if before.name != after.name:
        parts.append(f"renamed {before.name} → {after.name}")
    if before.extension != after.extension:
        parts.append(f"extension {before.extension} → {after.extension}")
    parts += _numbers(before, after)
    if before.repeats != after.repeats:
        parts.append(f"repeats {before.repeats} → {after.repeats}")
    if before.strategy != after.strategy:
        parts.append(f"strategy {before.strategy.value} → {after.strategy.value}")
    parts += _members(before.members, after.members, names)
    parts += _pauses(before.members, after.members, names)
    old, new = before.features, after.features
    parts += _recording(old.call_recording, new.call_recording)
    if old.ringback != new.ringback:
        was, now = describe_ringback(old.ringback, names), describe_ringback(new.ringback, names)
        parts.append(f"ringback {was} → {now}")
    if old.next_action != new.next_action:
        was, now = (
            describe_next_action(old.next_action, names),
            describe_next_action(new.next_action, names),
        )
        parts.append(f"next action {was} → {now}")
    if old.allow_call_forward != new.allow_call_forward:
        parts.append("call-forward " + ("allowed" if new.allow_call_forward else "denied"))
    parts += _prepend(old.caller_id_prepend, new.caller_id_prepend)
    return "; ".join(parts) or "no change"


def _numbers(before: Group, after: Group) -> list[str]:
    old = [*before.extra_extensions, *before.numbers]
    new = [*after.extra_extensions, *after.numbers]
    added = [n for n in new if n not in old]
    removed = [n for n in old if n not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    return parts


def _members(
    before: tuple[Member, ...], after: tuple[Member, ...], names: Mapping[str, str]
) -> list[str]:
    old = {m.user_id: m for m in before}
    new = {m.user_id: m for m in after}
    added = [m.user_id for m in after if m.user_id not in old]
    removed = [m.user_id for m in before if m.user_id not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(names.get(u, u) for u in added))
    if removed:
        parts.append("removed " + ", ".join(names.get(u, u) for u in removed))
    moved = [
        (uid, old[uid], member)
        for uid, member in new.items()
        if uid in old and (old[uid].start, old[uid].end) != (member.start, member.end)
    ]
    if len(moved) > MAX_WINDOW_CLAUSES:
        parts.append(f"ring windows of {len(moved)} members changed")
    else:
        parts += [
            f"{names.get(uid, uid)} rings {_window(was)} → {_window(now)}"
            for uid, was, now in moved
        ]
    kept_before = [m.user_id for m in before if m.user_id in new]
    kept_after = [m.user_id for m in after if m.user_id in old]
    if kept_before != kept_after:
        parts.append("members reordered")
    return parts


def _window(member: Member) -> str:
    return f"{member.start}–{member.end} s"


def _recording(before: CallRecording, after: CallRecording) -> list[str]:
    if before == after:
        return []
    if not after.enabled:
        return ["call recording off"]
    if not before.enabled:
        url = f", to {after.url}" if after.url else ""
        return [f"call recording on ({after.format.value}, limit {after.time_limit} s{url})"]
    parts = []
    if before.format != after.format:
        parts.append(f"recording format {before.format.value} → {after.format.value}")
    if before.time_limit != after.time_limit:
        parts.append(f"recording limit {before.time_limit} s → {after.time_limit} s")
    if before.url != after.url:
        if after.url is None:
            parts.append("recording URL removed")
        else:
            parts.append(f"recording URL {before.url or 'none'} → {after.url}")
    return parts


def describe_ringback(ringback: Ringback, names: Mapping[str, str]) -> str:
    """What callers hear while the group rings, in words (media by name)."""
    if ringback.kind is RingbackKind.MEDIA and ringback.media_id is not None:
        return names.get(ringback.media_id, ringback.media_id)
    return "silence" if ringback.kind is RingbackKind.SILENCE else "default ringing"


_TARGET_WORDS = {
    NextActionKind.VOICEMAIL: "voicemail",
    NextActionKind.USER: "user",
    NextActionKind.DEVICE: "device",
    NextActionKind.MENU: "menu",
    NextActionKind.GROUP: "group",
}


def describe_next_action(action: NextAction, names: Mapping[str, str]) -> str:
    """Where unanswered calls go, in words (the target by name)."""
    if action.kind is NextActionKind.NONE or action.target_id is None:
        return "not-available prompt"
    return f"{_TARGET_WORDS[action.kind]} {names.get(action.target_id, action.target_id)}"


def _prepend(before: CallerIdPrepend, after: CallerIdPrepend) -> list[str]:
    if before == after:
        return []
    if not after.enabled:
        return ["caller ID prepend off"]
    if not before.enabled:
        return [f"caller ID prepend on ({_prefixes(after)})"]
    return [f"caller ID prepend {_prefixes(before)} → {_prefixes(after)}"]


def _prefixes(prepend: CallerIdPrepend) -> str:
    shown = [
        f'{label} "{value}"'
        for label, value in (("name", prepend.name_prefix), ("number", prepend.number_prefix))
        if value
    ]
    return ", ".join(shown)


def _pauses(
    before: tuple[Member, ...], after: tuple[Member, ...], names: Mapping[str, str]
) -> list[str]:
    """ "paused Bob until Mon 30 Nov 14:00 UTC", "resumed Bob": members kept whose pause
    changed (a member added paused, or removed, is said by ``_members``)."""
    old = {m.user_id: m.paused_until for m in before}
    parts = []
    for member in after:
        if member.user_id not in old or old[member.user_id] == member.paused_until:
            continue
        name = names.get(member.user_id, member.user_id)
        if member.paused_until is None:
            parts.append(f"resumed {name}")
        else:
            parts.append(f"paused {name} until {moment_words(member.paused_until)}")
    return parts
