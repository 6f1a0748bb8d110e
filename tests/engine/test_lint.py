"""Lint: what a valid group allows but probably did not mean."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.lint import LintWarning, lint
from bot.engine.validation import parse_group
from tests.engine import builders
from tests.engine.builders import IDS, group_data, hex_id, member


def warnings_for(**fields: Any) -> list[LintWarning]:
    return lint(parse_group(group_data(**fields)), builders.directory(), group_id=IDS.group_id)


def test_a_plain_group_has_no_warnings() -> None:
    assert warnings_for() == []


@pytest.mark.parametrize(
    ("windows", "messages"),
    [
        ([(0, 20), (20, 40)], []),  # back to back: no gap
        ([(0, 30), (10, 20)], []),  # one inside another
        ([(0, 20), (30, 40)], ["nothing rings from 20 to 30 s"]),
        ([(10, 20), (0, 5)], ["nothing rings from 5 to 10 s"]),  # order does not matter
        ([(10, 30)], ["nothing rings for the first 10 s"]),
        ([(5, 10), (20, 30)], ["nothing rings for the first 5 s", "nothing rings from 10 to 20 s"]),
    ],
)
def test_a_gap_in_the_timeline(windows: list[tuple[int, int]], messages: list[str]) -> None:
    names = ["alice", "bob"]
    found = warnings_for(
        members=[member(n, s, e) for n, (s, e) in zip(names, windows, strict=False)]
    )
    assert [w.field for w in found] == ["members"] * len(messages)
    for warning, message in zip(found, messages, strict=True):
        assert warning.message.startswith(message)


def test_no_gap_check_for_single_strategy() -> None:
    # Kazoo rings single groups one member after another; the offsets are no timeline
    assert warnings_for(strategy="single", members=[member("alice", 30, 40)]) == []


def adopted(timeout: int, **fields: Any) -> tuple[Any, Any]:
    """A group as read from the PBX whose ring_group timeout someone set by hand."""
    documents = copy.deepcopy(
        compile_group(parse_group(group_data(**fields)), IDS, builders.directory())
    )
    documents.base_callflow["flow"]["data"]["timeout"] = timeout
    group, _ = decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        builders.directory(),
        user_callflow_id=IDS.user_callflow_id,
    )
    return group, documents


def test_members_beyond_the_stored_group_timeout() -> None:
    windows = [member("alice", 0, 30), member("bob", 20, 50), member("carol", 60, 80)]
    group, documents = adopted(40, members=windows)
    found = lint(group, builders.directory(), documents=documents)
    assert [(w.field, w.message.split(":")[0]) for w in found] == [
        ("members.1", "is cut off early"),  # 20–50 s, stopped at 40
        ("members.2", "never rings"),  # 60–80 s, after the group stopped
    ]
    assert "rings 20–50 s but the group stops ringing at 40 s" in found[0].message


def test_a_stored_timeout_longer_than_every_member_is_a_gap_at_the_end() -> None:
    group, documents = adopted(60, members=[member("alice", 0, 40)])
    found = lint(group, builders.directory(), documents=documents)
    assert [(w.field, w.message.split(":")[0]) for w in found] == [
        ("members", "nothing rings from 40 to 60 s")
    ]


def test_a_ring_group_without_timeout_stops_at_kazoos_20_seconds() -> None:
    group, documents = adopted(0, members=[member("alice", 0, 30)])
    del documents.base_callflow["flow"]["data"]["timeout"]
    found = lint(group, builders.directory(), documents=documents)
    assert [w.field for w in found] == ["members.0"]


def test_compiled_documents_never_cut_anyone_off() -> None:
    group = parse_group(group_data(members=[member("alice", 0, 30), member("bob", 10, 90)]))
    documents = compile_group(group, IDS, builders.directory())
    assert lint(group, builders.directory(), documents=documents) == []


@pytest.mark.parametrize(
    ("kind", "target", "warned"),
    [
        ("group", IDS.group_id, "back to this same group"),  # itself
        ("group", hex_id("group-support"), None),
        ("group", hex_id("group-gone"), "not in the account"),
        ("voicemail", hex_id("vm-sales"), None),
        ("voicemail", hex_id("vm-gone"), "not in the account"),
        ("user", hex_id("alice"), None),
        ("user", hex_id("zed"), "not in the account"),
        ("device", hex_id("desk-gone"), "not in the account"),
        ("menu", hex_id("menu-gone"), "not in the account"),
    ],
)
def test_next_action_target(kind: str, target: str, warned: str | None) -> None:
    found = warnings_for(features={"next_action": {"kind": kind, "target_id": target}})
    if warned is None:
        assert found == []
    else:
        assert [w.field for w in found] == ["features.next_action"]
        assert warned in found[0].message


@pytest.mark.parametrize(("limit", "warned"), [(600, False), (10799, False), (10800, True)])
def test_recording_without_a_time_limit(limit: int, warned: bool) -> None:
    found = warnings_for(features={"call_recording": {"enabled": True, "time_limit": limit}})
    assert [w.field for w in found] == ["features.call_recording.time_limit"] * warned


def test_an_adopted_record_call_without_time_limit_has_no_limit() -> None:
    group, documents = adopted(20, features={"call_recording": {"enabled": True}})
    record = documents.user_callflow["flow"]["data"]
    del record["time_limit"]
    group, _ = decompile_group(
        documents.group,
        documents.base_callflow,
        documents.user_callflow,
        builders.directory(),
        user_callflow_id=IDS.user_callflow_id,
    )
    found = lint(group, builders.directory())
    assert [w.field for w in found] == ["features.call_recording.time_limit"]


@pytest.mark.parametrize(
    ("number", "warned"),
    [
        ("+14155550123", False),  # E.164
        ("4155550123", True),  # no plus: kept from SmartPBX
        ("+1234567890123456", True),  # 16 digits
    ],
)
def test_a_legacy_number(number: str, warned: bool) -> None:
    found = warnings_for(numbers=["+4930123456", number])
    assert [w.field for w in found] == ["numbers.1"] * warned
