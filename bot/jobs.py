"""The scheduled jobs: plain functions of (services, now), and their APScheduler 3.x timing.

Each job can be called directly (tests, ``groupbot jobs run <job>``, the shell's
``/jobs run <job>``) or by the scheduler of ``groupbot clock`` (``bot.clock``). A job
returns one line saying what it did, and raises ``JobFailed`` with that line when part
of its work did not happen (the scheduler logs it and tries again at the next run).

- ``pbx-outbox``, every minute: push every pending PBX outbox entry of every account,
  so a change that reached the database while the PBX was down reaches the PBX once it
  is back, with or without another change in the account; and remove the temporary
  files of PBX writes that never finished (a process killed mid-write).
- ``directory-sync``, every 15 minutes: read the directory from the PBX (``PBX_BACKEND=
  kazoo``), so users, devices, boxes, menus and media made on the PBX reach groupbot.
  What a group still uses is never dropped: the job then changes nothing and fails
  naming each group and what it uses.
- ``recordings-sync``, every 15 minutes: count new recordings (with Kazoo, those its
  API lists since the last run; with the file backend, the files in RECORDINGS_DIR;
  docs/storage.md).
- ``usergroup-mirror``, every 15 minutes: each group that follows a Slack user group
  (``/group mirror``) takes the members Slack lists now, catching a change no event
  brought (groupbot was down, or the event was lost).
- ``storage-alerts``, hourly: post an alert for each storage threshold crossed upward.
- ``storage-report``, daily at 09:00 in each workspace's time zone (one schedule per
  workspace with an alert channel, kept by the clock): the storage report and chart.
- ``storage-rollup``, nightly: recompute the usage rollups from the recordings.

Each job's ``misfire_grace_seconds`` is how late a run missed while no clock ran may
still start; missed runs coalesce into one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from bot.services import Sent, Services

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


def sync_directory(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``directory-sync``: the PBX's directory replaces groupbot's (nothing to do for a
    PBX without one)."""
    from bot.errors import FieldErrors, UserError
    from bot.services.directory import NoPbxDirectory

    try:
        result = services.sync_directory(workspace)
    except NoPbxDirectory:
        return "nothing to read: the local PBX has no directory (groupbot directory import)"
    except UserError as error:
        lines = error.errors.values() if isinstance(error, FieldErrors) else [error.message]
        raise JobFailed("the directory was left as it was: " + "; ".join(lines)) from error
    read = ", ".join(
        _counted(count, what)
        for count, what in (
            (result.users, "user"),
            (result.devices, "device"),
            (result.voicemail_boxes, "voicemail box"),
            (result.menus, "menu"),
            (result.media, "media file"),
        )
    )
    paused = _pauses_on_phones(services, workspace)
    if not result.changed:
        return "; ".join([f"no change: the PBX has the same {read}", *paused])
    log.info("directory-sync at %s: %s", now.isoformat(timespec="seconds"), read)
    said = f"read {read} from PBX account {result.account_id}"
    return "; ".join([said, *paused, *(f"warning: {w}" for w in result.warnings)])


def _pauses_on_phones(services: Services, workspace: str | None) -> list[str]:
    """Pauses set with the ring_group_toggle feature code, kept as groupbot's (issue 14)."""
    from bot.errors import UserError

    try:
        taken = services.take_pbx_pauses(workspace)
    except UserError as error:
        return [f"warning: pauses made on phones not read: {error.message}"]
    return [f"took pauses made on phones in {', '.join(taken)}"] if taken else []


def _counted(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}{'es' if what[-1] == 'x' else 's'}"


def _changes(count: int) -> str:
    return f"{count} change" if count == 1 else f"{count} changes"


def sync_recordings(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``recordings-sync``: count the recordings groupbot has not counted yet: Kazoo's
    (``PBX_BACKEND=kazoo``, listed since the last run) or the files in RECORDINGS_DIR."""
    from bot.errors import UserError

    try:
        return services.sync_recordings(workspace)
    except UserError as error:
        raise JobFailed(error.message) from error


def follow_usergroups(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``usergroup-mirror``: every group following a Slack user group takes its members."""
    return _sent(services.follow_usergroups(workspace), "no group follows a Slack user group")


def check_storage_alerts(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``storage-alerts``: an alert for each threshold crossed upward since the last check."""
    return _sent(services.check_storage_alerts(workspace), "no threshold newly crossed")


def post_storage_reports(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``storage-report``: the report to the alert channel of each workspace (or one)."""
    return _sent(services.send_storage_reports(workspace), "no workspace to report on")


def rebuild_storage_rollup(services: Services, now: datetime, workspace: str | None = None) -> str:
    """``storage-rollup``: the usage rollups recomputed from the recordings."""
    services.rebuild_storage_usage()
    return "recomputed the recording usage rollups"


def _sent(sent: Sent, nothing: str) -> str:
    if sent.failed:
        raise JobFailed("; ".join([*sent.done, *sent.failed]))
    return "; ".join(sent.done) or nothing


def _files(count: int) -> str:
    return f"{count} temporary file" if count == 1 else f"{count} temporary files"


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    run: JobFunction
    trigger: Mapping[str, Any] = field(default_factory=dict)  # APScheduler add_job arguments
    misfire_grace_seconds: int = 30
    # one schedule per workspace, daily at REPORT_HOUR in its time zone (``bot.clock``)
    per_workspace: bool = False


REPORT_HOUR = 9
JOBS: Mapping[str, ScheduledJob] = {
    job.name: job
    for job in (
        ScheduledJob("pbx-outbox", push_pbx_outbox, {"trigger": "interval", "minutes": 1}),
        ScheduledJob("directory-sync", sync_directory, {"trigger": "interval", "minutes": 15}),
        ScheduledJob(
            "recordings-sync",
            sync_recordings,
            {"trigger": "interval", "minutes": 15},
            misfire_grace_seconds=15 * 60,
        ),
        ScheduledJob(
            "usergroup-mirror",
            follow_usergroups,
            {"trigger": "interval", "minutes": 15},
            misfire_grace_seconds=15 * 60,
        ),
        ScheduledJob(
            "storage-alerts",
            check_storage_alerts,
            {"trigger": "cron", "minute": 5},
            misfire_grace_seconds=3600,
        ),
        ScheduledJob(
            "storage-report",
            post_storage_reports,
            misfire_grace_seconds=12 * 3600,  # a report later than 21:00 waits for tomorrow
            per_workspace=True,
        ),
        ScheduledJob(
            "storage-rollup",
            rebuild_storage_rollup,
            {"trigger": "cron", "hour": 3, "minute": 30},
            misfire_grace_seconds=6 * 3600,
        ),
    )
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


def _utc_now() -> datetime:
    return datetime.now(UTC)
