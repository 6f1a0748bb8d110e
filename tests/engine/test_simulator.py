"""The call simulator against Kazoo's documented ring-group behaviour (kazoo-smartpbx.md §c)."""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Any

import pytest

from bot.engine.simulator import (
    Answer,
    Answered,
    CallEnded,
    CallerIdPrefixed,
    CallTrace,
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    Leg,
    LegBusy,
    LegRinging,
    MemberSkipped,
    NextActionReached,
    RecordingStarted,
    RoundStarted,
    RoundUnanswered,
    Scenario,
    SimulationError,
    simulate,
)
from bot.engine.timeline_chart import render_png
from bot.engine.timeline_text import describe_event, render_text
from tests.shared_files import require_shared

BASE_ID = "base0000000000000000000000000001"
NOT_AVAILABLE = {
    "module": "play",
    "data": {"id": "system_media/vm-not_available_no_voicemail"},
    "children": {},
}


# ---------------------------------------------------------------- builders


def person(name: str, *devices: str) -> DirectoryUser:
    """A user with one desk phone (id ``<name>-desk``) unless devices are named."""
    names = devices or ("desk",)
    return DirectoryUser(f"u-{name}", name, tuple(DirectoryDevice(f"{name}-{d}", d) for d in names))


def member(name: str, delay: Any = 0, timeout: Any = 20, kind: str = "user") -> dict[str, Any]:
    member_id = f"u-{name}" if kind == "user" else f"{name}-desk"
    return {"id": member_id, "endpoint_type": kind, "delay": delay, "timeout": timeout}


def base(endpoints: Sequence[dict[str, Any]], **data: Any) -> dict[str, Any]:
    ring = {"strategy": "simultaneous", "timeout": 20, "endpoints": list(endpoints), **data}
    return {
        "type": "baseGroup",
        "name": "Sales Base Group",
        "flow": {"module": "ring_group", "data": ring, "children": {}},
    }


def user_group(next_action: dict[str, Any] | None = NOT_AVAILABLE, **wrap: Any) -> dict[str, Any]:
    """The userGroup callflow: optional prepend_cid → record_call → callflow(base) → `_`."""
    children = {"_": next_action} if next_action else {}
    flow: dict[str, Any] = {"module": "callflow", "data": {"id": BASE_ID}, "children": children}
    if "record" in wrap:
        flow = {"module": "record_call", "data": wrap["record"], "children": {"_": flow}}
    if "prepend" in wrap:
        flow = {"module": "prepend_cid", "data": wrap["prepend"], "children": {"_": flow}}
    return {"type": "userGroup", "name": "Sales Ring Group", "numbers": ["201"], "flow": flow}


def run(
    base_doc: dict[str, Any],
    people: Sequence[DirectoryUser],
    scenario: Scenario | None = None,
    next_action: dict[str, Any] | None = NOT_AVAILABLE,
    **wrap: Any,
) -> CallTrace:
    directory = EndpointDirectory.of(people)
    return simulate(user_group(next_action, **wrap), {BASE_ID: base_doc}, directory, scenario)


def windows(trace: CallTrace, round_no: int = 1) -> dict[str, tuple[float, float]]:
    legs = trace.rounds[round_no - 1].legs
    return {leg.device_id: (leg.start, leg.end) for leg in legs}


def ringing(trace: CallTrace) -> list[Leg]:
    return [e.leg for e in trace.events if isinstance(e, LegRinging)]


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


# ---------------------------------------------------------------- endpoint resolution


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


# ---------------------------------------------------------------- caller id, recording, flow


def test_prepend_cid_shows_the_prefixed_caller_id() -> None:
    prepend = {
        "action": "prepend",
        "caller_id_name_prefix": "Sales: ",
        "caller_id_number_prefix": "9",
    }
    scenario = Scenario(caller_name="Bob Smith", caller_number="4155550100")

    trace = run(base([member("alice")]), [person("alice")], scenario, prepend=prepend)

    assert trace.events[0] == CallerIdPrefixed(0, "Sales: Bob Smith", "94155550100")
    assert (trace.caller_name, trace.caller_number) == ("Sales: Bob Smith", "94155550100")


def test_record_call_starts_a_recording_at_once() -> None:
    record = {"action": "start", "url": "https://rec.example.com/", "time_limit": "600"}

    trace = run(base([member("alice")]), [person("alice")], record=record)

    assert trace.events[0] == RecordingStarted(0, "mp3", 600)


