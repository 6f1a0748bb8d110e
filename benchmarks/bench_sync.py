"""Pushing to Kazoo (the crossbar emulator on loopback) off the request.

1. Drain: GROUPS groups created while the PBX is down (over two PBX accounts: an account
   has at most ~900 three-digit extensions), then it comes back: the time until the
   outbox is empty with 1 and with 4 dispatchers (threads, each with its own Services and
   engine, as separate processes would be), and the HTTP requests per group; then the
   same with the PBX answering each request after LATENCY (a PBX across a network).
2. Writes: document writes per single-field edit (a member's ring window), per edit that
   changes nothing, per rename.
3. Acknowledgement: a Members modal submission dispatched in-process (signed, as Slack
   sends it) with the PBX answering every request after DELAY, against the file backend:
   the median time to the acknowledgement, and to the end of the post-ack push.

    .venv/bin/python benchmarks/bench_sync.py [--groups 1000] [--delay 0.5] [--postgres URL]

PostgreSQL from ``--postgres`` or ``TEST_DATABASE_URL`` (a throwaway schema); SQLite is
measured with one dispatcher (it has one at a time per process). The emulator does not
validate against the schemas here: the figures are groupbot's, not the emulator's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_slack import ADMIN, CHANNEL, TOKEN, USERS, Requests  # noqa: E402
from common import throwaway_schema  # noqa: E402

from bot.app import build_services, create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine.model import Group  # noqa: E402
from bot.pbx.kazoo import CrossbarClient, KazooPbx  # noqa: E402
from bot.services import Actor, ServiceOptions, Services  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.unit_of_work import unit_of_work_factory  # noqa: E402
from slackemu.server import SlackEmulator  # noqa: E402
from tests.crossbar.emulator import CrossbarEmulator  # noqa: E402

TEAM = "T0BENCH"
ACTOR = Actor(TEAM, ADMIN, is_admin=True)
FIRST_EXTENSION = 200  # the users have 100–114


def seed_users(crossbar: CrossbarEmulator, account: str) -> None:
    """SmartPBX's users, each with their main callflow and extension."""
    for i, name in enumerate(USERS.values()):
        user = crossbar.seed(
            "users",
            {"first_name": name.title(), "last_name": "Bench", "email": f"{name}@example.com"},
            account,
        )
        crossbar.seed(
            "callflows",
            {
                "name": f"{name} SmartPBX's Callflow",
                "type": "mainUserCallflow",
                "owner_id": user,
                "numbers": [str(100 + i)],
                "flow": {"module": "user", "data": {"id": user}, "children": {}},
            },
            account,
        )


def system_clock() -> datetime:
    return datetime.now(UTC)


def kazoo_services(crossbar: CrossbarEmulator, url: str, account: str, api_key: str) -> Services:
    engine = make_engine(url)
    pbx = KazooPbx(CrossbarClient(crossbar.url, api_key), account)
    uow = unit_of_work_factory(make_session_factory(engine))
    return Services(uow, pbx, system_clock, ServiceOptions(default_account_id=account))


def writes(crossbar: CrossbarEmulator) -> int:
    return len(crossbar.writes)


def window(end: int) -> Callable[[Group, object], Group]:
    def change(group: Group, _directory: object) -> Group:
        first = group.members[0].model_copy(update={"end": end})
        return group.model_copy(update={"members": (first, *group.members[1:])})

    return change


