"""Which phones a ring_group's members ring (kazoo-smartpbx.md §c.2, resolving endpoints)."""

from __future__ import annotations

from typing import Any

from bot.engine.simulator import (
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    MemberSkipped,
    Scenario,
    simulate,
)
from tests.engine.calls import BASE_ID, base, member, person, ringing, run, user_group, windows


def test_do_not_disturb_disabled_and_phoneless_members_never_ring() -> None:
    people = [
        person("alice"),
        DirectoryUser("u-bob", "bob", (DirectoryDevice("bob-desk", "desk", do_not_disturb=True),)),
        DirectoryUser("u-carol", "carol", (DirectoryDevice("c1", "desk"),), do_not_disturb=True),
        DirectoryUser("u-dave", "dave"),
        DirectoryUser("u-erin", "erin", (DirectoryDevice("e1", "desk", enabled=False),)),
        person("frank"),
    ]
    group = base([member(n) for n in ("alice", "bob", "carol", "dave", "erin", "frank", "gone")])

    trace = run(group, people, Scenario(do_not_disturb=frozenset({"u-frank"})))

    assert {leg.who for leg in ringing(trace)} == {"alice"}
    reasons = {
        e.skipped.who: e.skipped.reason for e in trace.events if isinstance(e, MemberSkipped)
    }
    assert reasons == {
        "bob": "is on do-not-disturb",
        "carol": "is on do-not-disturb",
        "dave": "has no device",
        "erin": "has the phone disabled",
        "frank": "is on do-not-disturb",
        "u-gone": "is not a known user",
    }


def test_a_user_rings_on_every_phone_with_the_members_delay_and_timeout() -> None:
    trace = run(base([member("alice", "5", "15")]), [person("alice", "desk", "mobile")])

    assert windows(trace) == {"alice-desk": (5, 20), "alice-mobile": (5, 20)}


def test_defaults_duplicates_and_sorting_by_delay() -> None:
    people = [person("alice"), person("bob")]
    endpoints: list[dict[str, Any]] = [
        {"id": "u-bob", "endpoint_type": "user", "delay": 10},
        {"id": "alice-desk"},  # endpoint_type device, delay 0, timeout 20
        {"id": "u-alice", "endpoint_type": "user", "delay": 0, "timeout": 20},  # duplicate
    ]

    legs = run(base(endpoints, timeout=40), people).rounds[0].legs

    assert [(leg.device_id, leg.start, leg.end) for leg in legs] == [
        ("alice-desk", 0, 20),
        ("bob-desk", 10, 30),
    ]


def test_zero_leg_timeout_rings_until_the_group_timeout() -> None:
    trace = run(base([member("alice", 0, 0)], timeout=45), [person("alice")])

    assert windows(trace) == {"alice-desk": (0, 45)}


def test_group_members_expand_and_their_own_timings_win() -> None:
    people = [person("alice"), person("bob")]
    sales = {
        "name": "Sales",
        "endpoints": {"u-alice": {"type": "user", "delay": 5}, "bob-desk": {"type": "device"}},
    }
    group = base([{"id": "g1", "endpoint_type": "group", "delay": 2, "timeout": 9}])
    directory = EndpointDirectory.of(people, groups={"g1": sales})

    trace = simulate(user_group(), {BASE_ID: group}, directory)

    assert windows(trace) == {"bob-desk": (2, 11), "alice-desk": (5, 14)}


def test_the_callers_own_phones_and_logged_out_members_do_not_ring() -> None:
    people = [person("alice"), person("bob"), person("carol")]
    endpoints = [member("alice"), member("bob"), {**member("carol"), "disable_until": 900}]

    trace = run(base(endpoints), people, Scenario(caller_id="u-alice", now=800))

    assert {leg.who for leg in ringing(trace)} == {"bob"}
