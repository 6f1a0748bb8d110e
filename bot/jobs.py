"""The scheduled jobs: plain functions of (services, now), and their APScheduler 3.x timing.

Each job can be called directly (tests, ``groupbot jobs run <job>``, the shell's
``/jobs run <job>``) or by the scheduler of ``groupbot clock`` (``schedule_jobs``). A job
returns one line saying what it did, and raises ``JobFailed`` with that line when part
of its work did not happen (the scheduler logs it and tries again at the next run).

- ``pbx-outbox``, every minute: push every pending PBX outbox entry of every account,
  so a change that reached the database while the PBX was down reaches the PBX once it
  is back, with or without another change in the account; and remove the temporary
  files of PBX writes that never finished (a process killed mid-write).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bot.services import Services

log = logging.getLogger("groupbot.jobs")

JobFunction = Callable[[Services, datetime, str | None], str]
"""(services, now, workspace team id or None for every workspace) -> what it did."""


class JobFailed(Exception):
    """Part of a job's work did not happen; ``str()`` says what, in one line."""


class UnknownJob(LookupError):
    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(JOBS))
        super().__init__(f"no job {name!r}; the jobs are: {known}")


# Older than this, a temporary file of a PBX write is a leftover: no write takes a minute.
LEFTOVER_AGE = 60.0  # seconds


def push_pbx_outbox(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``pbx-outbox``: push what the PBX has yet to take, in every account (or one), and
    remove what PBX writes that never finished left behind."""
    removed = services.remove_pbx_leftovers(LEFTOVER_AGE)
    result = services.push_pending(workspace)
    done = f"pushed {_changes(len(result.pushed))}" if result.pushed else ""
    if result.pushed:
        done += ": " + ", ".join(result.pushed)
        log.info("pbx-outbox at %s: %s", now.isoformat(timespec="seconds"), done)
    tidied = f"; removed {_files(removed)} left by PBX writes that never finished"
    tidied = tidied if removed else ""
    if result.failed:
        failures = "; ".join(f"{name} ({why})" for name, why in result.failed)
        line = f"the PBX did not take {_changes(len(result.failed))}: {failures}"
        line = f"{done}; {line}" if done else line
        raise JobFailed(f"{line}; they stay queued for the next run{tidied}")
    return (done or "nothing to push: the PBX has every change") + tidied


def _changes(count: int) -> str:
    return f"{count} change" if count == 1 else f"{count} changes"


def _files(count: int) -> str:
    return f"{count} temporary file" if count == 1 else f"{count} temporary files"


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    run: JobFunction
    trigger: Mapping[str, Any] = field(default_factory=dict)  # APScheduler add_job arguments


JOBS: Mapping[str, ScheduledJob] = {
    job.name: job
    for job in (ScheduledJob("pbx-outbox", push_pbx_outbox, {"trigger": "interval", "minutes": 1}),)
}


def run_job(name: str, services: Services, now: datetime, workspace: str | None = None) -> str:
    """Run the job ``name`` once; ``UnknownJob`` lists the jobs there are."""
    job = JOBS.get(name)
    if job is None:
        raise UnknownJob(name)
    return job.run(services, now, workspace)


def bound_jobs(
    services: Services, clock: Callable[[], datetime] | None = None
) -> dict[str, Callable[[], str]]:
    """Every job as a no-argument callable over ``services`` (what the shell runs)."""
    return {name: partial(_run_now, job, services, clock or _utc_now) for name, job in JOBS.items()}


def _run_now(job: ScheduledJob, services: Services, clock: Callable[[], datetime]) -> str:
    return job.run(services, clock(), None)


def schedule_jobs(scheduler: Any, services: Services) -> None:
    """Add every job to an APScheduler 3.x ``scheduler`` (started or not), each under its
    own id, replacing a job of that id, never running two of one at once."""
    for job in JOBS.values():
        scheduler.add_job(
            _scheduled,
            args=(job, services),
            id=job.name,
            name=job.name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=30,
            **job.trigger,
        )


def _scheduled(job: ScheduledJob, services: Services) -> None:
    try:
        job.run(services, _utc_now(), None)
    except JobFailed as failed:  # expected while the PBX is down: one line, no traceback
        log.warning("%s: %s", job.name, failed)


def _utc_now() -> datetime:
    return datetime.now(UTC)
