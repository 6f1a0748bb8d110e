"""The services with 1,000 groups in one PBX account: does a request cost the request?

Seeds one account with a directory of 60 users (4-digit extensions, so every 3-digit
extension is free for a group), a voicemail box, a menu and a media file, then creates
``--groups`` groups of 5–15 members through ``Services.create_group`` (timed: that is
what seeding costs). Every 10th group sends unanswered calls to the group before it, every
7th to the voicemail box, every 5th plays the media as ringback. Then, the median of
``--repeat`` runs after a warm-up, in ms:

- ``list_groups`` (every group, whole) and ``group_summaries`` (every group as
  ``/group list`` and the Home tab show them);
- ``get_group`` (one group by name, as ``/group show``);
- ``change_group`` adding a member (as ``/group add`` or a Members modal);
- ``create_group`` (the group deleted first, untimed) and ``delete_group``.

The PBX is a no-op, so the figures are the services and the database alone.

    .venv/bin/python benchmarks/bench_services.py                     # SQLite (file, WAL)
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_services.py                 # and PostgreSQL

PostgreSQL runs in a throwaway schema of that database, dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from common import on_sqlite_and_postgres

from bot.engine.directory import Directory
from bot.engine.documents import JsonDoc
from bot.engine.model import Group, Member
from bot.services import Actor, ServiceOptions, Services
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from bot.storage.unit_of_work import unit_of_work_factory

ACCOUNT = "be" * 16
TEAM = "T0BENCH"
ADMIN = Actor(TEAM, "U0ADMIN", is_admin=True)
USERS = 60


class NullPbx:
    """Takes every document and does nothing with it."""

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        pass

    def delete(self, collection: str, doc_id: str) -> None:
        pass


def directory_text() -> str:
    users = [
        {
            "name": f"User {i:02d}",
            "email": f"user{i:02d}@example.com",
            "extension": str(1000 + i),
        }
        for i in range(USERS)
    ]
    return json.dumps(
        {
            "users": users,
            "voicemail_boxes": [{"name": "Main voicemail", "mailbox": "3000"}],
            "menus": [{"name": "Main menu"}],
            "media": [{"name": "Hold music"}],
        }
    )


def new_group(
    i: int, rng: random.Random, users: list[str], targets: dict[str, str], before: str | None
) -> Group:
    """Group i: extension i (3 digits), a DID, 5–15 members; ``before`` is the group
    before it, which every 10th sends unanswered calls to."""
    features: dict[str, object] = {}
    if i % 10 == 9 and before is not None:
        features["next_action"] = {"kind": "group", "target_id": before}
    elif i % 7 == 6:
        features["next_action"] = {"kind": "voicemail", "target_id": targets["vmbox"]}
    if i % 5 == 4:
        features["ringback"] = {"kind": "media", "media_id": targets["media"]}
    members = rng.sample(users, rng.randint(5, 15))
    return Group.model_validate(
        {
            "name": f"Group {i:04d}",
            "extension": f"{i:03d}",
            "numbers": [f"+1415555{i:04d}"],
            "members": [{"user_id": u, "start": 0, "end": 30} for u in members],
            "features": features,
        }
    )


def median_ms(call: Callable[[int], object], repeat: int) -> float:
    call(-1)  # warm-up
    times = []
    for k in range(repeat):
        started = time.perf_counter()
        call(k)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    upgrade(url)
    engine = make_engine(url)
    services = Services(
        unit_of_work_factory(make_session_factory(engine)),
        NullPbx(),
        lambda: datetime.now(UTC),
        ServiceOptions(default_account_id=ACCOUNT),
    )
    services.import_directory(TEAM, directory_text())
    directory = services.directory(TEAM)
    users = sorted(directory.users)
    targets = {"vmbox": next(iter(directory.vmboxes)), "media": next(iter(directory.media))}
    rng = random.Random(7)

    started = time.perf_counter()
    groups: dict[int, Group] = {}
    before: str | None = None
    for i in range(args.groups):
        groups[i] = new_group(i, rng, users, targets, before)
        before = services.create_group(ADMIN, groups[i]).view.pbx.group_id
    seeding = time.perf_counter() - started

    def list_groups(k: int) -> None:
        assert len(services.list_groups(TEAM)) == args.groups

    def group_summaries(k: int) -> None:
        assert len(services.group_summaries(TEAM)) == args.groups

    def get_group(k: int) -> None:
        services.get_group(TEAM, f"Group {rng.randrange(args.groups):04d}")

    # groups with room for one more member (15 at most), spread over the account
    roomy = [i for i in range(args.groups) if len(groups[i].members) < 15]
    roomy = roomy[::7] + [i for i in roomy if i % 7]

    def add_member(k: int) -> None:
        index = roomy[k + 1]

        def add(group: Group, _directory: Directory) -> Group:
            present = {m.user_id for m in group.members}
            extra = next(u for u in users if u not in present)
            return group.model_copy(update={"members": (*group.members, Member(user_id=extra))})

        services.change_group(ADMIN, f"Group {index:04d}", add)

    # a group no other one sends calls to, so it can be deleted and made again
    free = [i for i in range(args.groups) if i % 10 != 8 and i + 1 < args.groups]
    deleted: list[int] = []

    def delete_group(k: int) -> None:
        index = free[(k + 1) % len(free)]
        services.delete_group(ADMIN, f"Group {index:04d}")
        deleted.append(index)

    def create_group(k: int) -> None:
        services.create_group(ADMIN, groups[deleted.pop()])

    list_ms = median_ms(list_groups, args.repeat)
    summaries_ms = median_ms(group_summaries, args.repeat)
    get_ms = median_ms(get_group, args.repeat)
    change_ms = median_ms(add_member, args.repeat)
    delete_times, create_times = [], []
    for k in range(-1, args.repeat):  # -1: the warm-up
        started = time.perf_counter()
        delete_group(k)
        between = time.perf_counter()
        create_group(k)
        finished = time.perf_counter()
        if k >= 0:
            delete_times.append(between - started)
            create_times.append(finished - between)
    delete_ms = statistics.median(delete_times) * 1000
    create_ms = statistics.median(create_times) * 1000
    engine.dispose()

    print(f"\n{name}: {args.groups} groups of 5–15 members in one account, {USERS} users")
    each = seeding / args.groups * 1000
    print(f"  seeding {args.groups} groups: {seeding:.1f} s ({each:.1f} ms each)")
    print(f"  list_groups:               {list_ms:8.2f} ms")
    print(f"  group_summaries:           {summaries_ms:8.2f} ms")
    print(f"  get_group:                 {get_ms:8.2f} ms")
    print(f"  change_group (add member): {change_ms:8.2f} ms")
    print(f"  create_group:              {create_ms:8.2f} ms")
    print(f"  delete_group:              {delete_ms:8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not 10 <= args.groups <= 1000:
        parser.error("--groups: 10 to 1000 (a primary extension is 3 digits)")

    on_sqlite_and_postgres(lambda name, url: bench(name, url, args), args.postgres)


if __name__ == "__main__":
    main()
