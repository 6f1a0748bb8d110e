"""``groupbot clock``: the one process that schedules (the web processes never do).

APScheduler 3 runs the jobs of ``bot.jobs`` from its ``SQLAlchemyJobStore`` in our own
database (table ``apscheduler_jobs``, made by the migrations). Because each job's next
run time is kept there, a run missed while no clock ran is found when one starts again,
and runs once (``coalesce``) if it is not later than the job's ``misfire_grace_seconds``.
No job runs twice at once (``max_instances=1``).

Every minute the clock reconciles the stored schedules with what they should be:
the fixed jobs, and one ``storage-report:<team id>`` per workspace with an alert
channel, daily at 09:00 in that workspace's time zone (a workspace added or changed in
``/group setup`` is scheduled within a minute, no restart). A schedule that is already
right is left alone, so its pending (missed) run survives a restart.

One clock runs at a time. On PostgreSQL a session-level advisory lock, held on a
connection of the clock's own, elects it; another clock stands by, tries the lock every
15 s, and takes over when the first one's session ends (a dead process's connection
closes; a vanished machine's is dropped by the keepalives set below within ~30 s). A
leader that finds it lost the lock stops scheduling at once. SQLite has no such lock:
run one clock there.

The job store keeps a reference to ``fire`` and plain arguments (the job's name and a
team id), never objects: the running clock gives ``fire`` its services.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from bot.jobs import JOBS, REPORT_HOUR, JobFailed
from bot.services import Services

log = logging.getLogger("groupbot.clock")

LOCK_RETRY_SECONDS = 15.0
RECONCILE_SECONDS = 60.0
REPORT_JOB = "storage-report"
REPORT_PREFIX = REPORT_JOB + ":"
FIRE = "bot.clock:fire"
# the lock's key: one clock per database schema (tests run several schemas at once)
LOCK_KEY = "hashtext('groupbot clock ' || current_schema())"

_services: Services | None = None


def fire(name: str, team_id: str | None = None) -> None:
    """What the job store calls: run the job ``name`` (for ``team_id``, or every team)."""
    services = _services
    if services is None:
        raise RuntimeError("fire() runs inside a started Clock")
    job = JOBS[name]
    try:
        said = job.run(services, datetime.now(UTC), team_id)
    except JobFailed as failed:  # expected while the PBX or Slack is down: one line
        log.warning("%s: %s", name, failed)
    else:
        log.info("%s: %s", name, said)


@dataclass(frozen=True)
class Schedule:
    """One stored job as it should be."""

    id: str
    job: str
    team_id: str | None
    trigger: Any  # an APScheduler trigger
    misfire_grace_seconds: int

    def same_as(self, stored: Any) -> bool:
        trigger = stored.trigger
        return (
            type(trigger) is type(self.trigger)
            and str(trigger) == str(self.trigger)
            and str(getattr(trigger, "timezone", "")) == str(getattr(self.trigger, "timezone", ""))
            and stored.func_ref == FIRE
            and tuple(stored.args) == (self.job, self.team_id)
            and stored.misfire_grace_time == self.misfire_grace_seconds
        )


def schedules(report_zones: list[tuple[str, str]]) -> dict[str, Schedule]:
    """Every job as it should be stored: the fixed ones and a report per workspace."""
    wanted: dict[str, Schedule] = {}
    for job in JOBS.values():
        if job.per_workspace:
            for team_id, zone in report_zones:
                trigger = CronTrigger(hour=REPORT_HOUR, minute=0, timezone=ZoneInfo(zone))
                key = f"{job.name}:{team_id}"
                wanted[key] = Schedule(key, job.name, team_id, trigger, job.misfire_grace_seconds)
            continue
        arguments = dict(job.trigger)
        kind = arguments.pop("trigger")
        trigger = (
            IntervalTrigger(timezone=UTC, **arguments)
            if kind == "interval"
            else CronTrigger(timezone=UTC, **arguments)
        )
        wanted[job.name] = Schedule(job.name, job.name, None, trigger, job.misfire_grace_seconds)
    return wanted


class Election:
    """Who may schedule: on PostgreSQL, whoever holds the advisory lock; on SQLite,
    whoever asks (one clock only)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self.postgres = engine.dialect.name == "postgresql"

    def try_lead(self) -> bool:
        if not self.postgres:
            return True
        if self._connection is None:
            self._connection = self._engine.connect()
            self._connection.execution_options(isolation_level="AUTOCOMMIT")
            # the server drops a vanished clock's session (and its lock) within ~30 s
            for setting, value in (("idle", 10), ("interval", 5), ("count", 3)):
                self._connection.exec_driver_sql(f"SET tcp_keepalives_{setting} = {value}")
        try:
            won = self._connection.execute(text(f"SELECT pg_try_advisory_lock({LOCK_KEY})"))
            return bool(won.scalar())
        except DBAPIError:
            self._drop()
            return False

    def still_leads(self) -> bool:
        """Whether our session still holds the lock (False when the connection died)."""
        if not self.postgres:
            return True
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted"
                )
            ).scalar()
        except DBAPIError:
            self._drop()
            return False
        return bool(held)

    def resign(self) -> None:
        if self._connection is not None:
            with suppress(DBAPIError):
                self._connection.execute(text(f"SELECT pg_advisory_unlock({LOCK_KEY})"))
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            with suppress(DBAPIError):
                self._connection.invalidate()
                self._connection.close()
            self._connection = None


