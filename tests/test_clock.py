"""``groupbot clock``: APScheduler over the job store in our database, driven by freezegun.

The scheduler runs in its own thread as in production; the test moves the frozen time
and wakes it, then waits for the job's executed event (never for a duration).
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from sqlalchemy import Engine, text

from bot.app import build_services
from bot.clock import LOCK_RETRY_SECONDS, Clock, fire
from bot.config import Settings
from bot.services import Actor, Services, WorkspaceSettings
from bot.storage.db import make_engine
from slackemu.server import SlackEmulator
from tests.db import *  # noqa: F403  (fixtures)
from tests.slack.shown import shown

TOKEN = "xoxb-clock-token"
PARIS, NEW_YORK = ("T0PARIS", "C0PARIS"), ("T0NEWYORK", "C0NEWYORK")
EVENTS = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
ZONES = {PARIS: "Europe/Paris", NEW_YORK: "America/New_York"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Running:
    emu: SlackEmulator
    settings: Settings
    engine: Engine
    frozen: FrozenDateTimeFactory
    events: queue.Queue[Any]
    clock: Clock | None = None

    def services(self) -> Services:
        return build_services(self.settings, clock=lambda: datetime.now(UTC))

    def start(self) -> Clock:
        """A clock process starting: new services, elected, jobs reconciled and running."""

        def scheduler() -> BackgroundScheduler:
            made = clock._scheduler()
            made.add_listener(
                self.events.put, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
            )
            return made

        clock = Clock(self.services(), self.engine, make_scheduler=scheduler)
        clock.step(0.0)
        assert clock.leading
        self.clock = clock
        return clock

    def setup(self, team: tuple[str, str], zone: str, channel: str | None = "") -> None:
        team_id, default_channel = team
        self.services().setup_workspace(
            Actor(team_id, "UADMIN", is_admin=True),
            WorkspaceSettings(
                team_id,
                "d" * 32,
                storage_limit_bytes=10**9,
                alert_channel=default_channel if channel == "" else channel,
                time_zone=zone,
            ),
        )

    @property
    def scheduler(self) -> BackgroundScheduler:
        assert self.clock is not None
        assert self.clock.scheduler is not None
        return self.clock.scheduler

    def next_report(self, team: tuple[str, str]) -> datetime | None:
        job = self.scheduler.get_job(f"storage-report:{team[0]}")
        return None if job is None else job.next_run_time.astimezone(UTC)

    def run_until(self, at: datetime, job_id: str) -> Any:
        """Move the time to ``at``, wake the scheduler, wait for ``job_id`` to have run."""
        scheduler = self.scheduler
        self.frozen.move_to(at)
        scheduler.wakeup()
        while True:
            event = self.events.get(timeout=30)
            if event.job_id != job_id:
                continue  # the other jobs run too
            assert event.code != EVENT_JOB_ERROR, f"{job_id} failed: {event.exception}"
            if event.code == EVENT_JOB_EXECUTED:
                return event
            # EVENT_JOB_MISSED: a run from before the clock came back, too late to make

    def reports(self, team: tuple[str, str]) -> list[str]:
        return [shown(m) for m in self.emu.messages_to(team[1]) if m["blocks"]]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    url = f"sqlite:///{tmp_path / 'groupbot.db'}"
    with SlackEmulator(tokens=[TOKEN]) as emu, freeze_time("2026-03-07 12:00:00") as frozen:
        for _team, channel in ZONES:
            emu.add_channel(channel, channel.lower())
        settings = Settings(
            database_url=url,
            slack_bot_token=TOKEN,
            slack_api_url=emu.base_url,
            pbx_export_dir=tmp_path / "callflows",
            recordings_dir=tmp_path / "recordings",
        )
        world = Running(emu, settings, make_engine(url), frozen, queue.Queue())
        for team, zone in ZONES.items():
            world.setup(team, zone)
        try:
            yield world
        finally:
            if world.clock is not None:
                world.clock.stop()
            world.engine.dispose()


def test_reports_fire_at_nine_local_in_each_zone_across_daylight_saving(running: Running) -> None:
    """New York moves its clocks on 8 March 2026, Paris on 29 March."""
    running.start()
    steps = [
        (NEW_YORK, "2026-03-07 14:00", "Sat 7 Mar 2026", "2026-03-08 13:00"),  # EST, then EDT
        (PARIS, "2026-03-08 08:00", "Sun 8 Mar 2026", "2026-03-09 08:00"),
        (NEW_YORK, "2026-03-08 13:00", "Sun 8 Mar 2026", "2026-03-09 13:00"),
    ]
    for team, due, day, after in steps:
        assert running.next_report(team) == utc(due)
        before = len(running.reports(team))
        running.run_until(utc(due), f"storage-report:{team[0]}")
        assert running.next_report(team) == utc(after)
        assert len(running.reports(team)) == before + 1
        assert f"As of 09:00 on {day}, {ZONES[team]} time" in running.reports(team)[-1]

    running.clock.stop()  # type: ignore[union-attr]  # the rest of March, clock down
    running.frozen.move_to(utc("2026-03-28 07:00"))
    running.start()
    for due, day, after in (
        ("2026-03-28 08:00", "Sat 28 Mar 2026", "2026-03-29 07:00"),  # CET, then CEST
        ("2026-03-29 07:00", "Sun 29 Mar 2026", "2026-03-30 07:00"),
    ):
        running.run_until(utc(due), "storage-report:T0PARIS")
        assert running.next_report(PARIS) == utc(after)
        assert f"As of 09:00 on {day}, Europe/Paris time" in running.reports(PARIS)[-1]


def test_runs_missed_while_no_clock_ran_coalesce_into_one(running: Running) -> None:
    running.start()
    assert running.next_report(NEW_YORK) == utc("2026-03-07 14:00")
    running.clock.stop()  # type: ignore[union-attr]
    # down over four 09:00s in New York (7, 8, 9 and 10 March), back at 09:30 on the 10th
    running.frozen.move_to(utc("2026-03-10 13:30"))

    running.start()
    running.run_until(utc("2026-03-10 13:30"), "storage-report:T0NEWYORK")

    (report,) = running.reports(NEW_YORK)
    assert "As of 09:30 on Tue 10 Mar 2026, America/New_York time" in report
    assert running.next_report(NEW_YORK) == utc("2026-03-11 13:00")


def test_a_workspace_set_up_or_changed_is_scheduled_within_a_minute(running: Running) -> None:
    clock = running.start()
    late = ("T0LATE", "C0LATE")
    assert running.next_report(late) is None

    running.setup(late, "Asia/Kolkata")
    clock.step(30.0)
    assert running.next_report(late) is None  # reconciled once a minute
    clock.step(61.0)
    assert running.next_report(late) == utc("2026-03-08 03:30")  # 09:00 at +05:30

    running.setup(late, "Asia/Kathmandu")
    clock.step(122.0)
    assert running.next_report(late) == utc("2026-03-08 03:15")  # 09:00 at +05:45

    running.setup(late, "Asia/Kathmandu", channel=None)  # no channel: nothing to post
    clock.step(183.0)
    assert running.next_report(late) is None
    assert running.next_report(PARIS) == utc("2026-03-08 08:00")  # the others stay


def test_a_failing_job_is_logged_in_one_line(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    running.start()
    running.emu.fail_next("chat.postMessage", "channel_not_found")

    fire("storage-report", "T0PARIS")

    (line,) = [r.getMessage() for r in caplog.records if r.name == "groupbot.clock"][-1:]
    assert line == "storage-report: T0PARIS: the report did not reach Slack (channel_not_found)"


# -- two clocks on PostgreSQL -------------------------------------------------------------


@pytest.mark.postgres
def test_a_second_clock_stands_by_and_takes_over_when_the_first_dies(
    backend: str, fresh_url: str, tmp_path: Path
) -> None:
    if backend != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's")
    settings = Settings(database_url=fresh_url, pbx_export_dir=tmp_path / "callflows")
    engines = [make_engine(fresh_url), make_engine(fresh_url)]
    first, second = (Clock(build_services(settings), engine) for engine in engines)
    try:
        first.step(0.0)
        assert first.leading
        assert second.step(0.0) == LOCK_RETRY_SECONDS  # stands by, tries again in 15 s
        assert not second.leading
        assert second.step(15.0) == LOCK_RETRY_SECONDS
        assert not second.leading

        # the first clock's process dies: its session ends, and the lock with it (the
        # timeout makes pg_terminate_backend wait until that backend has exited)
        with engines[0].connect() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
                )
            )
        second.step(30.0)
        assert second.leading  # within one retry, well within a minute
        assert {j.id for j in second.scheduler.get_jobs()} >= {"pbx-outbox", "storage-alerts"}  # type: ignore[union-attr]

        first.step(30.0)  # the old leader notices it lost the lock and stops scheduling
        assert not first.leading
        first.step(45.0)
        assert not first.leading  # and stands by while the second leads

        second.stop()  # SIGTERM: the second clock resigns; the first leads again
        first.step(60.0)
        assert first.leading
    finally:
        first.stop()
        second.stop()
        for engine in engines:
            engine.dispose()
