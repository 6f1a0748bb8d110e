"""``describe_change``: the history's "what", in plain words with names, from the diff."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.changes import describe_change, names_in
from bot.engine.model import Group, distributed
from tests.engine.builders import directory, group_data, hex_id, member

NAMES = names_in(directory())


def group(**fields: Any) -> Group:
    return Group.model_validate(group_data(**fields))


def test_creation_and_deletion() -> None:
    assert describe_change(None, group(), NAMES) == "created"
    assert describe_change(group(), None, NAMES) == "deleted"
    assert describe_change(group(), group(), NAMES) == "no change"


def test_several_changes_in_one_line_in_a_fixed_order() -> None:
    before = group(extra_extensions=("4155",))
    after = group(
        name="Inside Sales",
        repeats=3,
        members=[member("alice"), member("bob"), member("dana")],
    )

    assert describe_change(before, after, NAMES) == (
        "renamed Sales → Inside Sales; removed 4155; repeats 1 → 3; added Dana"
    )


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        ({}, {"extension": "202"}, "extension 201 → 202"),
        ({}, {"numbers": ("+14155550123",)}, "added +14155550123"),
        ({"extra_extensions": ("4155", "4156")}, {}, "removed 4155, 4156"),
        ({}, {"strategy": "single"}, "strategy simultaneous → single"),
        (
            {},
            {"members": [member("alice"), member("bob"), member("carol"), member("dana")]},
            "added Carol, Dana",
        ),
        ({}, {"members": [member("bob")]}, "removed Alice"),
        ({}, {"members": [member("alice", 10, 40), member("bob")]}, "Alice rings 0–20 s → 10–40 s"),
        ({}, {"members": [member("bob"), member("alice")]}, "members reordered"),
    ],
)
def test_settings_numbers_and_members(
    before: dict[str, Any], after: dict[str, Any], said: str
) -> None:
    assert describe_change(group(**before), group(**after), NAMES) == said


def test_a_member_unknown_to_the_directory_is_named_by_id() -> None:
    stranger = hex_id("stranger")
    before = group(members=[member("alice"), member("bob"), {"user_id": stranger}])

    assert describe_change(before, group(), NAMES) == f"removed {stranger}"


def test_many_moved_windows_are_counted_not_listed() -> None:
    members = [member(n) for n in ("alice", "bob", "carol", "dana", "erin")]
    before = group(members=members)

    said = describe_change(before, distributed(before), NAMES)

    assert said == "ring windows of 5 members changed"
    assert "→" not in said


VM, MENU, MEDIA = hex_id("vm-sales"), hex_id("menu-main"), hex_id("media-hold")


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        (
            {},
            {"call_recording": {"enabled": True}},
            "call recording on (mp3, limit 600 s)",
        ),
        (
            {},
            {"call_recording": {"enabled": True, "url": "https://rec.example.com/x"}},
            "call recording on (mp3, limit 600 s, to https://rec.example.com/x)",
        ),
        ({"call_recording": {"enabled": True}}, {}, "call recording off"),
        (
            {"call_recording": {"enabled": True}},
            {"call_recording": {"enabled": True, "format": "wav", "time_limit": 300}},
            "recording format mp3 → wav; recording limit 600 s → 300 s",
        ),
        (
            {"call_recording": {"enabled": True, "url": "https://a.example.com"}},
            {"call_recording": {"enabled": True}},
            "recording URL removed",
        ),
        (
            {},
            {"ringback": {"kind": "media", "media_id": MEDIA}},
            "ringback default ringing → Hold music",
        ),
        ({}, {"ringback": {"kind": "silence"}}, "ringback default ringing → silence"),
        (
            {},
            {"next_action": {"kind": "voicemail", "target_id": VM}},
            "next action not-available prompt → voicemail Sales voicemail",
        ),
        (
            {"next_action": {"kind": "menu", "target_id": MENU}},
            {"next_action": {"kind": "user", "target_id": hex_id("dana")}},
            "next action menu Main menu → user Dana",
        ),
        (
            {},
            {"next_action": {"kind": "group", "target_id": hex_id("group-support")}},
            "next action not-available prompt → group Support",
        ),
        ({}, {"allow_call_forward": True}, "call-forward allowed"),
        ({"allow_call_forward": True}, {}, "call-forward denied"),
        (
            {},
            {"caller_id_prepend": {"enabled": True, "name_prefix": "Sales: "}},
            'caller ID prepend on (name "Sales: ")',
        ),
        (
            {"caller_id_prepend": {"enabled": True, "name_prefix": "S:"}},
            {"caller_id_prepend": {"enabled": True, "name_prefix": "S:", "number_prefix": "9"}},
            'caller ID prepend name "S:" → name "S:", number "9"',
        ),
        (
            {"caller_id_prepend": {"enabled": True, "number_prefix": "9"}},
            {},
            "caller ID prepend off",
        ),
    ],
)
def test_features(before: dict[str, Any], after: dict[str, Any], said: str) -> None:
    assert describe_change(group(features=before), group(features=after), NAMES) == said


def test_the_text_is_plain_with_no_slack_markup_or_ids() -> None:
    before = group()
    after = group(
        members=[member("alice"), member("dana")],
        features={"next_action": {"kind": "user", "target_id": hex_id("erin")}},
    )

    said = describe_change(before, after, NAMES)

    assert said == "added Dana; removed Bob; next action not-available prompt → user Erin"
    assert "<" not in said
    assert hex_id("dana") not in said


def test_names_in_covers_every_kind_of_target() -> None:
    names = names_in(directory())
    for ident, name in [
        (hex_id("alice"), "Alice"),
        (hex_id("front-desk"), "Front desk phone"),
        (VM, "Sales voicemail"),
        (MENU, "Main menu"),
        (MEDIA, "Hold music"),
        (hex_id("group-support"), "Support"),
    ]:
        assert names[ident] == name
