"""The walk through the callflows (kazoo-smartpbx.md §c.1, §c.3): caller ID, recording,
the next action, and documents that cannot be walked."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.simulator import (
    CallEnded,
    CallerIdPrefixed,
    EndpointDirectory,
    RecordingStarted,
    Scenario,
    SimulationError,
    simulate,
)
from tests.engine.calls import BASE_ID, NOT_AVAILABLE, base, member, person, run, user_group


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
