"""A simulated call told as text for Slack, as step-by-step words, and as a PNG."""

from __future__ import annotations

import struct
from dataclasses import replace

from bot.commands.views.call_picture import render_png
from bot.commands.views.call_text import describe_event, render_chain_text, render_text
from bot.engine.simulator import (
    Answer,
    CallTrace,
    ChainedCall,
    DirectoryUser,
    Loop,
    Scenario,
    simulate,
)
from tests.engine.calls import base, load_example, member, person, run, sales_directory

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


def test_the_text_timeline_says_why_an_answer_never_happens() -> None:
    people = [person("Dana Lee"), person("bob")]
    group = base([member("Dana Lee", 0, 20), member("bob", 0, 30)], timeout=30)
    scenario = Scenario(answers=(Answer("u-Dana Lee", 25),))

    lines = render_text(run(group, people, scenario)).splitlines()

    note = "Note: Dana Lee isn't ringing at 25 s (rings 0–20 s), so that answer never happens"
    assert note in lines
    assert lines[-2].startswith("→ 30 s: no answer; the call goes to the “not available” prompt")


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


def test_a_call_through_eight_groups_of_fifteen_fits_a_slack_section() -> None:
    names = [f"Group {i}" for i in range(8)]
    trace = fifteen_member_trace(3)
    parts = tuple(replace(trace, name=name) for name in names)
    call = ChainedCall(parts, Loop(1824.0, names[-1], names[0]))

    text = render_chain_text(call)

    assert len(text) <= 3000
    assert all(f"\n{name}\n" in text for name in names)
    assert text.splitlines()[-2] == (
        "→ 1824 s: no answer; Group 7's next action goes back to Group 0: "
        "the call would loop; it stops here"
    )
