"""Recording storage: the report, the threshold alerts, counting recordings, the rollup.

Usage is what groupbot knows of: every recording stored through ``uow.recordings``,
whichever source told us of it (the PBX's list, groupbot's endpoint, files found in
RECORDINGS_DIR). The report and alerts go to the workspace's alert channel through a
``StorageNotifier`` (the Slack adapter lives in ``bot.commands.storage``; ``bot.app``
sets ``services.notifier``); with no alert channel set they go nowhere, and say so.

Alerts: each workspace has one alert level, the highest threshold announced and not
yet fallen below (``storage_alert_state``). A check that finds usage at a higher
threshold announces it (one message, naming the highest threshold crossed) and
raises the level; usage below the level lowers it silently, which re-arms the
thresholds above. The level is read with its row locked and changed in the same
transaction as the message is sent, so two checkers, or a restart, never announce
one crossing twice.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from bot.engine.compiler import ring_group_name
from bot.errors import NotFound, UserError
from bot.pbx import PbxError
from bot.pbx.kazoo import MAX_RANGE, PbxRecording
from bot.services.base import ServiceBase
from bot.services.outbox import _group_name
from bot.storage.recording_files import recording_files, remove_partial_uploads, team_folders
from bot.storage.recordings import NewRecording, UsageReport
from bot.storage.repositories import Workspace
from bot.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

REPORT_DAYS = 30
TOP_GROUPS = 5
FORECAST_DAYS = 365
FILE_BATCH = 1000
# recordings-sync with Kazoo: each run lists again the last hour before the previous
# run's end (a recording saved late, with an earlier creation time, is not missed; the
# ids already counted are skipped), and a first run reaches back a year
SYNC_OVERLAP = timedelta(hours=1)
FIRST_SYNC = timedelta(days=365)
ORIGIN_PREFIX = "callflow : "  # cf_record_call.erl 27-30

Level = Literal["warning", "critical", "full"]


@dataclass(frozen=True)
class GroupStorage:
    name: str  # "" for recordings of no known group
    bytes: int
    count: int


@dataclass(frozen=True)
class StorageDay:
    day: date  # the workspace's day
    used_bytes: int  # usage at the end of that day (now, for today)


@dataclass(frozen=True)
class StorageReport:
    team_id: str
    alert_channel: str | None
    time_zone: str
    at: datetime  # when, in the workspace's time zone
    used_bytes: int
    recordings: int
    limit_bytes: int | None
    top_groups: tuple[GroupStorage, ...]  # most bytes first
    other_groups: int  # groups with recordings beyond the top ones
    growth_7d: int
    growth_30d: int
    # the day the limit is reached at the last 30 days' pace (least squares); None when
    # there is no limit, usage is flat or falling, or it is more than a year away
    forecast: date | None
    days: tuple[StorageDay, ...]  # the last 30 days, oldest first

    @property
    def percent(self) -> float | None:
        if not self.limit_bytes:
            return None
        return self.used_bytes * 100 / self.limit_bytes

    @property
    def full(self) -> bool:
        return self.limit_bytes is not None and self.used_bytes >= self.limit_bytes


@dataclass(frozen=True)
class StorageAlert:
    team_id: str
    alert_channel: str
    level: Level
    threshold: int  # percent
    percent: float
    used_bytes: int
    limit_bytes: int


@dataclass(frozen=True)
class RecordingSeen:
    """A recording some source told us of (the PBX's list, our endpoint, a file)."""

    recording_id: str  # the PBX's id, or the delivered file's name without extension
    bytes: int
    created_at: datetime  # aware
    format: str  # "mp3" | "wav"
    source: str  # "pbx" | "endpoint"
    pbx_group_id: str = ""  # "" when no group is known
    call_id: str = ""
    duration_ms: int = 0


@runtime_checkable
class RecordingLister(Protocol):
    """A PBX that lists its account's call recordings (``bot.pbx.kazoo.KazooPbx``)."""

    account_id: str

    def list_recordings(
        self, created_from: datetime, created_to: datetime
    ) -> Sequence[PbxRecording]: ...


class NotDelivered(Exception):
    """The report or alert did not reach Slack; ``str()`` says why, in one line."""


class StorageNotifier(Protocol):
    def post_report(self, report: StorageReport) -> None: ...
    def post_alert(self, alert: StorageAlert) -> None: ...


class NoNotifier:
    def post_report(self, report: StorageReport) -> None:
        raise NotDelivered("this process has no Slack token to post with")

    def post_alert(self, alert: StorageAlert) -> None:
        raise NotDelivered("this process has no Slack token to post with")


@dataclass(frozen=True)
class Sent:
    """What a report or alert run did: one line per workspace, and those that failed."""

    done: tuple[str, ...]
    failed: tuple[str, ...]


class StorageUseCases(ServiceBase):
    notifier: StorageNotifier = NoNotifier()  # bot.app sets the Slack one

    # -- the report ------------------------------------------------------------------

    def storage_report(self, team_id: str) -> StorageReport:
        now = self._clock()
        with self._uow() as uow:
            row = uow.workspaces.get(team_id)
            if row is None:
                return _report(team_id, None, "UTC", now, None, _EMPTY, [])
            zone = ZoneInfo(row.time_zone)
            usage = uow.recordings.report(row.id, now.astimezone(zone).date(), zone, REPORT_DAYS)
            names = [  # only the groups shown: one or two queries each
                _storage_group_name(uow, row.account_id, g.pbx_group_id)
                for g in usage.by_group[:TOP_GROUPS]
            ]
            return _report(
                team_id,
                row.alert_channel,
                row.time_zone,
                now,
                row.storage_limit_bytes,
                usage,
                names,
            )

    def send_storage_reports(self, team_id: str | None = None) -> Sent:
        """Post the report to each workspace's alert channel (or to ``team_id``'s)."""
        done: list[str] = []
        failed: list[str] = []
        for team in self._teams(team_id):
            report = self.storage_report(team)
            if report.alert_channel is None:
                done.append(f"{team}: no alert channel set, so the report went nowhere")
                continue
            try:
                self.notifier.post_report(report)
            except NotDelivered as error:
                failed.append(f"{team}: the report did not reach Slack ({error})")
            else:
                done.append(f"{team}: report posted to <#{report.alert_channel}>")
        return Sent(tuple(done), tuple(failed))

    def storage_schedules(self) -> list[tuple[str, str]]:
        """(team id, time zone) of every workspace whose daily report goes somewhere."""
        with self._uow() as uow:
            return [(w.team_id, w.time_zone) for w in uow.workspaces.all() if w.alert_channel]

    # -- alerts ----------------------------------------------------------------------

    def check_storage_alerts(self, team_id: str | None = None) -> Sent:
        done: list[str] = []
        failed: list[str] = []
        for team in self._teams(team_id):
            try:
                said = self._check_alerts(team)
            except NotDelivered as error:
                failed.append(f"{team}: the alert did not reach Slack ({error})")
            else:
                if said:
                    done.append(f"{team}: {said}")
        return Sent(tuple(done), tuple(failed))

    def _check_alerts(self, team_id: str) -> str:
        now = self._clock()
        with self._uow() as uow:
            row = uow.workspaces.get(team_id)
            if row is None or not row.storage_limit_bytes:
                return ""
            limit = row.storage_limit_bytes
            announced = uow.recordings.alert_level(row.id, now)  # locked till we commit
            used, _count = uow.recordings.total(row.id)
            crossed = _crossed(row, used, limit)
            level = crossed[1] if crossed else None
            if level == announced or (level or 0) < (announced or 0):
                uow.recordings.set_alert_level(row.id, level, now)  # re-armed, or nothing
                uow.commit()
                return ""
            assert crossed is not None
            if row.alert_channel is None:
                return f"{crossed[0]} threshold crossed, but no alert channel is set"
            alert = StorageAlert(
                team_id=team_id,
                alert_channel=row.alert_channel,
                level=crossed[0],
                threshold=crossed[1],
                percent=used * 100 / limit,
                used_bytes=used,
                limit_bytes=limit,
            )
            self.notifier.post_alert(alert)  # NotDelivered: rolled back, tried next time
            uow.recordings.set_alert_level(row.id, level, now)
            uow.commit()
            return (
                f"{alert.level} alert posted to <#{alert.alert_channel}> at {alert.percent:.0f} %"
            )

    # -- counting recordings and the rollup -------------------------------------------

    def add_recordings(self, team_id: str, recordings: Sequence[RecordingSeen]) -> int:
        """Count the workspace's recordings, from any source; those already known (same
        recording id) are skipped. How many were new. ``NotFound`` when the workspace
        is not set up."""
        if not recordings:
            return 0
        with self._uow() as uow:
            row = uow.workspaces.get(team_id)
            if row is None:
                raise NotFound(f"Workspace {team_id} is not set up: `/group setup` first.")
            added = uow.recordings.add(_new_recording(row.id, r) for r in recordings)
            uow.commit()
            return added

    def sync_recordings(self, team_id: str | None = None) -> str:
        """``recordings-sync``: the PBX's new recordings (Kazoo), else the files of
        RECORDINGS_DIR (the file backend). One line saying what was counted."""
        if isinstance(self._pbx, RecordingLister):
            return self.sync_pbx_recordings(self._pbx, team_id)
        return self.count_recording_files(team_id)

    def sync_pbx_recordings(self, lister: RecordingLister, team_id: str | None = None) -> str:
        """Count the recordings the PBX made since the last run, for every workspace on
        its account: listed in windows of at most 31 days (crossbar's maximum range),
        every page; the end of each window listed is kept (``accounts.recordings_synced_to``)
        so the next run starts there. Recordings uploaded to groupbot's own endpoint are
        left to it. ``UserError`` when the PBX cannot be read (what was counted stays)."""
        account = lister.account_id
        now = self._clock()
        with self._uow() as uow:
            teams = [w.team_id for w in uow.workspaces.all() if w.account_id == account]
            row = uow.workspaces.account(account)
            mark = row.recordings_synced_to if row is not None else None
            groups = {
                ring_group_name(s.name).casefold(): s.pbx_group_id
                for s in uow.groups.summaries(account)
            }
        if not teams or (team_id is not None and team_id not in teams):
            who = f"workspace {team_id} is not" if team_id else "no workspace is"
            return f"{who} set up on PBX account {account}: no recordings counted"
        ours = (
            f"{self.options.public_url.rstrip('/')}/recordings/" if self.options.public_url else ""
        )
        start = mark - SYNC_OVERLAP if mark is not None else now - FIRST_SYNC
        listed = added = estimated = left = 0
        while start < now:
            end = min(start + MAX_RANGE, now)
            try:
                found = lister.list_recordings(start, end)
            except PbxError as error:
                raise UserError(
                    f"Could not list PBX account {account}'s recordings from "
                    f"{start:%Y-%m-%d %H:%M} UTC: {error}; counted {added} new before that"
                ) from error
            seen: list[RecordingSeen] = []
            for recording in found:
                listed += 1
                if ours and recording.url.startswith(ours):
                    left += 1  # uploaded to our endpoint, which counted it
                    continue
                estimated += not recording.measured
                seen.append(_seen_on_pbx(recording, groups))
            for batch_start in range(0, len(seen), FILE_BATCH):
                batch = seen[batch_start : batch_start + FILE_BATCH]
                for team in teams:
                    added += self.add_recordings(team, batch)
            with self._uow() as uow:
                uow.workspaces.ensure_account(account, now)
                synced = uow.workspaces.account(account)
                assert synced is not None
                synced.recordings_synced_to = end
                uow.commit()
            start = end
        said = f"counted {added} new of {listed} recording{'' if listed == 1 else 's'} listed"
        said += f" on PBX account {account}"
        if estimated:
            said += f" ({estimated} sized from their duration: no attachment length)"
        if left:
            said += f"; {left} uploaded to groupbot's endpoint were counted there"
        return said

    def remove_partial_uploads(self, root: Path, older_than: float) -> int:
        """The recording endpoint's uploads that never finished, removed (at start)."""
        return remove_partial_uploads(root, older_than)

    def count_recording_files(self, team_id: str | None = None) -> str:
        """``recordings-sync`` with the file backend: count the files of RECORDINGS_DIR
        (docs/storage.md has the layout); what is already counted is skipped."""
        root = self.options.recordings_dir
        if root is None:
            return "no RECORDINGS_DIR to read with this PBX backend"
        teams = [team_id] if team_id else team_folders(root)
        added = 0
        unknown: list[str] = []
        for team in teams:
            with self._uow() as uow:
                known = uow.workspaces.get(team) is not None
            if not known:
                unknown.append(team)
                continue
            batch: list[RecordingSeen] = []
            for found in recording_files(root, team):
                batch.append(
                    RecordingSeen(
                        recording_id=found.recording_id,
                        bytes=found.bytes,
                        created_at=found.created_at,
                        format=found.format,
                        source="endpoint",  # RECORDINGS_DIR is where our endpoint writes
                        pbx_group_id=found.pbx_group_id,
                    )
                )
                if len(batch) == FILE_BATCH:
                    added += self.add_recordings(team, batch)
                    batch = []
            added += self.add_recordings(team, batch)
        said = f"counted {added} new recording file{'' if added == 1 else 's'} in {root}"
        if unknown:
            said += f"; skipped the folders of workspaces not set up: {', '.join(unknown)}"
        return said

    def rebuild_storage_usage(self) -> None:
        """Recompute the rollups from the recordings (the nightly ``storage-rollup``)."""
        with self._uow() as uow:
            uow.recordings.rebuild()
            uow.commit()

    def _teams(self, team_id: str | None) -> list[str]:
        if team_id is not None:
            return [team_id]
        with self._uow() as uow:
            return [w.team_id for w in uow.workspaces.all()]


_EMPTY = UsageReport(0, 0, (), ())


def _new_recording(workspace_id: int, seen: RecordingSeen) -> NewRecording:
    return NewRecording(
        workspace_id=workspace_id,
        recording_id=seen.recording_id,
        call_id=seen.call_id,
        bytes=seen.bytes,
        duration_ms=seen.duration_ms,
        format=seen.format,
        created_at=seen.created_at,
        source=seen.source,
        pbx_group_id=seen.pbx_group_id,
    )


def _seen_on_pbx(recording: PbxRecording, groups: dict[str, str]) -> RecordingSeen:
    """What the PBX listed, tied to the group whose userGroup callflow started it:
    record_call's origin is "callflow : " and the callflow's name, "<group> Ring Group"
    (a group renamed since is not found: its recording counts under no group)."""
    label = recording.origin.removeprefix(ORIGIN_PREFIX).strip().casefold()
    return RecordingSeen(
        recording_id=recording.recording_id[:128],
        bytes=recording.bytes,
        created_at=recording.created_at,
        format=recording.format,
        source="pbx",
        pbx_group_id=groups.get(label, "") if recording.origin.startswith(ORIGIN_PREFIX) else "",
        call_id=recording.call_id[:128],
        duration_ms=recording.duration_ms,
    )


def _storage_group_name(uow: UnitOfWork, account: str, pbx_group_id: str) -> str:
    return _group_name(uow, account, pbx_group_id) if pbx_group_id else ""


def _crossed(row: Workspace, used: int, limit: int) -> tuple[Level, int] | None:
    """The highest threshold usage is at or above, and its name."""
    thresholds: list[tuple[Level, int]] = [
        ("warning", row.warn_percent),
        ("critical", row.critical_percent),
        ("full", row.full_percent),
    ]
    reached = [(name, t) for name, t in thresholds if used * 100 >= t * limit]
    return max(reached, key=lambda item: item[1]) if reached else None


def _report(
    team_id: str,
    channel: str | None,
    time_zone: str,
    now: datetime,
    limit: int | None,
    usage: UsageReport,
    names: Sequence[str],
) -> StorageReport:
    local = now.astimezone(ZoneInfo(time_zone))
    today = local.date()
    daily = list(usage.daily) or []
    before = usage.total_bytes - sum(d.bytes for d in daily)
    days: list[StorageDay] = []
    running = before
    for entry in daily:
        running += entry.bytes
        days.append(StorageDay(entry.day, running))
    if not days:
        days = [StorageDay(today - timedelta(days=i), 0) for i in reversed(range(REPORT_DAYS))]
    shown = usage.by_group[: len(names)]  # the top groups, named
    groups = [GroupStorage(name, g.bytes, g.count) for name, g in zip(names, shown, strict=True)]
    return StorageReport(
        team_id=team_id,
        alert_channel=channel,
        time_zone=time_zone,
        at=local,
        used_bytes=usage.total_bytes,
        recordings=usage.total_count,
        limit_bytes=limit,
        top_groups=tuple(groups),
        other_groups=max(len(usage.by_group) - TOP_GROUPS, 0),
        growth_7d=usage.growth(7) if daily else 0,
        growth_30d=usage.growth(30) if daily else 0,
        forecast=forecast(days, usage.total_bytes, limit, today),
        days=tuple(days),
    )


def forecast(days: Sequence[StorageDay], used: int, limit: int | None, today: date) -> date | None:
    """The day usage reaches ``limit`` on the least-squares line through the daily
    usage; today when it is reached already; None when the line is flat or falling
    or reaches it more than a year from now."""
    if not limit:
        return None
    if used >= limit:
        return today
    n = len(days)
    if n < 2:
        return None
    xs = range(n)
    mean_x = (n - 1) / 2
    mean_y = sum(d.used_bytes for d in days) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (d.used_bytes - mean_y) for x, d in zip(xs, days, strict=True))
    slope /= spread  # bytes per day
    if slope <= 0:
        return None
    days_left = math.ceil((limit - used) / slope)
    if days_left > FORECAST_DAYS:
        return None
    return today + timedelta(days=days_left)
