"""SmartPBX's three documents read back into a ``Group``: the compiler run backwards.

Accepts what SmartPBX itself writes (kazoo-smartpbx.md §a), quirks included: strings
where Kazoo wants integers (coerced as crossbar's non-strict validation does,
``kz_json_schema:fix_js_types``), ``repeats`` 0, keys left out for Kazoo's defaults, and
``prepend_cid``/``record_call`` in either order. The flows are the truth: the group
document's ``endpoints`` map and ``smartpbx`` flags are not read, nor are ``ui_metadata``,
crossbar's ``metadata``, ``_rev`` and ``pvt_*``. Whatever the model cannot represent
(a device member, a branch on the ring group, a play of other media) is refused with a
``DecompileError`` that says what, rather than imported half right; tuning keys the
Groups tab never writes (``apply_to``, ``record_on_answer``, ``weight``…) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.directory import Directory
from bot.engine.documents import (
    NOT_AVAILABLE_MEDIA,
    DecompileError,
    DocReader,
    PbxIds,
    doc_id,
)
from bot.engine.model import (
    MAX_TIME_LIMIT,
    SILENCE_PREFIX,
    Group,
    NextActionKind,
)
from bot.engine.numbers import PRIMARY_EXTENSION, is_extension
from bot.engine.presence import from_gregorian
from bot.engine.validation import GroupRejected, parse_group

Doc = Mapping[str, Any]  # what we read: any mapping, not just our own dicts

KAZOO_RING_TIMEOUT = 20  # cf_ring_group: the group's default timeout, and each member's


def decompile_group(
    group_doc: Doc,
    base_callflow: Doc,
    user_callflow: Doc,
    directory: Directory,
    *,
    user_callflow_id: str | None = None,
) -> tuple[Group, PbxIds]:
    """The group the three documents describe, and the ids that tie them.

    The group id is the callflows' ``group_id`` (SmartPBX links them by it); the base
    callflow's id is what the userGroup's ``callflow`` node branches to; the userGroup
    callflow's own id is ``user_callflow_id``, or else the document's ``id`` (crossbar's
    GET returns it) or ``_id``. Any ``id`` a document carries must agree with these.
    """
    group = DocReader("group document", group_doc)
    base = DocReader("baseGroup callflow", base_callflow)
    user = DocReader("userGroup callflow", user_callflow)
    base.expect_type("baseGroup")
    user.expect_type("userGroup")
    chain = _read_chain(user)
    ids = _ids(group.doc, base, user, chain.base_id, user_callflow_id)
    ring = _read_ring_group(base, directory)
    extension, extras, numbers = _split_numbers(user)
    fields: dict[str, Any] = {
        "name": group.text("name"),
        "extension": extension,
        "extra_extensions": extras,
        "numbers": numbers,
        **ring,
    }
    fields["features"] |= {
        "call_recording": chain.recording,
        "caller_id_prepend": chain.prepend,
        "next_action": _next_action(chain.next_node, directory, ids),
    }
    try:
        return parse_group(fields), ids
    except GroupRejected as rejected:
        problems = "; ".join(f"{field}: {text}" for field, text in rejected.errors.items())
        raise DecompileError(
            f"group {fields['name']!r} breaks groupbot's rules: {problems}"
        ) from rejected


def decompile_account_group(
    group_doc: Doc, callflows: Iterable[Doc], directory: Directory
) -> tuple[Group, PbxIds]:
    """Find a group's two callflows among the account's (by ``group_id`` and ``type``, as
    SmartPBX does) and decompile them; ``group_doc`` needs its ``id`` or ``_id``."""
    name = group_doc.get("name", "?")
    group_id = doc_id(group_doc)
    if group_id is None:
        raise DecompileError(f"the group document {name!r} has no id to find its callflows by")
    found: dict[str, list[Doc]] = {"baseGroup": [], "userGroup": []}
    for callflow in callflows:
        if callflow.get("group_id") == group_id and callflow.get("type") in found:
            found[str(callflow["type"])].append(callflow)
    for kind, docs in found.items():
        if len(docs) != 1:
            how_many = "no" if not docs else f"{len(docs)}"
            raise DecompileError(
                f"group {name!r} has {how_many} {kind} callflow{'s' if docs else ''}; "
                "groupbot imports groups made by SmartPBX's Groups tab, which have one "
                "baseGroup and one userGroup callflow (the tab does not list the others either)"
            )
    return decompile_group(group_doc, found["baseGroup"][0], found["userGroup"][0], directory)


def stored_ring_timeout(base_callflow: Doc) -> int:
    """The ring group's own ``timeout``, which caps every member (Kazoo's default is 20)."""
    data = DocReader("baseGroup callflow", base_callflow).node("flow").object("data")
    return data.integer("timeout", KAZOO_RING_TIMEOUT)


# ---------------------------------------------------------------- the userGroup chain


@dataclass(frozen=True, slots=True)
class _Chain:
    """What the userGroup flow says: prepend_cid → record_call → callflow(base) → ``_``."""

    prepend: dict[str, Any]
    recording: dict[str, Any]
    base_id: str
    next_node: DocReader


def _read_chain(user: DocReader) -> _Chain:
    features: dict[str, dict[str, Any]] = {}
    node = user.node("flow")
    # SmartPBX wraps in whichever order the features were turned on; each at most once.
    while node.module() in _WRAPPERS and node.module() not in features:
        features[node.module()] = _WRAPPERS[node.module()](node.object("data", required=False))
        node = _only_child(node)
    if node.module() != "callflow":
        raise node.error(
            f"is a {node.module()!r} node where SmartPBX's group has the callflow node that "
            "branches to the baseGroup callflow",
            "module",
        )
    return _Chain(
        prepend=features.get("prepend_cid", {"enabled": False}),
        recording=features.get("record_call", {"enabled": False}),
        base_id=node.object("data", required=False).text("id"),
        next_node=_only_child(node),
    )


def _only_child(node: DocReader) -> DocReader:
    children = node.children()
    if set(children) != {"_"}:
        branches = ", ".join(sorted(children)) or "none"
        raise node.error(f"must have exactly one child, '_' (it has: {branches})", "children")
    return children["_"]


def _prepend(data: DocReader) -> dict[str, Any]:
    if data.text("action", "prepend") != "prepend":
        raise data.error("is not 'prepend': groupbot only prepends caller ID", "action")
    return {
        "enabled": True,
        "name_prefix": data.text("caller_id_name_prefix", ""),
        "number_prefix": data.text("caller_id_number_prefix", ""),
    }


def _recording(data: DocReader) -> dict[str, Any]:
    if data.text("action", "start") != "start":
        raise data.error("is not 'start': groupbot only starts recordings", "action")
    recording: dict[str, Any] = {
        "enabled": True,
        "format": data.text("format", "mp3"),  # Kazoo's default extension
        # A record_call without a limit records up to Kazoo's cap: the model's maximum,
        # which lint reports as "no time limit".
        "time_limit": data.integer("time_limit", MAX_TIME_LIMIT),
    }
    if "url" in data.doc:
        recording["url"] = data.text("url")
    return recording


_WRAPPERS: dict[str, Callable[[DocReader], dict[str, Any]]] = {
    "prepend_cid": _prepend,
    "record_call": _recording,
}


# ---------------------------------------------------------------- next action


def _next_action(node: DocReader, directory: Directory, ids: PbxIds) -> dict[str, Any]:
    if node.children():
        raise node.error("has children; SmartPBX's next action is a single node", "children")
    data = node.object("data", required=False)
    module, target = node.module(), data.text("id")
    if module == "play" and target == NOT_AVAILABLE_MEDIA:
        return {"kind": NextActionKind.NONE}
    if module in ("voicemail", "device"):
        return {"kind": module, "target_id": target}
    if module == "callflow":
        kind, target_id = _callflow_target(target, directory, ids, node)
        return {"kind": kind, "target_id": target_id}
    raise node.error(
        f"is a {module!r} node with id {target!r}; SmartPBX's next action is the "
        "'not available' prompt, a voicemail box, a device, or a callflow",
        "module",
    )


def _callflow_target(
    callflow_id: str, directory: Directory, ids: PbxIds, node: DocReader
) -> tuple[NextActionKind, str]:
    """SmartPBX sends users, menus and groups to a callflow; find whose it is (§a.5)."""
    if callflow_id == ids.user_callflow_id:
        return NextActionKind.GROUP, ids.group_id
    cid = callflow_id
    owners = [
        *(
            (NextActionKind.USER, k)
            for k, u in directory.users.items()
            if u.main_callflow_id == cid
        ),
        *((NextActionKind.MENU, k) for k, m in directory.menus.items() if m.callflow_id == cid),
        *(
            (NextActionKind.GROUP, k)
            for k, g in directory.groups.items()
            if g.user_callflow_id == cid
        ),
    ]
    if len(owners) == 1:
        return owners[0]
    if not owners:
        problem = "is no user's main callflow, menu or other ring group in the directory"
    else:
        problem = "belongs to more than one of " + ", ".join(f"{k} {t}" for k, t in owners)
    raise node.error(f"branches to callflow {callflow_id!r}, which {problem}", "data.id")


# ---------------------------------------------------------------- the baseGroup ring_group


def _read_ring_group(base: DocReader, directory: Directory) -> dict[str, Any]:
    node = base.node("flow")
    if node.module() != "ring_group":
        raise node.error(f"is {node.module()!r}: a baseGroup callflow is one ring_group", "module")
    if node.children():
        raise node.error("has branches SmartPBX's ring group never has", "children")
    data = node.object("data")
    strategy = data.text("strategy", "simultaneous")
    if strategy not in ("simultaneous", "single"):
        raise data.error(f"is {strategy!r}; groupbot rings simultaneous or single", "strategy")
    return {
        "members": [
            _member(data, i, raw, directory) for i, raw in enumerate(data.array("endpoints"))
        ],
        # SmartPBX's form allows 0, which Kazoo runs as max(1, repeats) = 1
        "repeats": max(1, data.integer("repeats", 1)),
        "strategy": strategy,
        "features": {
            "ringback": _ringback(data),
            "allow_call_forward": not data.boolean("ignore_forward", True),
        },
    }


def _member(data: DocReader, index: int, raw: object, directory: Directory) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise data.error(
            f"is {raw!r}, a bare id (the old Pivot style); SmartPBX writes each member as "
            "an object with id, endpoint_type, delay and timeout",
            f"endpoints.{index}",
        )
    member = data.item(f"endpoints.{index}", raw)
    member_id = member.text("id")
    kind = member.text("endpoint_type", "device")  # Kazoo's default
    if kind != "user":
        other = directory.groups.get(member_id)
        name = directory.devices.get(member_id) or (other.name if other else member_id)
        raise member.error(
            f"is the {kind} {name!r}; SmartPBX's Groups tab only adds users, and groupbot "
            "keeps user members only"
        )
    start = member.integer("delay", 0)
    read: dict[str, Any] = {
        "user_id": member_id,
        "start": start,
        "end": start + member.integer("timeout", KAZOO_RING_TIMEOUT),
    }
    # set by us, or on the phone with the ring_group_toggle feature code: a pause either way
    disable_until = member.integer("disable_until", 0)
    if disable_until > 0:
        read["paused_until"] = from_gregorian(disable_until)
    return read


def _ringback(data: DocReader) -> dict[str, Any]:
    ringback = data.text("ringback", "")
    if not ringback:
        return {"kind": "default"}
    if ringback.startswith(SILENCE_PREFIX):
        return {"kind": "silence"}
    return {"kind": "media", "media_id": ringback}


# ---------------------------------------------------------------- ids and numbers


def _ids(
    group_doc: Doc, base: DocReader, user: DocReader, base_id: str, user_callflow_id: str | None
) -> PbxIds:
    group_id = base.text("group_id")
    if user.text("group_id") != group_id:
        raise user.error(
            f"belongs to group {user.doc['group_id']!r}, the baseGroup to {group_id!r}", "group_id"
        )
    for doc, label, expected in (
        (group_doc, "group document", group_id),
        (base.doc, "baseGroup callflow", base_id),
    ):
        found = doc_id(doc)
        if found is not None and found != expected:
            raise DecompileError(f"the {label} is {found!r}, but the callflows say {expected!r}")
    own_id = doc_id(user.doc)
    if user_callflow_id is not None and own_id is not None and own_id != user_callflow_id:
        raise DecompileError(f"the userGroup callflow is {own_id!r}, not {user_callflow_id!r}")
    user_id = user_callflow_id or own_id
    if user_id is None:
        raise DecompileError("the userGroup callflow has no id; pass user_callflow_id")
    numbers = base.array("numbers")
    if len(numbers) != 1 or not isinstance(numbers[0], str):
        raise base.error(f"is {numbers!r}; SmartPBX gives it exactly one dummy number", "numbers")
    for reader in (base, user):
        if reader.array("patterns"):
            raise reader.error("are not used by SmartPBX's groups", "patterns")
    return PbxIds(
        group_id=group_id,
        base_callflow_id=base_id,
        user_callflow_id=user_id,
        base_number=numbers[0],
    )


def _split_numbers(user: DocReader) -> tuple[str, list[str], list[str]]:
    """SmartPBX tells extensions from numbers by length alone: fewer than 7 characters."""
    numbers = [_number(user, i, n) for i, n in enumerate(user.array("numbers"))]
    extensions = [n for n in numbers if is_extension(n)]
    primary = next((n for n in extensions if PRIMARY_EXTENSION.match(n)), None)
    if primary is None:
        raise user.error(
            f"are {numbers!r}: none is a 3-digit extension, which groupbot needs as the "
            "group's extension; add one in SmartPBX, then import again",
            "numbers",
        )
    extensions.remove(primary)
    return primary, extensions, [n for n in numbers if not is_extension(n)]


def _number(user: DocReader, index: int, value: object) -> str:
    if not isinstance(value, str):
        raise user.error(f"is {value!r}, not text", f"numbers.{index}")
    return value
