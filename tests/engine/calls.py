"""Builders for simulated calls: people, ring_group members, the two callflows, and
the SmartPBX example documents with the directory their ids belong to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.engine.simulator import (
    CallTrace,
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    Leg,
    LegRinging,
    Scenario,
    simulate,
)
from tests.shared_files import require_shared

BASE_ID = "base0000000000000000000000000001"
NOT_AVAILABLE = {
    "module": "play",
    "data": {"id": "system_media/vm-not_available_no_voicemail"},
    "children": {},
}


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
