"""``recordings-sync`` with ``PBX_BACKEND=kazoo``: Kazoo's recordings listed from the
crossbar emulator in windows of at most 31 days, page after page, only what is new."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_services
from bot.config import Settings
from bot.engine.model import Group, Member
from bot.jobs import JobFailed, run_job
from bot.pbx.kazoo import CrossbarClient, KazooPbx, KazooRejected
from bot.services import Actor, Services, WorkspaceSettings
from tests.crossbar.emulator import CrossbarEmulator

TEAM = "T0KAZREC"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
PUBLIC = "https://groupbot.example.com"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    crossbar: CrossbarEmulator
    services: Services
    clock: Clock
    sales: str

    def record(
        self,
        at: datetime,
        *,
        attachment: int | None = None,
        origin: str = "callflow : Sales Ring Group",
        kind: str = "mp3",
        duration_ms: int = 60_000,
        url: str | None = None,
    ) -> str:
        doc = {
            "name": f"call_recording_{at:%H%M%S}.{kind}",
            "media_type": kind,
            "origin": origin,
            "call_id": f"call-{at:%j%H%M}",
            "duration_ms": duration_ms,
            "start": int(at.timestamp()) + 62167219200,
            **({"url": url} if url else {}),
        }
        return self.crossbar.seed_recording(doc, at, attachment)

    def listings(self) -> int:
        return self.crossbar.count("GET", "/recordings")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with CrossbarEmulator(page_size=2) as crossbar:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            pbx_backend="kazoo",
            kazoo_url=crossbar.url,
            kazoo_api_key=crossbar.api_key,
            kazoo_account_id=crossbar.account_id,
            groupbot_public_url=PUBLIC,
        )
        clock = Clock()
        services = build_services(settings, clock=clock)
        services.setup_workspace(
            ADMIN, WorkspaceSettings(TEAM, crossbar.account_id, storage_limit_bytes=10**9)
        )
        crossbar.seed("users", {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.com"})
        services.sync_directory(TEAM)
        ann = services.pbx_user_for(TEAM, "U-ann", "ann@x.com")
        group = Group(name="Sales", extension="201", members=(Member(user_id=ann),))
        sales = services.create_group(ADMIN, group).view.pbx.group_id
        yield World(crossbar, services, clock, sales)


def test_recordings_are_listed_in_31_day_windows_and_pages_then_only_new_ones(
    world: World,
) -> None:
    day = timedelta(days=1)
    world.record(NOW - 300 * day, attachment=100_000)
    for minutes in range(5):  # one window, three pages of two
        world.record(NOW - 100 * day + minutes * timedelta(minutes=1), attachment=10_000)
    world.record(NOW - 40 * day, duration_ms=60_000)  # no attachment: 60 s of mp3
    world.record(NOW - 2 * day, kind="wav", duration_ms=10_000, origin="callflow : Lobby")
    endpoint = f"{PUBLIC}/recordings/secret/{world.sales}"
    world.record(NOW - day, attachment=50_000, url=endpoint)  # counted by our endpoint
    world.record(NOW - 400 * day, attachment=1)  # older than the first run reaches

    first = run_job("recordings-sync", world.services, NOW)

    account = world.crossbar.account_id
    assert first == (
        f"counted 8 new of 9 recordings listed on PBX account {account} "
        "(2 sized from their duration: no attachment length); "
        "1 uploaded to groupbot's endpoint were counted there"
    )
    # a year back in windows of at most 31 days (the emulator refuses more), the
    # window of the five recordings in three pages
    assert world.listings() == 12 + 2
    report = world.services.storage_report(TEAM)
    mp3_minute = 60 * 2_000  # 16 kbit/s
    wav_10s = 10 * 16_000 + 44
    assert report.recordings == 8
    assert report.used_bytes == 100_000 + 5 * 10_000 + mp3_minute + wav_10s
    groups = {g.name: (g.bytes, g.count) for g in report.top_groups}
    assert groups == {"Sales": (100_000 + 5 * 10_000 + mp3_minute, 7), "": (wav_10s, 1)}

    # 15 minutes later: one request, from an hour before the last run's end
    world.clock.now = NOW + timedelta(minutes=15)
    world.record(NOW + timedelta(minutes=5), attachment=7_000)
    before = world.listings()
    second = run_job("recordings-sync", world.services, world.clock.now)
    assert second == f"counted 1 new of 1 recording listed on PBX account {account}"
    assert world.listings() == before + 1
    assert world.services.storage_report(TEAM).recordings == 9


def test_crossbar_refuses_a_range_over_31_days(world: World) -> None:
    pbx = KazooPbx(
        CrossbarClient(world.crossbar.url, world.crossbar.api_key), world.crossbar.account_id
    )
    assert pbx.list_recordings(NOW - timedelta(days=31), NOW) == []
    with pytest.raises(KazooRejected, match="created_from"):
        pbx.list_recordings(NOW - timedelta(days=31, seconds=1), NOW)


def test_a_pbx_that_cannot_be_listed_fails_the_job_and_keeps_what_was_counted(
    world: World,
) -> None:
    world.record(NOW - timedelta(days=300), attachment=1_000)
    world.crossbar.fail(503, method="GET", path="/recordings", times=None)
    with pytest.raises(JobFailed, match="Could not list PBX account"):
        run_job("recordings-sync", world.services, NOW)
    assert world.services.storage_report(TEAM).recordings == 0
