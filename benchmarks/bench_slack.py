"""The Slack surface under load: in-process dispatch, then ``groupbot serve`` on loopback.

1. In-process: signed ``/group list``, ``/group show``, ``/group add`` and a Members modal
   submission through ``app.dispatch`` with 1,000 groups in an SQLite database, the Slack
   emulator standing in for Slack. For each: the time to the acknowledgement (what
   ``dispatch`` returns, the HTTP answer Slack waits for) and the time until the reply
   has reached the emulator (the listener's whole work). In the same run, a bare Bolt
   app configured the same way whose listeners only ``ack()``: the ratio shows what our
   handlers add on top of Bolt itself.
2. Load: ``groupbot serve`` (gunicorn, uvicorn workers, ``bot.web``) as a subprocess on loopback,
   50 concurrent clients for 60 s sending a mix of commands, each over its own keep-alive
   connection; requests/s, p50/p99 time to acknowledgement, and how many took over 3 s.
   Every loop is bounded by the deadline; the server is stopped at the end.

    .venv/bin/python benchmarks/bench_slack.py [--groups 1000] [--requests 200]
        [--clients 50] [--seconds 60] [--skip-load]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from slack_bolt import Ack, App

from bot.app import build_services, create_app, freeze_startup_heap, make_web_client
from bot.commands import views
from bot.commands.ids import Block, Callback
from bot.commands.views import ModalMeta
from bot.config import Settings
from bot.engine.model import Group
from bot.services import Actor, Services, WorkspaceSettings
from slackemu.driver import Driver
from slackemu.payloads import (
    Context,
    SignedRequest,
    Signer,
    fill_state,
    interaction_body,
    view_submission_payload,
)
from slackemu.server import RESPONSE_URL, SlackEmulator

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
PREPARED = 3000  # distinct signed requests the load clients pick from
TOKEN = "xoxb-bench"
CHANNEL = "C0BENCH"
ADMIN, OTHER = "U0ADMIN", "U0OTHER"
USERS = {ADMIN: "admin", OTHER: "other", **{f"U0M{i:02d}": f"member{i:02d}" for i in range(13)}}


def directory_yaml() -> str:
    users = [
        {"name": name.title(), "email": f"{name}@example.com", "extension": str(100 + i)}
        for i, name in enumerate(USERS.values())
    ]
    return json.dumps({"users": users})


# A primary extension is 3 digits and unique in its PBX account, so one account holds at
# most 900 groups: the measured workspace gets EXTENSIONS of them, a second one the rest.
FIRST_EXTENSION = 120  # the users have 100–114
EXTENSIONS = 1000 - FIRST_EXTENSION
SECOND_TEAM, SECOND_ACCOUNT = "T0SECOND", "5e" * 16


def seed(services: Services, team: str, groups: int) -> int:
    """``groups`` groups of three members over two workspaces; returns how many ``team`` has.

    Group i of ``team`` answers extension 120 + i and the DID +1415555 then i in 4 digits.
    """
    here = min(groups, EXTENSIONS)
    services.setup_workspace(
        Actor(SECOND_TEAM, ADMIN, is_admin=True),
        WorkspaceSettings(team_id=SECOND_TEAM, account_id=SECOND_ACCOUNT),
    )
    services.import_directory(SECOND_TEAM, directory_yaml())
    for workspace, count in ((team, here), (SECOND_TEAM, groups - here)):
        directory = services.directory(workspace)
        by_email = {u.email: pbx for pbx, u in directory.users.items()}
        members = [by_email[f"{name}@example.com"] for name in list(USERS.values())[2:5]]
        admin = Actor(workspace, ADMIN, is_admin=True)
        for i in range(count):
            group = Group.model_validate(
                {
                    "name": f"Group {i:04d}",
                    "extension": str(FIRST_EXTENSION + i),
                    "numbers": [f"+1415555{i:04d}"],
                    "members": [{"user_id": m} for m in members],
                }
            )
            services.create_group(admin, group)
    return here


# ---------------------------------------------------------------- in-process


class Requests:
    """Signed requests as Slack sends them, with fresh trigger_ids and response_urls."""

    def __init__(self, emu: SlackEmulator) -> None:
        self.emu = emu
        self.driver = Driver(emu, SECRET)
        self.signer = Signer(SECRET)

    def command(self, text: str) -> SignedRequest:
        return self.driver.slash_command(text, user_id=ADMIN, channel_id=CHANNEL)

    def members_submission(self, services: Services, team: str, ref: str) -> SignedRequest:
        shown = services.get_group(team, ref)
        rows = views.member_rows(shown, {})
        meta = ModalMeta.for_group(shown, ADMIN, CHANNEL)
        view = views.members_modal(meta, rows)
        view.update({"id": f"V{shown.id:08d}", "hash": "1.h", "team_id": team, "state": {}})
        state = fill_state(view)
        for block_id in state:
            if block_id.startswith(Block.MEMBER_END):
                state[block_id]["member_end"]["value"] = "30"
        ctx = Context(team, self.emu.identity.app_id, ADMIN, "admin")
        payload = view_submission_payload(
            ctx, view, state, trigger_id=self.emu.issue_trigger_id(ADMIN)
        )
        return self.signer.sign(interaction_body(payload))


def bare_app(settings: Settings) -> App:
    """Bolt configured as ``create_app`` configures it, with listeners that only ack."""
    from concurrent.futures import ThreadPoolExecutor as Pool

    from bot.app import LISTENER_THREADS

    app = App(
        signing_secret=SECRET,
        client=make_web_client(settings, TOKEN),
        token_verification_enabled=False,
        process_before_response=True,
        listener_executor=Pool(LISTENER_THREADS),
    )

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/group")(only_ack)
    app.view(Callback.MEMBERS)(only_ack)
    return app


def timed(
    app: App,
    bare: App,
    make: Callable[[int], SignedRequest],
    count: int,
    done: Callable[[int], None],
) -> tuple[float, float, float]:
    """Median µs to our acknowledgement, to the end of our listener's work, and to the bare
    app's acknowledgement of the same request.

    The two apps take turns, request by request: each bare ack comes right after our work
    finished, in the same state of the machine (caches, the emulator's threads winding
    down), rather than in a tight loop of its own that nothing else interrupts.
    """
    to_ack, to_done, bare_ack = [], [], []
    for i in range(count):
        request = make(i).to_bolt()
        started = time.perf_counter()
        response = app.dispatch(request)
        acked = time.perf_counter()
        assert response.status == 200, response.body
        done(i)
        finished = time.perf_counter()
        to_ack.append(acked - started)
        to_done.append(finished - started)
        request = make(i).to_bolt()
        started = time.perf_counter()
        bare.dispatch(request)
        bare_ack.append(time.perf_counter() - started)
    ack_us, done_us, bare_us = (statistics.median(t) * 1e6 for t in (to_ack, to_done, bare_ack))
    return ack_us, done_us, bare_us


def in_process(
    emu: SlackEmulator, settings: Settings, services: Services, count: int, listed: int
) -> None:
    team = emu.identity.team_id
    ours, bare = create_app(settings, services), bare_app(settings)
    freeze_startup_heap()  # as ``groupbot serve`` does once its app is built
    make = Requests(emu)
    other = f"<@{OTHER}|other>"

    def after(method: str) -> Callable[[int], None]:
        seen = len(emu.calls(method))

        def wait(i: int) -> None:
            emu.wait_for(method, seen + i + 1, timeout=10)

        return wait

    cases: list[tuple[str, Callable[[int], SignedRequest], str]] = [
        (f"/group list ({listed:,} groups)", lambda i: make.command("list"), RESPONSE_URL),
        ("/group show", lambda i: make.command(f"show {FIRST_EXTENSION + i}"), RESPONSE_URL),
        ("/group add", lambda i: make.command(f"add {FIRST_EXTENSION + i} {other}"), RESPONSE_URL),
        (
            "Members modal submission",
            lambda i: make.members_submission(services, team, f"+1415555{count + i:04d}"),
            "chat.postEphemeral",
        ),
    ]
    # warm both apps (auth.test, users.info cache, imports, SQLite pages)
    for app in (ours, bare):
        for _, build, _ in cases[:2]:
            app.dispatch(build(0).to_bolt())
    time.sleep(0.5)
    print(f"\nin-process dispatch, {count} requests each, median µs (done: reply received):")
    print(f"{'request':<28} {'ours: ack':>10} {'ours: done':>11} {'bare: ack':>10} {'ratio':>6}")
    for name, build, method in cases:
        ack_us, done_us, bare_us = timed(ours, bare, build, count, after(method))
        print(
            f"{name:<28} {ack_us:>10.0f} {done_us:>11.0f} {bare_us:>10.0f} {ack_us / bare_us:>6.2f}"
        )


# ---------------------------------------------------------------- load


def load(emu: SlackEmulator, env: dict[str, str], clients: int, seconds: float) -> None:
    port = 3000 + random.randrange(1000, 5000)
    env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(port, 30)
        # Signed before the clock starts, so the load generator does not queue behind the
        # emulator; a response_url takes 5 posts, later ones are refused cheaply.
        requests = Requests(emu)
        mix = os.environ.get(
            "BENCH_MIX", "list|show 120|show 121|show +14155550300|help|distribute 125 60"
        ).split("|")
        prepared = [requests.command(mix[i % len(mix)]) for i in range(PREPARED)]
        lock = threading.Lock()
        times: list[float] = []
        failures = 0
        deadline = time.monotonic() + seconds

        def client(n: int) -> None:
            nonlocal failures
            rng = random.Random(n)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine: list[float] = []
            bad = 0
            while time.monotonic() < deadline:
                request = prepared[rng.randrange(PREPARED)]
                started = time.perf_counter()
                try:
                    connection.request("POST", "/slack/events", request.body, request.headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                mine.append(time.perf_counter() - started)
                bad += not ok
            connection.close()
            with lock:
                times.extend(mine)
                failures += bad

        started = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    times.sort()
    p50 = times[len(times) // 2] * 1000
    p99 = times[int(len(times) * 0.99)] * 1000
    over = sum(1 for t in times if t > 3)
    print(f"\nload: groupbot serve (2 uvicorn workers), {clients} clients, {elapsed:.0f} s")
    print(f"requests {len(times)}, {len(times) / elapsed:.0f}/s, failures {failures}")
    slowest = times[-1] * 1000
    print(
        f"time to ack: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {slowest:.0f} ms, over 3 s: {over}"
    )


def _wait_healthy(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("groupbot serve did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SlackEmulator(tokens=[TOKEN]) as emu:
        for user_id, name in USERS.items():
            emu.add_user(user_id, name, f"{name}@example.com", is_admin=user_id == ADMIN)
        emu.add_channel(CHANNEL, "bench")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/groupbot.db",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": emu.base_url,
            "PBX_EXPORT_DIR": f"{tmp}/callflows",
        }
        settings = Settings(
            database_url=env["DATABASE_URL"],
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=emu.base_url,
            pbx_export_dir=Path(env["PBX_EXPORT_DIR"]),
        )
        services = build_services(settings)
        team = emu.identity.team_id
        services.import_directory(team, directory_yaml())
        started = time.perf_counter()
        here = seed(services, team, args.groups)
        print(
            f"seeded {args.groups} groups ({here} in the workspace measured) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        in_process(emu, settings, services, min(args.requests, here // 2), here)
        if not args.skip_load:
            emu.reset()
            load(emu, env, args.clients, args.seconds)


if __name__ == "__main__":
    main()
