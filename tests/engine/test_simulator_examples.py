"""SmartPBX's own example documents (../shared/kazoo/examples), simulated."""

from __future__ import annotations

from bot.engine.simulator import CallerIdPrefixed, RecordingStarted, Scenario, simulate
from tests.engine.calls import load_example, sales_directory, windows


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
