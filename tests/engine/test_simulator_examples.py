"""SmartPBX's own example documents (../shared/kazoo/examples), simulated as SmartPBX wrote
them and after groupbot imports them: decompiled to a group, then compiled again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_account_group
from bot.engine.simulator import (
    Answer,
    CallerIdPrefixed,
    CallTrace,
    RecordingStarted,
    Scenario,
    simulate,
)
from tests.engine.calls import load_example, sales_directory, windows
from tests.engine.golden import load

Callflows = tuple[dict[str, Any], dict[str, dict[str, Any]]]  # userGroup, callflows by id
USER_CALLFLOW_ID = "6c5b4a3928170f6e5d4c3b2a19080706"


def branch_target(user_callflow: dict[str, Any]) -> str:
    """The id the userGroup's ``callflow`` node branches to: the baseGroup callflow's."""
    node = user_callflow["flow"]
    while node["module"] != "callflow":
        node = node["children"]["_"]
    target: str = node["data"]["id"]
    return target


def as_written(base: str, user: str) -> Callflows:
    user_doc = load_example(f"synth-smartpbx-userGroup-callflow-{user}.json")
    base_doc = load_example(f"synth-smartpbx-baseGroup-callflow-{base}.json")
    return user_doc, {branch_target(user_doc): base_doc}


def imported(base: str, user: str) -> Callflows:
    """The group found among the account's callflows (each with the id crossbar returns),
    decompiled, and compiled to the documents groupbot would write back."""
    user_doc, callflows = as_written(base, user)
    account_callflows = [doc | {"id": doc_id} for doc_id, doc in callflows.items()]
    account_callflows.append(user_doc | {"id": USER_CALLFLOW_ID})
    group_doc = load_example("synth-smartpbx-group.json") | {"id": user_doc["group_id"]}
    directory = load("all-features").directory  # the voicemail box and ringback media
    group, ids = decompile_account_group(group_doc, account_callflows, directory)
    documents = compile_group(group, ids, directory)
    return documents.user_callflow, {ids.base_callflow_id: documents.base_callflow}


SOURCES: dict[str, Callable[[str, str], Callflows]] = {
    "as-written": as_written,
    "imported": imported,
}


def simulated(source: str, base: str, user: str, scenario: Scenario | None = None) -> CallTrace:
    user_callflow, callflows = SOURCES[source](base, user)
    return simulate(user_callflow, callflows, sales_directory(), scenario)


@pytest.mark.parametrize("source", SOURCES)
def test_smartpbx_all_features_group_after_distribute(source: str) -> None:
    scenario = Scenario(caller_name="Dana", caller_number="4155550199")

    trace = simulated(source, "edited", "all-features", scenario)

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


@pytest.mark.parametrize("source", SOURCES)
def test_smartpbx_group_as_first_created_with_string_timings(source: str) -> None:
    trace = simulated(source, "as-created", "as-created")

    assert set(windows(trace).values()) == {(0, 20)}
    assert len(windows(trace)) == 3
    assert trace.outcome.kind == "not_available"
    assert trace.outcome.at == 20


BOB = "1b2c3d4e5f60718293a4b5c6d7e8f90a"


@pytest.mark.parametrize(
    ("base", "user"), [("edited", "all-features"), ("as-created", "as-created")]
)
def test_importing_a_smartpbx_group_does_not_change_how_a_call_runs(base: str, user: str) -> None:
    # The as-created pair comes back with integer timings and repeats written out, so the
    # documents differ; the call they run must not.
    scenario = Scenario(caller_name="Dana", answers=(Answer(BOB, 50),))

    trace = simulated("imported", base, user, scenario)

    assert trace == simulated("as-written", base, user, scenario)
