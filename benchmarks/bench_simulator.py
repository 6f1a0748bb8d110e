"""How long one simulated call takes: a 15-member, 3-round group, nobody answering.

Run: .venv/bin/python benchmarks/bench_simulator.py [calls]
"""

from __future__ import annotations

import sys
import time
from typing import Any

from bot.engine.simulator import (
    DirectoryDevice,
    DirectoryUser,
    EndpointDirectory,
    Scenario,
    simulate,
)

MEMBERS, REPEATS = 15, 3


def documents() -> tuple[dict[str, Any], dict[str, dict[str, Any]], EndpointDirectory]:
    users = [
        DirectoryUser(f"u{i}", f"member {i}", (DirectoryDevice(f"d{i}", "desk"),))
        for i in range(MEMBERS)
    ]
    endpoints = [
        {"id": f"u{i}", "endpoint_type": "user", "delay": i * 4, "timeout": 20}
        for i in range(MEMBERS)
    ]
    ring = {"strategy": "simultaneous", "timeout": 76, "repeats": REPEATS, "endpoints": endpoints}
    base = {"name": "Bench Base Group", "flow": {"module": "ring_group", "data": ring}}
    user_flow = {
        "module": "prepend_cid",
        "data": {"caller_id_name_prefix": "Bench: "},
        "children": {
            "_": {
                "module": "callflow",
                "data": {"id": "base"},
                "children": {"_": {"module": "voicemail", "data": {"id": "vm"}}},
            }
        },
    }
    user = {"name": "Bench Ring Group", "flow": user_flow}
    return user, {"base": base}, EndpointDirectory.of(users)


def main(calls: int) -> None:
    user, callflows, directory = documents()
    scenario = Scenario(caller_name="Caller", caller_number="4155550100")
    simulate(user, callflows, directory, scenario)  # warm-up
    started = time.perf_counter()
    for _ in range(calls):
        simulate(user, callflows, directory, scenario)
    elapsed = time.perf_counter() - started
    print(
        f"{calls} calls, {MEMBERS} members × {REPEATS} rounds: {elapsed / calls * 1e6:.1f} µs/call"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
