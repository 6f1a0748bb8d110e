"""Every rule of product.md's group table, with values on both sides of each boundary.

Each row changes one thing in a valid group (Sales, 201, alice and bob) and names the
field the rejection must be keyed by, or None when the group is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.engine.directory import Directory
from bot.engine.validation import (
    GroupRejected,
    check_in_account,
    check_new_numbers,
    parse_group,
)
from tests.engine import builders
from tests.engine.builders import USERS, group_data, hex_id, member

OK = None


def rejected_fields(check: Callable[[], object]) -> list[str]:
    try:
        check()
    except GroupRejected as rejected:
        return list(rejected.errors)
    return []


def rejected_field(data: dict[str, Any]) -> str | None:
    fields = rejected_fields(lambda: parse_group(data))
    assert len(fields) <= 1, fields
    return fields[0] if fields else OK


def members(count: int) -> list[dict[str, Any]]:
    return [member(name) for name in USERS[:count]]


def next_action(kind: str, target: str) -> dict[str, Any]:
    return {"next_action": {"kind": kind, "target_id": target}}


def recording(**fields: Any) -> dict[str, Any]:
    return {"call_recording": {"enabled": True, **fields}}


RULES: list[tuple[dict[str, Any], str | None]] = [
    # members: 1–15 PBX users, no duplicates
    ({"members": members(1)}, OK),  # the fewest
    ({"members": members(15)}, OK),  # the most
    ({"members": members(16)}, "members"),  # one too many
    ({"members": []}, "members"),  # Kazoo's ring_group needs an endpoint
    ({"members": [member("alice"), member("alice", 20, 40)]}, "members.1"),  # duplicate: its row
    ({"members": [member("alice"), member("bob"), member("alice")]}, "members.2"),
    # primary extension: exactly 3 digits
    ({"extension": "20"}, "extension"),  # 2 digits
    ({"extension": "201"}, OK),  # 3 digits
    ({"extension": "2010"}, "extension"),  # 4 digits
    ({"extension": "20a"}, "extension"),  # not all digits
    # extra extensions: 3–6 digits
    ({"extra_extensions": ["20"]}, "extra_extensions"),  # 2 digits
    ({"extra_extensions": ["202"]}, OK),  # 3 digits
    ({"extra_extensions": ["202020"]}, OK),  # 6 digits
    ({"extra_extensions": ["2020202"]}, "extra_extensions"),  # 7 digits: a number's length
    ({"extra_extensions": ["201"]}, "extra_extensions"),  # the primary again
    # DIDs: + then 8–15 digits (other 7+ digit numbers: see NUMBERS below)
    ({"numbers": ["+12345678"]}, OK),  # + and 8 digits
    ({"numbers": ["+123456789012345"]}, OK),  # + and 15 digits
    ({"numbers": ["+123456"]}, "numbers"),  # + and 6 digits: not a number at all
    ({"numbers": ["+14155550123", "+14155550123"]}, "numbers"),  # duplicate number
    ({"numbers": ["201"]}, "numbers"),  # the extension again, and too short
    # dialing repeats: 1–20
    ({"repeats": 0}, "repeats"),  # SmartPBX's form allows it; Kazoo's schema does not
    ({"repeats": 1}, OK),
    ({"repeats": 20}, OK),
    ({"repeats": 21}, "repeats"),
    # ring windows: 0 ≤ start < end ≤ 999
    ({"members": [member("alice", 0, 999)]}, OK),  # the whole range
    ({"members": [member("alice", 0, 1000)]}, "members.0.end"),  # one past the end
    ({"members": [member("alice", 998, 999)]}, OK),  # the last second
    ({"members": [member("alice", -1, 20)]}, "members.0.start"),  # before the call
    ({"members": [member("alice", 20, 20)]}, "members.0"),  # start = end: never rings
    ({"members": [member("alice", 30, 20)]}, "members.0"),  # ends before it starts
    ({"members": [member("alice", 999, 999)]}, "members.0.start"),  # starts at the very end
    # call recording time limit: 5–10800 (Kazoo's bounds)
    ({"features": recording(time_limit=4)}, "features.call_recording.time_limit"),
    ({"features": recording(time_limit=5)}, OK),
    ({"features": recording(time_limit=10800)}, OK),
    ({"features": recording(time_limit=10801)}, "features.call_recording.time_limit"),
    # recording URL: http or https only (Kazoo refuses the ftp SmartPBX's form takes)
    ({"features": recording(url="http://rec.example.com/in")}, OK),
    ({"features": recording(url="https://rec.example.com/in")}, OK),
    ({"features": recording(url="ftp://rec.example.com/in")}, "features.call_recording.url"),
    ({"features": recording(url="https://")}, "features.call_recording.url"),  # no host
    ({"features": recording(format="ogg")}, "features.call_recording.format"),
    # name: 1–128 characters
    ({"name": ""}, "name"),
    ({"name": "S"}, OK),
    ({"name": "S" * 128}, OK),
    ({"name": "S" * 129}, "name"),
    ({"name": "   "}, "name"),  # only spaces is empty
    # features that need a choice
    ({"features": {"ringback": {"kind": "media"}}}, "features.ringback"),  # which file?
    ({"features": {"next_action": {"kind": "device"}}}, "features.next_action"),  # which one?
    ({"features": next_action("voicemail", "x")}, "features.next_action"),  # ids are 32 long
    ({"features": {"caller_id_prepend": {"enabled": True}}}, "features.caller_id_prepend"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field"), RULES)
def test_group_rule(change: dict[str, Any], field: str | None) -> None:
    assert rejected_field(group_data(**change)) == field


NUMBERS: list[tuple[str, bool, bool]] = [
    # number, the model keeps it, a user may add it
    ("+12345678", True, True),  # + and 8 digits: the shortest DID
    ("+123456789012345", True, True),  # + and 15 digits: the longest DID
    ("+1234567890123456", True, False),  # + and 16 digits: only kept from SmartPBX
    ("4155550123", True, False),  # no plus: only kept from SmartPBX
    ("1234567", True, False),  # 7 digits: the shortest SmartPBX calls a number
    ("123456", False, False),  # 6 digits in numbers: an extension's length
    ("+" + "1" * 36, False, False),  # longer than Kazoo's 36-character callflow number
]


@pytest.mark.parametrize(("number", "kept", "addable"), NUMBERS)
def test_number_rule(number: str, kept: bool, addable: bool) -> None:
    data = group_data(numbers=[number])
    assert rejected_field(data) == (OK if kept else "numbers")
    if kept:
        group = parse_group(data)
        if addable:
            check_new_numbers(group)
        else:
            with pytest.raises(GroupRejected) as raised:
                check_new_numbers(group)
            assert list(raised.value.errors) == ["numbers.0"]
            check_new_numbers(group, previous=group)  # adopted with it: it may stay


# ---------------------------------------------------------------- account rules

OWN_ID = hex_id("group-sales")


def on_next(kind: str, target: str) -> dict[str, Any]:
    return {"features": next_action(kind, target)}


SUPPORT = hex_id("group-support")  # "Support", numbers 300 and +14155550300


ACCOUNT_RULES: list[tuple[dict[str, Any], str | None, str | None]] = [
    # change, own group id, field rejected
    ({}, None, OK),  # a new group that clashes with nothing
    ({"name": "Support"}, None, "name"),  # another group's name
    ({"name": "sUPPORT"}, None, "name"),  # case-insensitive
    ({"name": "Support"}, SUPPORT, OK),  # its own name, when saving itself
    ({"extension": "101"}, None, "extension"),  # alice's extension
    ({"extension": "300"}, None, "extension"),  # another group's extension
    ({"extension": "300"}, SUPPORT, OK),  # its own extension
    ({"extra_extensions": ["102"]}, None, "extra_extensions.0"),  # bob's
    ({"numbers": ["+14155550300"]}, None, "numbers.0"),  # used by another group
    ({"members": [member("zed")]}, None, "members.0"),  # not a user of the account
    (on_next("voicemail", hex_id("vm-sales")), None, OK),
    (on_next("voicemail", hex_id("vm-gone")), None, "features.next_action"),  # missing
    (on_next("user", hex_id("bob")), None, OK),
    (on_next("user", hex_id("zed")), None, "features.next_action"),
    (on_next("device", hex_id("front-desk")), None, OK),
    (on_next("device", hex_id("desk-gone")), None, "features.next_action"),
    (on_next("menu", hex_id("menu-main")), None, OK),
    (on_next("menu", hex_id("menu-gone")), None, "features.next_action"),
    (on_next("group", SUPPORT), OWN_ID, OK),
    (on_next("group", OWN_ID), OWN_ID, "features.next_action"),  # itself
    (on_next("group", hex_id("group-gone")), None, "features.next_action"),
    ({"features": {"ringback": {"kind": "media", "media_id": "gone"}}}, None, "features.ringback"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "group_id", "field"), ACCOUNT_RULES)
def test_account_rule(change: dict[str, Any], group_id: str | None, field: str | None) -> None:
    group = parse_group(group_data(**change))
    fields = rejected_fields(
        lambda: check_in_account(group, builders.directory(), group_id=group_id)
    )
    assert fields == ([] if field is OK else [field])


def test_a_user_without_a_callflow_cannot_take_unanswered_calls() -> None:
    directory = builders.directory()
    users = dict(directory.users)
    alice = hex_id("alice")
    users[alice] = users[alice].model_copy(update={"main_callflow_id": None})
    group = parse_group(group_data(**on_next("user", alice)))
    said = "has no number of their own to send calls to: give them one in SmartPBX"
    with pytest.raises(GroupRejected, match=said):
        check_in_account(group, directory.model_copy(update={"users": users}))


def test_a_duplicate_member_is_named_under_its_own_row() -> None:
    data = group_data(members=[member("alice"), member("bob"), member("alice", 20, 40)])
    with pytest.raises(GroupRejected) as raised:
        parse_group(data)
    assert raised.value.errors == {
        "members.2": "member 3 is the same person as member 1; a person can be a member only once"
    }


def test_every_problem_is_reported_at_once() -> None:
    data = group_data(name="", extension="1", repeats=99, members=[])
    with pytest.raises(GroupRejected) as raised:
        parse_group(data)
    assert set(raised.value.errors) == {"name", "extension", "repeats", "members"}


def test_an_edited_copy_is_checked_again() -> None:
    # model_copy(update=...) skips validation; parse_group must not trust it
    group = parse_group(group_data())
    broken = group.model_copy(update={"repeats": 0})
    with pytest.raises(GroupRejected, match="dialing repeats"):
        parse_group(broken)


def test_a_feature_turned_off_keeps_no_settings() -> None:
    # nothing of it reaches the PBX, so nothing of it could be read back
    group = parse_group(
        group_data(
            features={
                "call_recording": {"enabled": False, "format": "wav", "url": "https://x.example"},
                "caller_id_prepend": {"enabled": False, "name_prefix": "S:"},
            }
        )
    )
    assert group == parse_group(group_data())


def test_directory_defaults_are_empty() -> None:
    assert Directory().number_owner("201") is None