class Clock:
    """The scheduler, started only while this clock leads. ``step()`` is one turn of
    the main loop (``run`` repeats it); tests call it to move the clock on."""

    def __init__(
        self,
        services: Services,
        engine: Engine,
        *,
        make_scheduler: Callable[[], BackgroundScheduler] | None = None,
    ) -> None:
        self.services = services
        self.engine = engine
        self.election = Election(engine)
        self._make_scheduler = make_scheduler or self._scheduler
        self.scheduler: BackgroundScheduler | None = None
        self._last_reconcile = 0.0

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def _scheduler(self) -> BackgroundScheduler:
        return BackgroundScheduler(
            timezone=UTC,
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )

    def step(self, monotonic: float) -> float:
        """Lead, stand by, or reconcile; the seconds until the next step."""
        if not self.leading:
            if not self.election.try_lead():
                return LOCK_RETRY_SECONDS
            self._start()
            self._last_reconcile = monotonic
            return LOCK_RETRY_SECONDS
        if not self.election.still_leads():
            log.error("clock: lost the clock lock; standing by")
            self._stop()
            return LOCK_RETRY_SECONDS
        if monotonic - self._last_reconcile >= RECONCILE_SECONDS:
            self.reconcile()
            self._last_reconcile = monotonic
        return LOCK_RETRY_SECONDS

    def _start(self) -> None:
        global _services
        _services = self.services
        scheduler = self._make_scheduler()
        scheduler.start(paused=True)  # reconcile before anything due runs
        self.scheduler = scheduler
        try:
            self.reconcile()
        except Exception:
            self._stop()  # resign: a clock that cannot schedule must not hold the lock
            raise
        scheduler.resume()
        log.info("clock: leading; running %s", ", ".join(j.id for j in scheduler.get_jobs()))

    def _stop(self, *, wait: bool = False) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=wait)
            self.scheduler = None
        self.election.resign()

    def stop(self) -> None:
        """Stop scheduling, let the jobs running now finish, and resign (SIGTERM)."""
        self._stop(wait=True)

    def reconcile(self) -> None:
        """Make the stored schedules what they should be, leaving right ones alone."""
        scheduler = self.scheduler
        assert scheduler is not None
        wanted = schedules(self.services.storage_schedules())
        stored = {job.id: job for job in scheduler.get_jobs()}
        for key, schedule in wanted.items():
            current = stored.get(key)
            if current is not None and schedule.same_as(current):
                continue
            scheduler.add_job(
                FIRE,
                trigger=schedule.trigger,
                args=(schedule.job, schedule.team_id),
                id=key,
                name=key,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=schedule.misfire_grace_seconds,
            )
            log.info("clock: scheduled %s (%s)", key, schedule.trigger)
        for key in stored.keys() - wanted.keys():
            scheduler.remove_job(key)
            log.info("clock: unscheduled %s", key)

    def run(self, stop: threading.Event) -> None:
        """Until ``stop`` is set (SIGTERM, Ctrl-C)."""
        import time

        try:
            while not stop.is_set():
                try:
                    wait = self.step(time.monotonic())
                except Exception:  # the database away a moment: log it, try again
                    log.exception("clock: step failed; trying again in %.0f s", LOCK_RETRY_SECONDS)
                    wait = LOCK_RETRY_SECONDS
                stop.wait(wait)
        finally:
            self.stop()
