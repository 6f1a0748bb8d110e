"""Recording storage: the report, the threshold alerts and counting RECORDINGS_DIR, run as
the jobs run them, posting through the Slack emulator with the production notifier."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_services
from bot.config import Settings
from bot.engine.model import Group, Member
from bot.jobs import JobFailed, run_job
from bot.pbx.local import LocalPbx
from bot.services import (
    Actor,
    RecordingSeen,
    ServiceOptions,
    Services,
    StorageAlert,
    StorageReport,
    WorkspaceSettings,
)
from bot.storage.db import make_engine, make_session_factory
from bot.storage.unit_of_work import unit_of_work_factory
from slackemu.checks import check_message
from slackemu.server import UPLOAD, SlackEmulator
from tests.db import *  # noqa: F403  (fixtures)
from tests.slack.shown import shown

TOKEN = "xoxb-storage-token"
TEAM = "T0STORE"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)
ACCOUNT = "c" * 32
ALERTS = "C0ALERTS"
MB = 1_000_000
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    emu: SlackEmulator
    settings: Settings
    clock: Clock
    services: Services
    recorded: int = 0

    def restart(self) -> None:
        """A new process over the same database (a restarted clock)."""
        self.services = build_services(self.settings, clock=self.clock)

    def setup(
        self, limit: int | None = 100 * MB, channel: str | None = ALERTS, **more: Any
    ) -> None:
        self.services.setup_workspace(
            ADMIN,
            WorkspaceSettings(
                TEAM, ACCOUNT, storage_limit_bytes=limit, alert_channel=channel, **more
            ),
        )

    def record(self, size: int, at: datetime | None = None, group: str = "") -> None:
        self.recorded += 1
        seen = RecordingSeen(
            recording_id=f"rec-{self.recorded}",
            bytes=size,
            created_at=at or self.clock.now,
            format="mp3",
            source="pbx",
            pbx_group_id=group,
        )
        assert self.services.add_recordings(TEAM, [seen]) == 1

    def posted(self, channel: str = ALERTS) -> list[dict[str, Any]]:
        return self.emu.messages_to(channel)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with SlackEmulator(tokens=[TOKEN]) as emu:
        emu.add_channel(ALERTS, "storage")
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'groupbot.db'}",
            slack_bot_token=TOKEN,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
            recordings_dir=tmp_path / "recordings",
        )
        clock = Clock()
        yield World(emu, settings, clock, build_services(settings, clock=clock))


def use(world: World, percent: float) -> None:
    """Bring usage to ``percent`` of the 100 MB limit by recording more, or, to go down,
    by raising the limit (what an admin does when told the storage is full)."""
    used = world.services.storage_report(TEAM).used_bytes
    wanted = int(100 * MB * percent / 100)
    if wanted > used:
        world.record(wanted - used)
    elif wanted < used:
        world.setup(limit=int(used * 100 / percent))


# -- alerts ------------------------------------------------------------------------------


def test_usage_79_81_96_70_85_alerts_warning_critical_warning_once_each(world: World) -> None:
    world.setup()
    said = []
    for percent in (79, 81, 81, 96, 70, 85, 85):
        use(world, percent)
        said.append(run_job("storage-alerts", world.services, world.clock.now))
        world.restart()  # the state is in the database: a restart repeats nothing

    alerts = [shown(m) for m in world.posted()]
    assert len(alerts) == 3
    assert "passed the warning threshold (80 %): 81 MB of 100 MB used (81 %)" in alerts[0]
    assert "passed the critical threshold (95 %): 96 MB of 100 MB used (96 %)" in alerts[1]
    assert "passed the warning threshold (80 %)" in alerts[2]
    assert "(85 %)" in alerts[2]
    assert said[0] == "no threshold newly crossed"
    assert said[1] == f"{TEAM}: warning alert posted to <#{ALERTS}> at 81 %"
    assert said[2] == said[4] == said[6] == "no threshold newly crossed"
    for message in world.posted():
        assert check_message(message["blocks"]) == []


def test_a_jump_past_two_thresholds_is_one_alert_naming_the_highest(world: World) -> None:
    world.setup()
    use(world, 101)
    run_job("storage-alerts", world.services, NOW)
    run_job("storage-alerts", world.services, NOW)

    (alert,) = [shown(m) for m in world.posted()]
    assert "passed the full threshold (100 %): 101 MB of 100 MB used (101 %)" in alert


def test_with_no_alert_channel_nothing_is_posted_and_the_crossing_waits(world: World) -> None:
    world.setup(channel=None)
    use(world, 90)

    assert run_job("storage-alerts", world.services, NOW) == (
        f"{TEAM}: warning threshold crossed, but no alert channel is set"
    )
    assert run_job("storage-report", world.services, NOW) == (
        f"{TEAM}: no alert channel set, so the report went nowhere"
    )
    assert world.emu.calls("chat.postMessage") == []

    world.setup(channel=ALERTS)  # once there is somewhere to say it, it is said once
    run_job("storage-alerts", world.services, NOW)
    run_job("storage-alerts", world.services, NOW)
    assert len(world.posted()) == 1


def test_an_alert_slack_refuses_is_tried_again_next_time(world: World) -> None:
    world.setup()
    use(world, 85)
    world.emu.fail_next("chat.postMessage", "channel_not_found")

    with pytest.raises(JobFailed, match=r"the alert did not reach Slack \(channel_not_found\)"):
        run_job("storage-alerts", world.services, NOW)
    run_job("storage-alerts", world.services, NOW)

    assert len(world.posted()) == 1


# -- the report --------------------------------------------------------------------------


def sales_group(world: World) -> str:
    from bot.storage.directory_file import demo_directory_text

    world.services.import_directory(TEAM, demo_directory_text())
    alice = world.services.pbx_user_for(TEAM, "U-nobody", "alice@example.com")
    group = Group(name="Sales", extension="201", members=(Member(user_id=alice),))
    return world.services.create_group(ADMIN, group).view.pbx.group_id


def test_the_daily_report_in_the_channel_with_its_chart(world: World) -> None:
    world.setup(time_zone="Pacific/Auckland")
    sales = sales_group(world)
    for day in range(30):  # 1 MB a day for Sales, 0.5 MB for recordings of no group
        at = NOW - timedelta(days=day)
        world.record(MB, at, sales)
        world.record(MB // 2, at, "")

    said = run_job("storage-report", world.services, NOW, workspace=TEAM)

    assert said == f"{TEAM}: report posted to <#{ALERTS}>"
    report, chart = world.posted()
    text = shown(report)
    assert check_message(report["blocks"]) == []
    assert "45 MB of 100 MB used (45 %)" in text
    assert "`█████████░░░░░░░░░░░` 45 %" in text
    assert "60 recordings" in text
    assert "*Last 7 days*\n+10.5 MB" in text
    assert "*Last 30 days*\n+45 MB" in text
    # 1.5 MB a day, 55 MB to go: 37 days after 31 March (10:00 UTC is 23:00 in Auckland)
    assert "*Limit reached*\nThu 7 May 2026 (in 37 days)" in text
    assert "1. *Sales*: 30 MB (30 recordings)\n2. _no group_: 15 MB (30 recordings)" in text
    assert "As of 23:00 on Tue 31 Mar 2026, Pacific/Auckland time" in text
    # the chart: files_upload_v2's three calls, in order, to the channel
    steps = [
        c.method
        for c in world.emu.calls()
        if c.method in ("files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal")
    ]
    assert steps == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    (upload,) = world.emu.files()
    assert upload.channels == [ALERTS]
    assert upload.data is not None
    assert upload.data.startswith(b"\x89PNG")
    assert upload.title == "Recording storage, last 30 days (Pacific/Auckland)"
    assert chart["files"]


def test_flat_usage_is_not_within_a_year_and_days_are_local(world: World) -> None:
    world.setup(time_zone="America/Los_Angeles")
    world.record(20 * MB, NOW - timedelta(days=60))

    report = world.services.storage_report(TEAM)

    assert report.forecast is None
    assert (report.growth_7d, report.growth_30d) == (0, 0)
    assert report.days[-1].day == date(2026, 3, 31)  # 03:00 in Los Angeles
    assert [d.used_bytes for d in report.days] == [20 * MB] * 30
    run_job("storage-report", world.services, NOW)
    assert "*Limit reached*\nnot within a year" in shown(world.posted()[0])


def test_no_limit_is_said_and_nothing_is_forecast(world: World) -> None:
    world.setup(limit=None)
    world.record(MB)
    run_job("storage-report", world.services, NOW)
    text = shown(world.posted()[0])
    assert "*1 MB used*, no limit set (an admin sets one in `/group setup`)" in text
    assert "*Limit reached*\nno limit set" in text


# -- recordings-sync with the file backend ---------------------------------------------------


def test_recordings_sync_counts_the_files_of_recordings_dir_once(world: World) -> None:
    world.setup()
    sales = sales_group(world)
    root = world.settings.recordings_dir
    files = {
        f"{TEAM}/{sales}/call-1.mp3": 4000,
        f"{TEAM}/_/call-2.wav": 2000,
        f"{TEAM}/call-3.MP3": 1000,
        f"{TEAM}/{sales}/.call-4.mp3.part": 500,  # being written
        f"{TEAM}/{sales}/notes.txt": 10,
        "T0NOTSETUP/call-5.mp3": 700,
    }
    for name, size in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"\xff" * size)

    first = run_job("recordings-sync", world.services, NOW)
    second = run_job("recordings-sync", world.services, NOW)

    assert first == (
        f"counted 3 new recording files in {root}; "
        "skipped the folders of workspaces not set up: T0NOTSETUP"
    )
    assert second.startswith("counted 0 new recording files")
    report = world.services.storage_report(TEAM)
    assert (report.used_bytes, report.recordings) == (7000, 3)
    assert [(g.name, g.bytes) for g in report.top_groups] == [("Sales", 4000), ("", 3000)]


# -- two checkers at once ------------------------------------------------------------------


class GatedSlack:
    """The Slack side of the notifier port: holds the thread named ``first`` inside its
    post until ``release`` is set, with the alert state still locked and uncommitted."""

    def __init__(self) -> None:
        self.alerts: list[StorageAlert] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def post_report(self, report: StorageReport) -> None:
        raise AssertionError("no report here")

    def post_alert(self, alert: StorageAlert) -> None:
        self.alerts.append(alert)
        if threading.current_thread().name == "first":
            self.entered.set()
            assert self.release.wait(30)


def test_two_checkers_at_once_announce_a_crossing_once(fresh_url: str) -> None:
    slack = GatedSlack()
    engines = [make_engine(fresh_url), make_engine(fresh_url)]
    first, second = (
        Services(
            unit_of_work_factory(make_session_factory(engine)),
            LocalPbx(Path("unused")),
            Clock(),
            ServiceOptions(default_account_id=ACCOUNT),
        )
        for engine in engines
    )
    try:
        for services in (first, second):
            services.notifier = slack
        first.setup_workspace(
            ADMIN, WorkspaceSettings(TEAM, ACCOUNT, 100 * MB, alert_channel=ALERTS)
        )
        first.add_recordings(TEAM, [RecordingSeen("r1", 70 * MB, NOW, "mp3", "pbx")])
        first.check_storage_alerts()  # nothing to say; the state row exists from now on
        first.add_recordings(TEAM, [RecordingSeen("r2", 20 * MB, NOW, "mp3", "pbx")])

        checking = threading.Thread(target=first.check_storage_alerts, name="first")
        checking.start()
        assert slack.entered.wait(30)
        again = threading.Thread(target=second.check_storage_alerts, name="second")
        again.start()  # waits for the first checker's lock …
        again.join(0.5)
        slack.release.set()  # … which commits the warning it posted
        checking.join(30)
        again.join(30)

        assert [a.level for a in slack.alerts] == ["warning"]
    finally:
        slack.release.set()
        for engine in engines:
            engine.dispose()
