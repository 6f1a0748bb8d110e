"""How long the engine takes per group: validate, compile and decompile 15-member groups
with every feature on. Peak memory is measured in a second pass, because tracemalloc
slows every allocation and would distort the times.

Run: .venv/bin/python benchmarks/bench_engine.py [groups]
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from bot.engine.compiler import compile_group
from bot.engine.decompiler import decompile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Group
from bot.engine.validation import parse_group

MEMBERS = 15
VOICEMAIL = "3e2d1c0b9a8f7e6d5c4b3a2918070605"
MEDIA = "5d4c3b2a190817f6e5d4c3b2a1908172"


def group_data(n: int) -> dict[str, Any]:
    """Group ``n``: 15 members spread over 120 s, every feature on, extra numbers."""
    return {
        "name": f"Group {n}",
        "extension": f"{200 + n % 800}",
        "extra_extensions": [f"{2000 + n % 8000}"],
        "numbers": [f"+1415555{n % 10000:04d}"],
        "members": [
            {"user_id": f"{n:016x}{i:016x}", "start": 8 * i, "end": 8 * i + 8}
            for i in range(MEMBERS)
        ],
        "repeats": 2,
        "features": {
            "call_recording": {
                "enabled": True,
                "format": "wav",
                "time_limit": 900,
                "url": "https://recordings.example.com/upload",
            },
            "ringback": {"kind": "media", "media_id": MEDIA},
            "next_action": {"kind": "voicemail", "target_id": VOICEMAIL},
            "allow_call_forward": True,
            "caller_id_prepend": {"enabled": True, "name_prefix": "G: ", "number_prefix": "9"},
        },
    }


def ids(n: int) -> PbxIds:
    return PbxIds(
        group_id=f"{n:032x}",
        base_callflow_id=f"b{n:031x}",
        user_callflow_id=f"c{n:031x}",
        base_number=f"{n:025d}",
    )


def best_seconds(step: Callable[[], object], rounds: int = 3) -> float:
    """The fastest of a few runs with the cyclic GC off, as timeit does: with 10,000
    groups alive, collections scan them all and the figure would measure the batch."""
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times)


def peak_bytes(step: Callable[[], object]) -> int:
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main(count: int) -> None:
    directory = Directory(vmboxes={VOICEMAIL: "Voicemail"}, media={MEDIA: "Ringback"})
    data = [group_data(n) for n in range(count)]
    all_ids = [ids(n) for n in range(count)]
    groups: list[Group] = []
    documents: list[GroupDocuments] = []
    read: list[tuple[Group, PbxIds]] = []

    def validate() -> None:
        groups[:] = [parse_group(d) for d in data]

    def compile_all() -> None:
        documents[:] = [
            compile_group(g, i, directory) for g, i in zip(groups, all_ids, strict=True)
        ]

    def decompile_all() -> None:
        read[:] = [
            decompile_group(
                docs.group,
                docs.base_callflow,
                docs.user_callflow,
                directory,
                user_callflow_id=i.user_callflow_id,
            )
            for docs, i in zip(documents, all_ids, strict=True)
        ]

    steps: Sequence[tuple[str, Callable[[], None]]] = [
        ("validate", validate),
        ("compile", compile_all),
        ("decompile", decompile_all),
    ]
    print(f"{count} groups of {MEMBERS} members, every feature on (best of 3 runs, GC off)")
    for label, step in steps:
        print(f"{label:<10} {best_seconds(step) / count * 1e6:8.1f} µs/group")
    # A second pass for memory only. Each step keeps its results, as a batch would, so the
    # peak is what the step's output holds plus its own working space.
    for label, step in steps:
        peak = peak_bytes(step)
        print(f"{label:<10} {peak / 2**20:8.1f} MiB peak, {peak / count / 1024:5.1f} KiB/group")
    assert [group for group, _ in read] == groups  # the round trip held throughout


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