def drain(url: str, groups: int, dispatchers: int, label: str, latency: float = 0.0) -> None:
    upgrade(url)
    with CrossbarEmulator(validate=False, page_size=500) as crossbar:
        second = crossbar.add_account()
        accounts = [(crossbar.account_id, crossbar.api_key), (second.account_id, second.api_key)]
        # one Services per PBX account per dispatcher: a Services drives one account
        fleets = [
            [kazoo_services(crossbar, url, a, k) for a, k in accounts] for _ in range(dispatchers)
        ]
        for account, _ in accounts:
            seed_users(crossbar, account)
        for services in fleets[0]:
            services.sync_directory(TEAM)
        crossbar.down()
        started = time.perf_counter()
        per_account = [groups - groups // 2, groups // 2]
        for services, count in zip(fleets[0], per_account, strict=True):
            members = [
                pbx for pbx, u in services.directory(TEAM).users.items() if u.name != "Admin Bench"
            ][:3]
            for i in range(count):
                group = Group.model_validate(
                    {
                        "name": f"Group {i:04d}",
                        "extension": str(FIRST_EXTENSION + i),
                        "members": [{"user_id": m} for m in members],
                    }
                )
                services.create_group(ACTOR, group)
            services.take_saved()
        saved = time.perf_counter() - started
        crossbar.up()
        if latency:
            crossbar.slow(latency, times=None)
            label = f"{label}, PBX answering in {latency * 1000:.0f} ms"
        requests_before = len(crossbar.requests)

        def dispatch(fleet: list[Services]) -> None:
            while fleet[0].pending_count():
                for services in fleet:
                    services.push_pending(TEAM)

        threads = [threading.Thread(target=dispatch, args=(fleet,)) for fleet in fleets]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        drained = time.perf_counter() - started
        requests = len(crossbar.requests) - requests_before
        assert fleets[0][0].pending_count() == 0
        print(
            f"{label}, {dispatchers} dispatcher{'s' if dispatchers > 1 else ''}: "
            f"{groups} groups saved in {saved:.1f} s with the PBX down; outbox empty "
            f"{drained:.1f} s after it came back ({groups / drained:.0f} groups/s); "
            f"{requests / groups:.2f} HTTP requests per group"
        )
        if dispatchers == 1 and not latency:
            edits(crossbar, fleets[0][0])


def edits(crossbar: CrossbarEmulator, services: Services, count: int = 25) -> None:
    def per(change: Callable[[Group, object], Group], names: list[str]) -> float:
        before = writes(crossbar)
        for name in names:
            services.change_group(ACTOR, name, change)
            services.push_after_save()
        return (writes(crossbar) - before) / len(names)

    names = [f"Group {i:04d}" for i in range(count)]
    one = per(window(45), names)
    same = per(lambda g, _d: g.model_copy(update={"repeats": g.repeats}), names)
    renamed = [f"Renamed {i:04d}" for i in range(count)]
    before = writes(crossbar)
    for old, new in zip(names, renamed, strict=True):
        services.change_group(ACTOR, old, lambda g, _d, new=new: g.model_copy(update={"name": new}))
        services.push_after_save()
    rename = (writes(crossbar) - before) / count
    print(
        f"  document writes per single-field edit {one:.2f}, per no-op {same:.2f}, "
        f"per rename {rename:.2f}"
    )


def acknowledgements(delay: float, count: int) -> None:
    """Members submissions: ack and push times, Kazoo answering after ``delay`` vs files."""
    print(f"\nMembers modal submission, median of {count} (in-process dispatch):")
    for backend in ("file", "kazoo"):
        with (
            tempfile.TemporaryDirectory() as tmp,
            SlackEmulator(tokens=[TOKEN]) as emu,
            CrossbarEmulator(validate=False) as crossbar,
        ):
            for user_id, name in USERS.items():
                emu.add_user(user_id, name, f"{name}@example.com", is_admin=user_id == ADMIN)
            emu.add_channel(CHANNEL, "bench")
            seed_users(crossbar, crossbar.account_id)
            settings = Settings(
                database_url=f"sqlite:///{tmp}/groupbot.db",
                slack_bot_token=TOKEN,
                slack_signing_secret="bench-signing-secret",
                slack_api_url=emu.base_url,
                pbx_backend=backend,
                pbx_export_dir=Path(tmp) / "callflows",
                kazoo_url=crossbar.url,
                kazoo_api_key=crossbar.api_key,
                kazoo_account_id=crossbar.account_id,
            )
            services = build_services(settings)
            team = emu.identity.team_id
            if backend == "kazoo":
                services.sync_directory(team)
            else:
                services.import_directory(team, _directory_yaml())
            actor = Actor(team, ADMIN, is_admin=True)
            members = list(services.directory(team).users)[2:5]
            for i in range(count):
                group = Group.model_validate(
                    {
                        "name": f"Group {i:04d}",
                        "extension": str(FIRST_EXTENSION + i),
                        "members": [{"user_id": m} for m in members],
                    }
                )
                services.create_group(actor, group)
            services.push_after_save()
            app = create_app(settings, services)
            make = Requests(emu)
            if backend == "kazoo":
                crossbar.slow(delay, times=None)
            to_ack, to_pushed = [], []
            for i in range(count):
                request = make.members_submission(services, team, f"Group {i:04d}").to_bolt()
                started = time.perf_counter()
                response = app.dispatch(request)
                to_ack.append(time.perf_counter() - started)
                assert response.status == 200, response.body
                while services.pending_count():
                    time.sleep(0.001)
                to_pushed.append(time.perf_counter() - started)
            label = (
                "file backend" if backend == "file" else f"Kazoo answering in {delay * 1000:.0f} ms"
            )
            print(
                f"  {label:<28} ack {statistics.median(to_ack) * 1000:7.1f} ms   "
                f"on the PBX {statistics.median(to_pushed) * 1000:7.1f} ms"
            )


def _directory_yaml() -> str:
    import json

    users = [
        {"name": f"{name.title()} Bench", "email": f"{name}@example.com", "extension": str(100 + i)}
        for i, name in enumerate(USERS.values())
    ]
    return json.dumps({"users": users})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--latency", type=float, default=0.02, help="for the remote-PBX drain")
    parser.add_argument("--latency-groups", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        drain(f"sqlite:///{Path(folder) / 'bench.db'}", args.groups, 1, "SQLite")
    if args.postgres:
        for dispatchers in (1, 4):
            with throwaway_schema(args.postgres) as url:
                drain(url, args.groups, dispatchers, "PostgreSQL")
        # a PBX across a network: each answer takes --latency; dispatchers overlap them
        for dispatchers in (1, 4):
            with throwaway_schema(args.postgres) as url:
                drain(url, args.latency_groups, dispatchers, "PostgreSQL", args.latency)
    else:
        print("PostgreSQL: skipped (set TEST_DATABASE_URL or pass --postgres URL)")
    acknowledgements(args.delay, args.submissions)


if __name__ == "__main__":
    main()
