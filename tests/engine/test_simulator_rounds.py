"""Ring timing against Kazoo's documented ring-group behaviour (kazoo-smartpbx.md §c.2):
the make-busy live cases, rounds and repeats, answers and busy members."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.simulator import (
    Answer,
    Answered,
    CallEnded,
    DirectoryUser,
    LegBusy,
    MemberSkipped,
    NextActionReached,
    RoundStarted,
    RoundUnanswered,
    Scenario,
)
from tests.engine.calls import base, member, person, ringing, run, windows

MAKE_BUSY_PAIRS = [(0, 30), (5, 25), (10, 20), (15, 15), (20, 10), (25, 5)]


def make_busy_group(
    strategy: str, group_timeout: int
) -> tuple[dict[str, Any], list[DirectoryUser]]:
    """make-busy-callflow RingGroupTestCase 8001: devices b-d and users e-g, delays as strings."""
    names = "bcdefg"
    people = [person(n) for n in names]
    endpoints = [
        member(n, str(delay), str(timeout), "device" if n in "bcd" else "user")
        for n, (delay, timeout) in zip(names, MAKE_BUSY_PAIRS, strict=True)
    ]
    return base(endpoints, strategy=strategy, timeout=group_timeout), people


# ---------------------------------------------------------------- make-busy live cases


def test_each_leg_starts_at_its_delay_and_all_stop_at_the_group_timeout() -> None:
    group, people = make_busy_group("simultaneous", 30)

    trace = run(group, people)

    assert windows(trace) == {
        f"{n}-desk": (d, 30) for n, (d, _) in zip("bcdefg", MAKE_BUSY_PAIRS, strict=True)
    }
    assert trace.rounds[0].end == 30
    assert trace.outcome.kind == "not_available"
    assert trace.outcome.at == 30


def test_single_rings_each_leg_when_the_previous_one_ends() -> None:
    # make-busy 8004: two devices, strategy single, timeout 10 each
    people = [person("f"), person("g")]
    group = base(
        [member("f", kind="device", timeout=10), member("g", kind="device", timeout=10)],
        strategy="single",
        timeout=60,
    )

    trace = run(group, people)

    assert windows(trace) == {"f-desk": (0, 10), "g-desk": (10, 20)}
    assert trace.outcome.at == 20


def test_single_keeps_member_order_and_chains_the_six_make_busy_timeouts() -> None:
    people = [person(n) for n in "bcdefg"]
    group = base(
        [member(n, 0, t) for n, (_, t) in zip("bcdefg", MAKE_BUSY_PAIRS, strict=True)],
        strategy="single",
        timeout=105,
    )

    legs = run(group, people).rounds[0].legs

    assert [(leg.start, leg.end) for leg in legs] == [
        (0, 30),
        (30, 55),
        (55, 75),
        (75, 90),
        (90, 100),
        (100, 105),
    ]


def test_single_counts_a_delay_from_the_start_of_its_turn_and_stops_at_the_group_timeout() -> None:
    group, people = make_busy_group("single", 30)

    trace = run(group, people)

    # b rings 0-30 and uses the whole group timeout: nobody else gets a turn
    assert windows(trace) == {"b-desk": (0, 30)}
    group = base(
        [member("b", 0, 10), member("c", 5, 10), member("d", 0, 30)], strategy="single", timeout=40
    )
    assert windows(run(group, people)) == {
        "b-desk": (0, 10),
        "c-desk": (15, 25),
        "d-desk": (25, 40),
    }


# ---------------------------------------------------------------- rounds, answers, busy


def test_repeats_run_that_many_rounds_then_reach_the_next_action() -> None:
    people = [person("alice"), person("bob")]
    voicemail = {"module": "voicemail", "data": {"id": "vm1"}, "children": {}}

    trace = run(
        base([member("alice", 0, 25), member("bob", 5, 10)], timeout=25, repeats="3"),
        people,
        next_action=voicemail,
    )

    starts = [e.at for e in trace.events if isinstance(e, RoundStarted)]
    assert starts == [0, 25, 50]
    assert windows(trace, 3) == {"alice-desk": (50, 75), "bob-desk": (55, 65)}
    assert trace.outcome.kind == "next_action"
    assert trace.outcome.destination is not None
    assert trace.outcome.destination.description == "voicemail box vm1"
    assert trace.events[-1] == NextActionReached(75, trace.outcome.destination)


@pytest.mark.parametrize("repeats", [0, None, "0"])
def test_repeats_below_one_still_ring_one_round(repeats: object) -> None:
    data = {} if repeats is None else {"repeats": repeats}

    trace = run(base([member("alice")], **data), [person("alice")])

    assert len(trace.rounds) == 1


def test_a_round_ends_when_every_leg_has_ended_before_the_group_timeout() -> None:
    trace = run(base([member("alice", 0, 10)], timeout=60, repeats=2), [person("alice")])

    assert [(r.start, r.end) for r in trace.rounds] == [(0, 10), (10, 20)]


def test_an_answer_stops_everything() -> None:
    people = [person("alice"), person("bob"), person("carol")]
    group = base(
        [member("alice", 0, 30), member("bob", 5, 25), member("carol", 20, 10)],
        timeout=30,
        repeats=3,
    )

    trace = run(group, people, Scenario(answers=(Answer("u-bob", 12),)))

    assert trace.events[-1] == Answered(12, trace.rounds[0].legs[1])
    assert trace.outcome.kind == "answered"
    assert trace.outcome.answered_by is not None
    assert trace.outcome.answered_by.who == "bob"
    assert len(trace.rounds) == 1
    assert [(leg.who, leg.end, leg.status) for leg in trace.rounds[0].legs] == [
        ("alice", 12, "cancelled"),
        ("bob", 12, "answered"),
    ]  # carol never starts
    assert not any(isinstance(e, CallEnded | NextActionReached) for e in trace.events)


def test_an_answer_counts_only_while_that_members_phone_rings() -> None:
    people = [person("alice"), person("bob")]
    group = base([member("alice", 0, 10), member("bob", 10, 10)], timeout=20, repeats=2)
    # alice is not ringing at 15 s (her leg ended at 10); she picks up in round 2 at 22 s
    scenario = Scenario(answers=(Answer("u-alice", 15), Answer("alice-desk", 22)))

    trace = run(group, people, scenario)

    assert trace.outcome.kind == "answered"
    assert trace.outcome.at == 22
    assert [r.number for r in trace.rounds] == [1, 2]
    assert trace.notes == (
        "alice isn't ringing at 15 s (rings 0–10 s in round 1), so that answer never happens",
    )


def test_a_busy_member_drops_out_of_that_round_only() -> None:
    people = [person("alice"), person("bob")]
    group = base([member("alice"), member("bob", 5, 10)], repeats=2)

    trace = run(group, people, Scenario(busy_in_round={1: frozenset({"u-bob"})}))

    busy = [e for e in trace.events if isinstance(e, LegBusy)]
    assert [(e.at, e.leg.who, e.leg.round) for e in busy] == [(5, "bob", 1)]
    assert windows(trace, 2)["bob-desk"] == (25, 35)
    assert trace.rounds[0].end == 20


def test_busy_for_the_whole_call_and_busy_everywhere_ends_rounds_at_once() -> None:
    people = [person("alice"), person("bob")]
    group = base([member("alice"), member("bob")], timeout=30, repeats=3)

    trace = run(group, people, Scenario(busy=frozenset({"u-alice", "u-bob"})))

    assert [(r.start, r.end) for r in trace.rounds] == [(0, 0), (0, 0), (0, 0)]
    assert ringing(trace) == []
    assert trace.outcome.at == 0


def test_a_group_with_nobody_reachable_goes_straight_to_the_next_action() -> None:
    people = [DirectoryUser("u-alice", "alice")]

    trace = run(base([member("alice")], repeats=3, timeout=60), people)

    assert [type(e) for e in trace.events] == [
        RoundStarted,
        MemberSkipped,
        RoundUnanswered,
        NextActionReached,
    ]
    assert trace.events[2] == RoundUnanswered(0, 1, nobody_reachable=True)
    assert trace.outcome.kind == "not_available"
    assert trace.outcome.at == 0


# ---------------------------------------------------------------- answers that never happen


def test_an_answer_while_that_member_is_not_ringing_is_explained() -> None:
    people = [person("Dana Lee"), person("bob")]
    group = base([member("Dana Lee", 0, 20), member("bob", 0, 30)], timeout=30)

    trace = run(group, people, Scenario(answers=(Answer("u-Dana Lee", 25),)))

    assert trace.outcome.kind == "not_available"
    assert trace.notes == (
        "Dana Lee isn't ringing at 25 s (rings 0–20 s), so that answer never happens",
    )


PEOPLE = [person("alice"), person("bob"), person("carol"), person("zed")]


@pytest.mark.parametrize(
    ("endpoints", "group", "scenario", "note"),
    [
        (  # a later answer by someone else
            [member("alice"), member("bob")],
            {},
            Scenario(answers=(Answer("u-alice", 12), Answer("bob-desk", 15))),
            "alice answers first, at 12 s, so bob's answer at 15 s never happens",
        ),
        (  # after the group has given up
            [member("alice")],
            {"repeats": 2},
            Scenario(answers=(Answer("u-alice", 45),)),
            "the group stops ringing at 40 s, so alice's answer at 45 s never happens",
        ),
        (  # busy in that round
            [member("alice", 0, 30), member("bob")],
            {"timeout": 30, "repeats": 2},
            Scenario(busy_in_round={2: frozenset({"u-bob"})}, answers=(Answer("u-bob", 35),)),
            "bob is busy in round 2, so the answer at 35 s never happens",
        ),
        (  # on do-not-disturb: never rings, named by a device of the member
            [member("alice"), member("carol")],
            {},
            Scenario(do_not_disturb=frozenset({"u-carol"}), answers=(Answer("carol-desk", 5),)),
            "carol is on do-not-disturb and never rings, so the answer at 5 s never happens",
        ),
        (  # not a member at all
            [member("alice")],
            {},
            Scenario(answers=(Answer("u-zed", 5),)),
            "zed isn't rung by this group, so the answer at 5 s never happens",
        ),
        (  # single: alice takes the whole group timeout, bob's turn never comes
            [member("alice", 0, 30), member("bob")],
            {"strategy": "single", "timeout": 30},
            Scenario(answers=(Answer("u-bob", 10),)),
            "bob isn't ringing at 10 s (the group stops ringing before bob's turn), "
            "so that answer never happens",
        ),
        (  # a delay past the group timeout, in a second round
            [member("alice", 0, 30), member("bob", 40, 10)],
            {"timeout": 30, "repeats": 2},
            Scenario(answers=(Answer("u-bob", 45),)),
            "bob isn't ringing at 45 s (round 2 ends before bob's turn), "
            "so that answer never happens",
        ),
    ],
)
def test_every_answer_that_never_happens_says_why(
    endpoints: list[dict[str, Any]], group: dict[str, Any], scenario: Scenario, note: str
) -> None:
    trace = run(base(endpoints, **group), PEOPLE, scenario)

    assert trace.notes == (note,)


def test_the_answer_that_ends_the_call_needs_no_note() -> None:
    scenario = Scenario(answers=(Answer("u-alice", 5),))

    trace = run(base([member("alice")]), [person("alice")], scenario)

    assert trace.outcome.kind == "answered"
    assert trace.notes == ()
