"""Advice on a valid group: things that are allowed but probably not what was meant.

Rules reject; lint only warns, so a group adopted from SmartPBX can be kept as it is and
shown with what to look at. Each warning names the field it concerns, like a rejection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine.decompiler import stored_ring_timeout
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments
from bot.engine.model import MAX_TIME_LIMIT, Group, NextActionKind, Strategy
from bot.engine.numbers import DID


@dataclass(frozen=True, slots=True)
class NextGroup:
    """Another group, as far as a loop of next actions is concerned."""

    name: str
    sends_to: str | None  # the group id its unanswered calls go to, if a group


@dataclass(frozen=True, slots=True)
class LintWarning:
    field: str  # dotted path, as in GroupRejected: "members.2", "features.next_action"
    message: str


def lint(
    group: Group,
    directory: Directory,
    *,
    group_id: str | None = None,
    documents: GroupDocuments | None = None,
    next_groups: Mapping[str, NextGroup] | None = None,
) -> list[LintWarning]:
    """What looks wrong in ``group``.

    Args:
        group_id: the group's own document id, to spot a next action that loops back.
        documents: the documents as stored on the PBX, for an adopted group: their
            ring_group ``timeout`` may be shorter than the members' windows, which a group
            compiled by groupbot never is (it is the latest end).
        next_groups: the groups unanswered calls go on to from here, by group id, as far
            as the chain goes: to spot a loop through other groups.
    """
    timeout = stored_ring_timeout(documents.base_callflow) if documents else group.timeout
    return [
        *_beyond_timeout(group, timeout),
        *_gaps(group, timeout),
        *_next_action(group, directory, group_id),
        *_loop(group, group_id, next_groups or {}),
        *_recording(group),
        *_legacy_numbers(group),
    ]


def _beyond_timeout(group: Group, timeout: int) -> list[LintWarning]:
    warnings = []
    for i, m in enumerate(group.members):
        window = f"rings {m.start}–{m.end} s but the group stops ringing at {timeout} s"
        if m.start >= timeout:
            warnings.append(LintWarning(f"members.{i}", f"never rings: it {window}"))
        elif m.end > timeout:
            warnings.append(LintWarning(f"members.{i}", f"is cut off early: it {window}"))
    return warnings


def _gaps(group: Group, timeout: int) -> list[LintWarning]:
    # With "single" Kazoo rings one member after another for their own time and the start
    # offsets mean something else (kazoo-smartpbx.md §c.2), so there is no timeline to check.
    if group.strategy is not Strategy.SIMULTANEOUS:
        return []
    warnings, covered = [], 0
    for m in sorted(group.members, key=lambda m: m.start):
        if m.start > covered and covered < timeout:
            warnings.append(_gap(covered, min(m.start, timeout)))
        covered = max(covered, m.end)
    if covered < timeout:  # an adopted ring_group can keep waiting after the last member
        warnings.append(_gap(covered, timeout))
    return warnings


def _gap(start: int, end: int) -> LintWarning:
    when = f"for the first {end} s" if start == 0 else f"from {start} to {end} s"
    return LintWarning(
        "members", f"nothing rings {when}: the caller hears ringing but no phone rings"
    )


def _next_action(group: Group, directory: Directory, group_id: str | None) -> list[LintWarning]:
    action = group.features.next_action
    target = action.target_id
    field = "features.next_action"
    if action.kind is NextActionKind.GROUP and target is not None and target == group_id:
        message = "sends unanswered calls back to this same group, so they ring it again"
        return [LintWarning(field, message)]
    known: Mapping[NextActionKind, Mapping[str, object]] = {
        NextActionKind.VOICEMAIL: directory.vmboxes,
        NextActionKind.USER: {
            k: u for k, u in directory.users.items() if u.main_callflow_id is not None
        },
        NextActionKind.DEVICE: directory.devices,
        NextActionKind.MENU: directory.menus,
        NextActionKind.GROUP: directory.groups,
    }
    if action.kind in known and target not in known[action.kind]:
        message = (
            f"sends unanswered calls to a {action.kind.value} that is not in the account "
            "any more (or has no number of their own to send calls to); choose another next "
            "action with /group next"
        )
        return [LintWarning(field, message)]
    return []


def _loop(
    group: Group, group_id: str | None, next_groups: Mapping[str, NextGroup]
) -> list[LintWarning]:
    """Unanswered calls that come back here through other groups ring round for ever."""
    action = group.features.next_action
    if action.kind is not NextActionKind.GROUP or group_id is None:
        return []
    path, current, seen = [group.name], action.target_id, {group_id}
    while current is not None and current in next_groups and current not in seen:
        seen.add(current)
        hop = next_groups[current]
        path.append(hop.name)
        if hop.sends_to == group_id:
            round_ = " → ".join([*path, group.name])
            message = (
                f"makes a loop ({round_}): a caller nobody answers is passed round these "
                "groups and never reaches voicemail until they hang up; give one of them "
                "another next action"
            )
            return [LintWarning("features.next_action", message)]
        current = hop.sends_to
    return []


def _recording(group: Group) -> list[LintWarning]:
    recording = group.features.call_recording
    # Kazoo caps every recording at 10800 s; at the cap there is in effect no limit of our own.
    if recording.enabled and recording.time_limit >= MAX_TIME_LIMIT:
        message = (
            f"records calls with no time limit of its own (Kazoo's cap of {MAX_TIME_LIMIT} s, "
            "3 hours); a forgotten call can fill the recording storage"
        )
        return [LintWarning("features.call_recording.time_limit", message)]
    return []


def _legacy_numbers(group: Group) -> list[LintWarning]:
    return [
        LintWarning(
            f"numbers.{i}",
            f"{n} is not E.164 (+ then 8–15 digits); kept as SmartPBX had it, but Kazoo may "
            "not route it as expected; replace it with its +E.164 form",
        )
        for i, n in enumerate(group.numbers)
        if not DID.match(n)
    ]
