"""A pause from App Home beside ``/group ring`` (issue 14): both one single-field edit and
one PBX write.

In process, as ``bench_slack.py`` measures: signed requests through ``app.dispatch``,
the Slack emulator standing in for Slack, groups seeded as there (three members each, in
an SQLite file). For each request: the time to the acknowledgement (what ``dispatch``
returns, the HTTP answer Slack waits for) and the time until its work is done — the PBX
written (counted: exactly one document each) and, for the button, App Home republished.

The button is "Pause 1 h" under "My groups", pressed by a member of every group, on a
different group each time (a group with two others ringing: no confirmation to ask).

    .venv/bin/python benchmarks/bench_presence.py [--groups 1000] [--requests 100]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_slack import ADMIN, CHANNEL, FIRST_EXTENSION, SECRET, TOKEN, USERS, directory_yaml, seed
from slack_bolt import App

from bot.app import LISTENER_THREADS, build_services, create_app, freeze_startup_heap
from bot.commands.ids import Action, Block, suffixed
from bot.commands.views import GroupRef
from bot.config import Settings
from bot.services import Services
from slackemu.driver import Driver
from slackemu.payloads import (
    Context,
    SignedRequest,
    Signer,
    block_actions_payload,
    interaction_body,
)
from slackemu.server import RESPONSE_URL, SlackEmulator

MEMBER, MEMBER_NAME = "U0M00", "member00"  # in every seeded group
OTHER_MEMBER = "<@U0M01|member01>"


class Drained(ThreadPoolExecutor):
    """The app's executor for the work after each acknowledgement, as ``bot.app`` makes it,
    that can be waited on: each request starts once the one before has finished all its
    work (the emulator still answering a large views.publish would otherwise share the
    interpreter with the next request's save, and its time count against it)."""

    def __init__(self) -> None:
        super().__init__(LISTENER_THREADS, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def drain(self) -> None:
        while self._futures:
            self._futures.pop().result(timeout=30)


class CountedWrites:
    """The PBX documents written (put or deleted), counted as they happen."""

    def __init__(self, services: Services) -> None:
        self.count = 0
        self._lock = threading.Lock()
        pbx: Any = services._pbx  # the benchmark's own wiring: count what reaches the PBX
        put, delete = pbx.put, pbx.delete

        def counted(method: Callable[..., None]) -> Callable[..., None]:
            def call(*args: Any) -> None:
                method(*args)
                with self._lock:
                    self.count += 1

            return call

        pbx.put, pbx.delete = counted(put), counted(delete)

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count:
            assert time.monotonic() < deadline, f"{self.count} writes, not {count}"
            time.sleep(0.0005)


def home_press(emu: SlackEmulator, signer: Signer, team: str, group: GroupRef) -> SignedRequest:
    action = {
        "type": "button",
        "block_id": suffixed(Block.MY_GROUP_ACTIONS, group.group_id),
        "action_id": suffixed(Action.HOME_PAUSE_HOUR, group.group_id),
        "value": group.encode(),
        "text": {"type": "plain_text", "text": "Pause 1 h"},
        "action_ts": f"{time.time():.6f}",
    }
    ctx = Context(team, emu.identity.app_id, MEMBER, MEMBER_NAME)
    home = {"id": "VHOME0001", "type": "home", "hash": "1.h", "team_id": team, "blocks": []}
    payload = block_actions_payload(ctx, action, trigger_id=emu.issue_trigger_id(MEMBER), view=home)
    return signer.sign(interaction_body(payload))


def measured(
    app: App,
    request: SignedRequest,
    writes: CountedWrites,
    shown: Callable[[], None],
    work: Drained,
) -> tuple[float, float, float]:
    """Seconds to the acknowledgement, to the PBX write, and until ``shown`` returns; the
    request's work is all done when this returns."""
    bolt = request.to_bolt()
    before = writes.count
    started = time.perf_counter()
    response = app.dispatch(bolt)
    acked = time.perf_counter()
    assert response.status == 200, response.body
    writes.wait_for(before + 1)
    written = time.perf_counter()
    shown()
    finished = time.perf_counter()
    work.drain()
    assert writes.count == before + 1, f"{writes.count - before} PBX writes, not one"
    return acked - started, written - started, finished - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, name in USERS.items():
            emu.add_user(user_id, name, f"{name}@example.com", is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "bench")
        settings = Settings(
            database_url=f"sqlite:///{tmp}/groupbot.db",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=Path(tmp) / "callflows",
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        here = seed(services, team, args.groups)
        services.push_pending()  # the seeded groups are on the PBX: each edit writes one
        refs = {v.extension: GroupRef.of(v) for v in services.group_summaries(team)}
        count = min(args.requests, here // 2 - 1)
        work = Drained()
        app = create_app(settings, services, after_ack=work)
        freeze_startup_heap()
        writes = CountedWrites(services)
        driver, signer = Driver(emu, SECRET), Signer(SECRET)

        def ring(i: int) -> SignedRequest:
            text = f"ring {FIRST_EXTENSION + i} {OTHER_MEMBER} 0-30"
            return driver.slash_command(text, user_id=ADMIN, channel_id=CHANNEL)

        def pause(i: int) -> SignedRequest:
            return home_press(emu, signer, team, refs[str(FIRST_EXTENSION + here // 2 + i)])

        def replied(method: str) -> Callable[[], None]:
            def wait() -> None:
                emu.wait_for(method, seen[method] + 1, timeout=10)
                seen[method] += 1

            seen[method] = len(emu.calls(method))
            return wait

        seen: dict[str, int] = {}
        kinds = (
            ("/group ring", ring, replied(RESPONSE_URL)),
            ("App Home Pause 1 h", pause, replied("views.publish")),
        )
        # warm: auth.test, the users.info cache, imports, SQLite pages
        measured(app, ring(here // 2 - 1), writes, kinds[0][2], work)
        measured(app, pause(count), writes, kinds[1][2], work)
        # the two take turns, request by request: the machine's load falls on both alike
        times: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in kinds}
        for i in range(count):
            for name, make, shown in kinds:
                times[name].append(measured(app, make(i), writes, shown, work))
        print(
            f"{here} groups in the workspace; {count} requests each, taking turns; "
            "median µs, one PBX write each"
        )
        print(f"{'request':<20} {'ack':>8} {'PBX written':>12} {'shown':>9}  (shown: the")
        print(f"{'':<20} {'':>8} {'':>12} {'':>9}   reply, or Home republished)")
        for name, series in times.items():
            ack, written, done = (statistics.median(t) * 1e6 for t in zip(*series, strict=True))
            print(f"{name:<20} {ack:>8.0f} {written:>12.0f} {done:>9.0f}")
        work.shutdown()


if __name__ == "__main__":
    main()