@pytest.mark.parametrize(
    ("next_action", "kind", "words"),
    [
        ({"module": "device", "data": {"id": "bob-desk"}}, "next_action", "device desk"),
        ({"module": "user", "data": {"id": "u-bob"}}, "next_action", "user bob"),
        ({"module": "callflow", "data": {"id": "other"}}, "next_action", "group Support"),
        ({"module": "play", "data": {"id": "m1"}}, "next_action", "plays m1, then hang up"),
        (NOT_AVAILABLE, "not_available", "the “not available” prompt, then hang up"),
    ],
)
def test_the_next_action_is_described(next_action: dict[str, Any], kind: str, words: str) -> None:
    other = {"type": "userGroup", "name": "Support", "flow": {"module": "ring_group"}}
    directory = EndpointDirectory.of([person("alice"), person("bob")])
    callflows = {BASE_ID: base([member("alice")]), "other": other}

    trace = simulate(user_group(next_action), callflows, directory)

    assert trace.outcome.kind == kind
    assert trace.outcome.destination is not None
    assert trace.outcome.destination.description == words


def test_no_next_action_hangs_up() -> None:
    trace = run(base([member("alice")]), [person("alice")], next_action=None)

    assert trace.events[-1] == CallEnded(20)
    assert trace.outcome.kind == "hung_up"


def test_a_skipped_module_is_passed_over() -> None:
    record = {"action": "start", "skip_module": True}

    trace = run(base([member("alice")]), [person("alice")], record=record)

    assert not any(isinstance(e, RecordingStarted) for e in trace.events)
    assert trace.outcome.at == 20


def test_a_branch_loop_is_an_error() -> None:
    loop = {"flow": {"module": "callflow", "data": {"id": "loop"}, "children": {}}}

    with pytest.raises(SimulationError, match="branches"):
        simulate(loop, {"loop": loop}, EndpointDirectory())


def test_a_missing_base_callflow_is_an_error() -> None:
    with pytest.raises(SimulationError, match=BASE_ID):
        simulate(user_group(), {}, EndpointDirectory())


# ---------------------------------------------------------------- SmartPBX example documents


def load_example(name: str) -> dict[str, Any]:
    path = require_shared("kazoo", "examples", name)
    document: dict[str, Any] = json.loads(path.read_text())
    return document


SALES = {
    "0a1b2c3d4e5f60718293a4b5c6d7e8f9": "alice",
    "1b2c3d4e5f60718293a4b5c6d7e8f90a": "bob",
    "2c3d4e5f60718293a4b5c6d7e8f90a1b": "carol",
}


def sales_directory() -> EndpointDirectory:
    users = [
        DirectoryUser(uid, name, (DirectoryDevice(f"{name}-desk", "desk"),))
        for uid, name in SALES.items()
    ]
    return EndpointDirectory.of(users, labels={"3e2d1c0b9a8f7e6d5c4b3a2918070605": "Sales"})


def test_smartpbx_all_features_group_after_distribute() -> None:
    user = load_example("synth-smartpbx-userGroup-callflow-all-features.json")
    edited = load_example("synth-smartpbx-baseGroup-callflow-edited.json")
    base_id = user["flow"]["children"]["_"]["children"]["_"]["data"]["id"]
    scenario = Scenario(caller_name="Dana", caller_number="4155550199")

    trace = simulate(user, {base_id: edited}, sales_directory(), scenario)

    assert trace.events[:2] == (
        CallerIdPrefixed(0, "Sales: Dana", "94155550199"),
        RecordingStarted(0, "mp3", 600),
    )
    assert windows(trace, 1) == {
        "alice-desk": (0, 40),
        "bob-desk": (40, 80),
        "carol-desk": (80, 120),
    }
    assert windows(trace, 2) == {
        "alice-desk": (120, 160),
        "bob-desk": (160, 200),
        "carol-desk": (200, 240),
    }
    assert trace.outcome.kind == "next_action"
    assert trace.outcome.at == 240
    assert trace.outcome.destination is not None
    assert trace.outcome.destination.description == "voicemail box Sales"


def test_smartpbx_group_as_first_created_with_string_timings() -> None:
    user = load_example("synth-smartpbx-userGroup-callflow-as-created.json")
    created = load_example("synth-smartpbx-baseGroup-callflow-as-created.json")

    trace = simulate(user, {user["flow"]["data"]["id"]: created}, sales_directory())

    assert set(windows(trace).values()) == {(0, 20)}
    assert len(windows(trace)) == 3
    assert trace.outcome.kind == "not_available"
    assert trace.outcome.at == 20


# ---------------------------------------------------------------- renderings

FIFTEEN = [f"member{i:02d}" for i in range(15)]


def fifteen_member_trace(repeats: int, scenario: Scenario | None = None) -> CallTrace:
    endpoints = [member(name, i * 4, 20) for i, name in enumerate(FIFTEEN)]
    voicemail = {"module": "voicemail", "data": {"id": "vm1"}, "children": {}}
    group = base(endpoints, timeout=76, repeats=repeats)
    return run(group, [person(name) for name in FIFTEEN], scenario, next_action=voicemail)


