"""A group compiled into the documents SmartPBX's Groups tab writes, field for field.

See kazoo-smartpbx.md §a: a group document, a ``baseGroup`` callflow holding the
``ring_group`` node, and a ``userGroup`` callflow holding the numbers and the chain
prepend_cid → record_call → callflow(base) → ``_`` next action. We send integers where
SmartPBX sends strings, and omit what SmartPBX omits, so the output is schema-valid as-is.
"""

from __future__ import annotations

from bot.engine.directory import Directory
from bot.engine.documents import (
    NOT_AVAILABLE_MEDIA,
    SILENCE_RINGBACK,
    GroupDocuments,
    JsonDoc,
    PbxIds,
)
from bot.engine.model import Group, Member, NextAction, NextActionKind, RingbackKind
from bot.engine.presence import to_gregorian


class CompileError(ValueError):
    """A fact the compiler needs is missing from the directory."""


def base_name(name: str) -> str:
    return f"{name} Base Group"


def ring_group_name(name: str) -> str:
    return f"{name} Ring Group"


def compile_group(group: Group, ids: PbxIds, directory: Directory) -> GroupDocuments:
    return GroupDocuments(
        group=_group_doc(group),
        base_callflow=_base_callflow(group, ids),
        user_callflow=_user_callflow(group, ids, directory),
    )


def _group_doc(group: Group) -> JsonDoc:
    doc: JsonDoc = {
        "name": group.name,
        "endpoints": {m.user_id: {"type": "user"} for m in group.members},
    }
    flags = _enabled_features(group)
    if flags:
        doc["smartpbx"] = {flag: {"enabled": True} for flag in flags}
    if group.features.allow_call_forward:
        doc["ignore_forward"] = False
    return doc


def _enabled_features(group: Group) -> list[str]:
    features = group.features
    on = {
        "call_recording": features.call_recording.enabled,
        "ringback": features.ringback.kind is not RingbackKind.DEFAULT,
        "next_action": features.next_action.kind is not NextActionKind.NONE,
        "forward": features.allow_call_forward,
        "prepend": features.caller_id_prepend.enabled,
    }
    return [flag for flag, enabled in on.items() if enabled]


def _base_callflow(group: Group, ids: PbxIds) -> JsonDoc:
    data: JsonDoc = {
        "strategy": group.strategy.value,
        "timeout": group.timeout,
        "repeats": group.repeats,
    }
    ringback = group.features.ringback
    if ringback.kind is RingbackKind.SILENCE:
        data["ringback"] = SILENCE_RINGBACK
    elif ringback.kind is RingbackKind.MEDIA:
        data["ringback"] = ringback.media_id
    if group.features.allow_call_forward:
        data["ignore_forward"] = False
    data["endpoints"] = [_endpoint(m) for m in group.members]
    return {
        "type": "baseGroup",
        "group_id": ids.group_id,
        "name": base_name(group.name),
        "numbers": [ids.base_number],
        "flow": {"module": "ring_group", "data": data, "children": {}},
    }


def _endpoint(member: Member) -> JsonDoc:
    endpoint: JsonDoc = {
        "id": member.user_id,
        "endpoint_type": "user",
        "delay": member.start,
        "timeout": member.end - member.start,
    }
    if member.paused_until is not None:
        # Kept once passed: Kazoo ignores a disable_until in the past, and the compiler
        # stays pure (no clock); the next write of the group drops it only if an edit does.
        endpoint["disable_until"] = to_gregorian(member.paused_until)
    return endpoint


def _user_callflow(group: Group, ids: PbxIds, directory: Directory) -> JsonDoc:
    action = group.features.next_action
    if action.kind is NextActionKind.GROUP and action.target_id == ids.group_id:
        # A loop back to itself (lint warns; an adopted group may have one). The directory
        # need not list the group itself, and its userGroup callflow id is right here.
        own = {"id": ids.user_callflow_id}
        next_node: JsonDoc = {"module": "callflow", "data": own, "children": {}}
    else:
        next_node = next_action_node(action, directory)
    flow: JsonDoc = {
        "module": "callflow",
        "data": {"id": ids.base_callflow_id},
        "children": {"_": next_node},
    }
    recording = group.features.call_recording
    if recording.enabled:
        record: JsonDoc = {
            "action": "start",
            "format": recording.format.value,
            "time_limit": recording.time_limit,
        }
        if recording.url:
            record["url"] = recording.url
        flow = {"module": "record_call", "data": record, "children": {"_": flow}}
    prepend = group.features.caller_id_prepend
    if prepend.enabled:
        data: JsonDoc = {"action": "prepend"}
        if prepend.name_prefix:
            data["caller_id_name_prefix"] = prepend.name_prefix
        if prepend.number_prefix:
            data["caller_id_number_prefix"] = prepend.number_prefix
        flow = {"module": "prepend_cid", "data": data, "children": {"_": flow}}
    return {
        "type": "userGroup",
        "group_id": ids.group_id,
        "name": ring_group_name(group.name),
        "numbers": list(group.all_numbers),
        "flow": flow,
    }


def next_action_node(action: NextAction, directory: Directory) -> JsonDoc:
    """The ``_`` child SmartPBX writes for each Next Action choice (§a.5)."""
    target = action.target_id
    module, node_id = "play", NOT_AVAILABLE_MEDIA
    if action.kind in (NextActionKind.VOICEMAIL, NextActionKind.DEVICE):
        module, node_id = action.kind.value, str(target)
    elif action.kind is NextActionKind.USER:
        user = directory.users.get(str(target))
        if user is None or user.main_callflow_id is None:
            raise CompileError(f"user {target} has no main callflow in the directory")
        module, node_id = "callflow", user.main_callflow_id
    elif action.kind is NextActionKind.MENU:
        menu = directory.menus.get(str(target))
        if menu is None:
            raise CompileError(f"menu {target} is not in the directory")
        module, node_id = "callflow", menu.callflow_id
    elif action.kind is NextActionKind.GROUP:
        other = directory.groups.get(str(target))
        if other is None:
            raise CompileError(f"group {target} is not in the directory")
        module, node_id = "callflow", other.user_callflow_id
    return {"module": module, "data": {"id": node_id}, "children": {}}
