"""Reading SmartPBX's documents back: what SmartPBX writes is accepted, the rest refused
with a message that says what is wrong."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_account_group, decompile_group
from bot.engine.documents import DecompileError, GroupDocuments
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.engine.validation import parse_group
from bot.errors import UserError
from tests.engine import builders
from tests.engine.builders import IDS, hex_id

Docs = dict[str, Any]


def compiled(**fields: Any) -> GroupDocuments:
    return compile_group(parse_group(builders.group_data(**fields)), IDS, builders.directory())


def read(documents: GroupDocuments) -> Group:
    group, ids = decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        builders.directory(),
        user_callflow_id=IDS.user_callflow_id,
    )
    assert ids == IDS
    return group


def edited(change: Callable[[Docs, Docs, Docs], object], **fields: Any) -> GroupDocuments:
    """Compiled documents, deep-copied and then changed as SmartPBX (or a person) might."""
    documents = copy.deepcopy(compiled(**fields))
    change(documents.group, documents.base_callflow, documents.user_callflow)
    return documents


def ring(base: Docs) -> Docs:
    data: Docs = base["flow"]["data"]
    return data


def next_node(user: Docs) -> Docs:
    node: Docs = user["flow"]["children"]["_"]
    return node


RECORDING = {"enabled": True, "time_limit": 300, "url": "https://rec.example.com/x"}
PREPEND = {"enabled": True, "name_prefix": "S:", "number_prefix": "9"}


# ---------------------------------------------------------------- accepted and coerced


def test_member_strings_are_coerced_as_crossbar_does() -> None:
    def stringify(group: Docs, base: Docs, user: Docs) -> None:
        ring(base)["endpoints"][0] |= {"delay": "5", "timeout": "20"}
        ring(base)["repeats"] = "2"

    group = read(edited(stringify))
    assert (group.members[0].start, group.members[0].end, group.repeats) == (5, 25, 2)


def test_time_limit_string_is_coerced() -> None:
    def stringify(group: Docs, base: Docs, user: Docs) -> None:
        user["flow"]["data"]["time_limit"] = "600"  # SmartPBX's form sends it as text

    group = read(edited(stringify, features={"call_recording": RECORDING}))
    assert group.features.call_recording.time_limit == 600


@pytest.mark.parametrize("value", ["20s", "", "twenty", True, None, 2.5, [20]])
def test_a_value_that_is_not_a_whole_number_is_a_clear_error(value: object) -> None:
    def spoil(group: Docs, base: Docs, user: Docs) -> None:
        ring(base)["endpoints"][1]["timeout"] = value

    with pytest.raises(DecompileError) as raised:
        read(edited(spoil))
    assert "baseGroup callflow's flow.data.endpoints.1.timeout is" in str(raised.value)
    assert "not a whole number" in str(raised.value)


def test_record_call_and_prepend_cid_in_either_order() -> None:
    def swap(group: Docs, base: Docs, user: Docs) -> None:
        prepend = user["flow"]
        record = prepend["children"]["_"]
        prepend["children"]["_"] = record["children"]["_"]
        record["children"]["_"] = prepend
        user["flow"] = record

    fields = {"features": {"call_recording": RECORDING, "caller_id_prepend": PREPEND}}
    assert read(edited(swap, **fields)) == read(compiled(**fields))


@pytest.mark.parametrize(
    ("repeats", "expected"),
    [
        (None, 1),  # absent: Kazoo's default
        (0, 1),  # SmartPBX's form allows 0; Kazoo runs max(1, repeats)
        ("0", 1),
        (3, 3),
    ],
)
def test_repeats(repeats: object, expected: int) -> None:
    def set_repeats(group: Docs, base: Docs, user: Docs) -> None:
        ring(base).pop("repeats")
        if repeats is not None:
            ring(base)["repeats"] = repeats

    assert read(edited(set_repeats)).repeats == expected


@pytest.mark.parametrize(
    ("ignore_forward", "allowed"),
    [(None, False), (True, False), (False, True), ("false", True), ("true", False)],
)
def test_ignore_forward_absent_means_forwarding_ignored(
    ignore_forward: object, allowed: bool
) -> None:
    def set_flag(group: Docs, base: Docs, user: Docs) -> None:
        ring(base).pop("ignore_forward", None)
        if ignore_forward is not None:
            ring(base)["ignore_forward"] = ignore_forward

    assert read(edited(set_flag)).features.allow_call_forward is allowed


@pytest.mark.parametrize(
    ("ringback", "kind", "media_id"),
    [
        ("silence_stream://300000", RingbackKind.SILENCE, None),
        ("silence_stream://1000", RingbackKind.SILENCE, None),
        (hex_id("media-hold"), RingbackKind.MEDIA, hex_id("media-hold")),
    ],
)
def test_ringback(ringback: str, kind: RingbackKind, media_id: str | None) -> None:
    def set_ringback(group: Docs, base: Docs, user: Docs) -> None:
        ring(base)["ringback"] = ringback

    got = read(edited(set_ringback)).features.ringback
    assert (got.kind, got.media_id) == (kind, media_id)


def test_what_smartpbx_and_crossbar_add_is_ignored() -> None:
    def decorate(group: Docs, base: Docs, user: Docs) -> None:
        meta = {"version": "4.3", "ui": "monster-ui", "origin": "voip"}
        for doc in (group, base, user):
            doc |= {"ui_metadata": meta, "metadata": {"x": 1}, "_rev": "3-abc", "pvt_type": "t"}
        group |= {"id": IDS.group_id, "smartpbx": {"call_recording": {"enabled": True}}}
        group["endpoints"] = {}  # the flags and the map disagree with the flows: fine
        base["id"], user["id"] = IDS.base_callflow_id, IDS.user_callflow_id
        ring(base)["endpoints"][0] |= {"weight": 20, "name": "Alice"}

    assert read(edited(decorate)) == read(compiled())


def test_the_user_callflow_id_can_come_from_the_document() -> None:
    documents = compiled()
    user = documents.user_callflow | {"id": IDS.user_callflow_id}
    result = decompile_group(documents.group, documents.base_callflow, user, builders.directory())
    assert result[1] == IDS


def test_the_account_listing_finds_a_groups_callflows() -> None:
    documents = compiled()
    callflows = [
        {"id": "other", "type": "mainUserCallflow", "numbers": ["101"]},
        documents.base_callflow | {"id": IDS.base_callflow_id},
        documents.user_callflow | {"id": IDS.user_callflow_id},
    ]
    group_doc = documents.group | {"id": IDS.group_id}
    group, ids = decompile_account_group(group_doc, callflows, builders.directory())
    assert (group, ids) == (read(documents), IDS)


# ---------------------------------------------------------------- next action


@pytest.mark.parametrize(
    ("node", "kind", "target"),
    [
        (("voicemail", hex_id("vm-sales")), NextActionKind.VOICEMAIL, hex_id("vm-sales")),
        (("device", hex_id("front-desk")), NextActionKind.DEVICE, hex_id("front-desk")),
        # SmartPBX sends users, menus and groups to a callflow; the directory says whose
        (("callflow", hex_id("cf-bob")), NextActionKind.USER, hex_id("bob")),
        (("callflow", hex_id("cf-menu")), NextActionKind.MENU, hex_id("menu-main")),
        (("callflow", hex_id("cf-support-ring")), NextActionKind.GROUP, hex_id("group-support")),
        # its own userGroup callflow: kept, and lint warns
        (("callflow", IDS.user_callflow_id), NextActionKind.GROUP, IDS.group_id),
    ],
)
def test_next_action(node: tuple[str, str], kind: NextActionKind, target: str) -> None:
    def point(group: Docs, base: Docs, user: Docs) -> None:
        user["flow"]["children"]["_"] = {"module": node[0], "data": {"id": node[1]}}

    action = read(edited(point)).features.next_action
    assert (action.kind, action.target_id) == (kind, target)


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (
            {"module": "callflow", "data": {"id": "f" * 32}},
            f"branches to callflow '{'f' * 32}', which is no user's main callflow, menu",
        ),
        (
            {"module": "play", "data": {"id": "media/hello"}},
            "is a 'play' node with id 'media/hello'",
        ),
        (
            {"module": "user", "data": {"id": hex_id("bob")}},
            "is a 'user' node",
        ),
        (
            {
                "module": "voicemail",
                "data": {"id": hex_id("vm-sales")},
                "children": {"_": {"module": "hangup", "data": {}}},
            },
            "has children",
        ),
    ],
)
def test_a_next_action_groupbot_cannot_keep_is_refused(node: Docs, message: str) -> None:
    def point(group: Docs, base: Docs, user: Docs) -> None:
        user["flow"]["children"]["_"] = node

    with pytest.raises(DecompileError, match=message):
        read(edited(point))


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("numbers", "extension", "extras", "dids"),
    [
        (["201"], "201", (), ()),
        # the first 3-digit one is the primary, wherever it stands
        (["2010", "201", "202"], "201", ("2010", "202"), ()),
        # fewer than 7 characters is an extension, the rest numbers (SmartPBX's rule)
        (
            ["201", "123456", "1234567", "+14155550123"],
            "201",
            ("123456",),
            ("1234567", "+14155550123"),
        ),
    ],
)
def test_extensions_and_numbers_are_told_apart_by_length(
    numbers: list[str], extension: str, extras: tuple[str, ...], dids: tuple[str, ...]
) -> None:
    def renumber(group: Docs, base: Docs, user: Docs) -> None:
        user["numbers"] = numbers

    group = read(edited(renumber))
    assert (group.extension, group.extra_extensions, group.numbers) == (extension, extras, dids)


def test_no_three_digit_extension_is_refused() -> None:
    def renumber(group: Docs, base: Docs, user: Docs) -> None:
        user["numbers"] = ["2010", "+14155550123"]

    with pytest.raises(DecompileError, match="none is a 3-digit extension"):
        read(edited(renumber))


# ---------------------------------------------------------------- not SmartPBX-shaped


def _device_member(group: Docs, base: Docs, user: Docs) -> None:
    ring(base)["endpoints"][1] = {"id": hex_id("front-desk"), "endpoint_type": "device"}


def _untyped_member(group: Docs, base: Docs, user: Docs) -> None:
    del ring(base)["endpoints"][0]["endpoint_type"]  # Kazoo reads it as a device


def _group_member(group: Docs, base: Docs, user: Docs) -> None:
    ring(base)["endpoints"][0] = {"id": hex_id("group-support"), "endpoint_type": "group"}


def _ring_group_branch(group: Docs, base: Docs, user: Docs) -> None:
    base["flow"]["children"] = {"USER_BUSY": next_node(user)}


REFUSALS: list[tuple[Callable[[Docs, Docs, Docs], object], str]] = [
    (_device_member, r"endpoints\.1 is the device 'Front desk phone'"),
    (_untyped_member, r"endpoints\.0 is the device"),
    (_group_member, r"endpoints\.0 is the group 'Support'"),
    (_ring_group_branch, "has branches SmartPBX's ring group never has"),
    (lambda g, b, u: b.pop("type"), "has a group_id but no type: a ring group from before"),
    (lambda g, b, u: u.update(type="mainUserCallflow"), "has type 'mainUserCallflow'"),
    (lambda g, b, u: b["flow"].update(module="user"), "is 'user': a baseGroup callflow is one"),
    (lambda g, b, u: ring(b).update(strategy="weighted_random"), "is 'weighted_random'"),
    (lambda g, b, u: u.update(group_id="x" * 32), "belongs to group 'xxx"),
    (lambda g, b, u: g.update(id="y" * 32), "the group document is 'yyy"),
    (lambda g, b, u: b.update(id="z" * 32), "the baseGroup callflow is 'zzz"),
    (lambda g, b, u: b.update(numbers=["a", "b"]), "exactly one dummy number"),
    (lambda g, b, u: u.update(patterns=["^2\\d\\d$"]), "patterns are not used"),
    (lambda g, b, u: g.pop("name"), "the group document's name is missing"),
    (lambda g, b, u: u["flow"].update(module="ring_group"), "is a 'ring_group' node where"),
    (lambda g, b, u: u["flow"]["children"].clear(), "must have exactly one child"),
    (lambda g, b, u: ring(b).update(endpoints=[]), "a group needs at least one member"),
    (
        lambda g, b, u: ring(b)["endpoints"][0].update(delay=5, timeout=0),
        r"members\.0: end \(5 s\) must be after start",
    ),
]


@pytest.mark.parametrize(("change", "message"), REFUSALS)
def test_documents_groupbot_cannot_keep_are_refused(
    change: Callable[[Docs, Docs, Docs], object], message: str
) -> None:
    with pytest.raises(DecompileError, match=message):
        read(edited(change))


def test_too_many_members_breaks_the_rules_with_the_field_named() -> None:
    def sixteen(group: Docs, base: Docs, user: Docs) -> None:
        ring(base)["endpoints"] = [
            {"id": hex_id(name), "endpoint_type": "user"} for name in builders.USERS
        ]

    with pytest.raises(DecompileError, match=r"'Sales' breaks groupbot's rules: members: "):
        read(edited(sixteen))


def test_an_ftp_recording_url_from_smartpbxs_form_is_refused() -> None:
    def ftp(group: Docs, base: Docs, user: Docs) -> None:
        user["flow"]["data"]["url"] = "ftp://files.example.com/rec"

    with pytest.raises(DecompileError, match=r"features\.call_recording\.url: recording URL"):
        read(edited(ftp, features={"call_recording": RECORDING}))


def test_a_decompile_error_is_a_user_error_and_a_value_error() -> None:
    assert issubclass(DecompileError, UserError)
    assert issubclass(DecompileError, ValueError)


def test_the_user_callflow_needs_an_id() -> None:
    documents = compiled()
    with pytest.raises(DecompileError, match="pass user_callflow_id"):
        decompile_group(
            documents.group, documents.base_callflow, documents.user_callflow, builders.directory()
        )