def test_the_png_shows_fifteen_members_over_several_rounds() -> None:
    trace = fifteen_member_trace(3, Scenario(answers=(Answer("u-member09", 200),)))

    png = render_png(trace)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1100
    assert 500 <= height <= 1000
    assert len(png) < 400_000


def test_the_png_of_a_call_where_nobody_rings() -> None:
    trace = run(base([member("alice")]), [DirectoryUser("u-alice", "alice")])

    assert render_png(trace)[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_text_timeline_reads_as_who_rings_when_and_where_the_call_ends() -> None:
    user = load_example("synth-smartpbx-userGroup-callflow-all-features.json")
    edited = load_example("synth-smartpbx-baseGroup-callflow-edited.json")
    trace = simulate(
        user,
        {"7a6b5c4d3e2f10a9b8c7d6e5f4a3b2c1": edited},
        sales_directory(),
        Scenario(caller_name="Dana"),
    )

    text = render_text(trace)

    lines = text.splitlines()
    assert lines[0] == lines[-1] == "```"
    assert "simultaneous · group timeout 120 s · 2 rounds" in lines
    assert "Members see the caller as: Sales: Dana <9>" in lines
    assert "Recording starts (mp3, up to 600 s)" in lines
    assert "alice ▕████████░░░░░░░░░░░░░░░░▏ 0–40 s" in lines
    assert "bob   ▕░░░░░░░░████████░░░░░░░░▏ 40–80 s" in lines
    assert "carol ▕░░░░░░░░░░░░░░░░████████▏ 80–120 s" in lines
    assert "Round 2 · 120–240 s: same as round 1" in lines
    assert lines[-2] == "→ 240 s: no answer; the call goes to voicemail box Sales"


def test_the_text_timeline_marks_busy_and_answer() -> None:
    people = [person("alice"), person("bob")]
    group = base([member("alice", 0, 20), member("bob", 0, 20)], timeout=20)
    scenario = Scenario(busy=frozenset({"u-alice"}), answers=(Answer("u-bob", 8),))

    lines = render_text(run(group, people, scenario)).splitlines()

    assert "alice ▕x░░░░░░░░░░░░░░░░░░░▏ busy at 0 s" in lines
    assert "bob   ▕████████░░░░░░░░░░░░▏ 0 s, answers at 8 s" in lines
    assert lines[-2] == "→ 8 s: answered by bob"


def test_the_text_timeline_fits_a_slack_section_for_fifteen_members_and_twenty_rounds() -> None:
    trace = fifteen_member_trace(20)

    text = render_text(trace)

    assert len(text) <= 3000
    assert "Rounds 2–20 · 76–1520 s: same as round 1" in text
    assert text.splitlines()[-2] == "→ 1520 s: no answer; the call goes to voicemail box vm1"


def test_the_text_timeline_is_cut_to_fit_when_no_two_rounds_match() -> None:
    # a different member is busy in each round, so no round can be folded
    busy = {n: frozenset({f"u-{FIFTEEN[(n - 1) % 15]}"}) for n in range(1, 21)}
    trace = fifteen_member_trace(20, Scenario(busy_in_round=busy))

    text = render_text(trace)

    assert len(text) <= 3000
    assert "more lines not shown" in text
    # round 15 ends 4 s early: its last member, busy, was the one ringing until 76 s
    assert text.splitlines()[-2] == "→ 1516 s: no answer; the call goes to voicemail box vm1"


def test_every_event_can_be_told_in_words() -> None:
    record = {"action": "start", "format": "wav"}
    prepend = {"caller_id_name_prefix": "S: "}
    people = [person("alice"), person("bob"), DirectoryUser("u-carol", "carol")]
    group = base([member("alice"), member("bob"), member("carol")], repeats=2)
    scenario = Scenario(busy_in_round={1: frozenset({"u-bob"})}, answers=(Answer("u-bob", 25),))

    trace = run(group, people, scenario, record=record, prepend=prepend)

    assert [describe_event(e) for e in trace.events] == [
        "     0  Members see the caller as: S: Caller",
        "     0  Recording starts (wav, up to the system limit)",
        "     0  round 1 starts",
        "     0  carol has no device: not rung",
        "     0  alice rings on desk until 20 s",
        "     0  bob is busy on desk",
        "    20  round 1: no answer",
        "    20  round 2 starts",
        "    20  carol has no device: not rung",
        "    20  alice rings on desk until 25 s",
        "    20  bob rings on desk until 25 s",
        "    25  bob answers on desk",
    ]
