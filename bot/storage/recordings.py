"""Recording-storage accounting: what each workspace's recordings take, computed in SQL.

Reports never read the ``recordings`` table: two rollups kept in the same transaction
as every insert answer them. ``recording_usage_by_group`` gives the total and the
groups using the most (one row per group); ``recording_usage_slots`` gives the daily
series and the growth over 7 and 30 days (one row per quarter hour with recordings,
summed into the workspace's own days when read: see ``UsageSlot``). ``rebuild_usage``
recomputes both from the recordings, for bulk loads and repairs (the nightly
``storage-rollup`` job runs it).

Recordings come from any source (the PBX's list, groupbot's endpoint, files found in
RECORDINGS_DIR): each is one ``NewRecording``, known by (workspace, recording id), so
the same recording reported by two sources, or twice by one, counts once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import DateTime, Integer, delete, func, insert, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import Recording, StorageAlertState, UsageByGroup, UsageSlot

SLOT = timedelta(minutes=15)


@dataclass(frozen=True)
class NewRecording:
    workspace_id: int
    recording_id: str  # the PBX's id, or ours for a file delivered to our endpoint
    call_id: str
    bytes: int
    duration_ms: int
    format: str
    created_at: datetime  # aware
    source: str  # "pbx" | "endpoint"
    pbx_group_id: str = ""


@dataclass(frozen=True)
class GroupUsage:
    pbx_group_id: str  # "" for recordings of no known group
    bytes: int
    count: int


@dataclass(frozen=True)
class DayUsage:
    day: date  # the workspace's day
    bytes: int
    count: int


@dataclass(frozen=True)
class UsageReport:
    total_bytes: int
    total_count: int
    by_group: Sequence[GroupUsage]  # most bytes first
    daily: Sequence[DayUsage]  # oldest first, one entry per local day, zeros included

    def growth(self, days: int) -> int:
        """Bytes added over the last ``days`` days of the series."""
        return sum(d.bytes for d in self.daily[-days:])


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def add_recordings(session: Session, recordings: Iterable[NewRecording]) -> int:
    """Store new recordings and roll them up, in the caller's transaction; recordings
    already known (same workspace and recording id) are skipped. How many were new."""
    rows = [r.__dict__ for r in recordings]
    if not rows:
        return 0
    returned = (
        Recording.workspace_id,
        Recording.pbx_group_id,
        Recording.created_at,
        Recording.bytes,
    )
    known = ["workspace_id", "recording_id"]
    if _postgres(session):
        statement = pg_insert(Recording).on_conflict_do_nothing(index_elements=known)
        added = session.execute(statement.returning(*returned), rows).all()
    else:
        lite = sqlite_insert(Recording).on_conflict_do_nothing(index_elements=known)
        added = session.execute(lite.returning(*returned), rows).all()
    slots: dict[tuple[int, datetime], list[int]] = defaultdict(lambda: [0, 0])
    groups: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for workspace_id, group_id, created_at, size in added:
        for totals in (slots[workspace_id, slot_of(created_at)], groups[workspace_id, group_id]):
            totals[0] += size
            totals[1] += 1
    # sorted, so concurrent writers take the rollup rows' locks in one order
    _bump(session, UsageSlot, "starts_at", sorted(slots.items()))
    _bump(session, UsageByGroup, "pbx_group_id", sorted(groups.items()))
    return len(added)


def _bump(
    session: Session,
    model: type[UsageSlot] | type[UsageByGroup],
    key: str,
    totals: Sequence[tuple[tuple[int, object], list[int]]],
) -> None:
    if not totals:
        return
    rows = [
        {"workspace_id": ws, key: value, "bytes": size, "count": count}
        for (ws, value), (size, count) in totals
    ]
    keys = ["workspace_id", key]
    if _postgres(session):
        pg = pg_insert(model)
        added = {"bytes": model.bytes + pg.excluded.bytes, "count": model.count + pg.excluded.count}
        session.execute(pg.on_conflict_do_update(index_elements=keys, set_=added), rows)
    else:
        lite = sqlite_insert(model)
        added = {
            "bytes": model.bytes + lite.excluded.bytes,
            "count": model.count + lite.excluded.count,
        }
        session.execute(lite.on_conflict_do_update(index_elements=keys, set_=added), rows)


def slot_of(at: datetime) -> datetime:
    """The UTC quarter hour ``at`` falls in."""
    at = at.astimezone(UTC)
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def _slot(session: Session) -> ColumnElement[datetime]:
    if _postgres(session):
        epoch = func.extract("epoch", Recording.created_at)
        return func.to_timestamp(func.floor(epoch / 900) * 900)
    # SQLite keeps naive UTC text in SQLAlchemy's format; the slot's text must be the
    # same as the one add_recordings binds, or a slot would have two rows
    quarter = literal_column(
        "CAST(strftime('%s', recordings.created_at) AS INTEGER) / 900 * 900", Integer
    )
    return func.strftime("%Y-%m-%d %H:%M:%S.000000", quarter, "unixepoch", type_=DateTime)


def rebuild_usage(session: Session, workspace_id: int | None = None) -> None:
    """Recompute the rollups from the recordings (after a bulk load, or to repair)."""
    only = [] if workspace_id is None else [Recording.workspace_id == workspace_id]
    for model in (UsageSlot, UsageByGroup):
        stale = delete(model)
        if workspace_id is not None:
            stale = stale.where(model.workspace_id == workspace_id)
        session.execute(stale)
    slot = _slot(session).label("starts_at")
    by_slot = (
        select(Recording.workspace_id, slot, func.sum(Recording.bytes), func.count())
        .where(*only)
        .group_by(Recording.workspace_id, slot)
    )
    session.execute(
        insert(UsageSlot).from_select(["workspace_id", "starts_at", "bytes", "count"], by_slot)
    )
    by_group = (
        select(
            Recording.workspace_id, Recording.pbx_group_id, func.sum(Recording.bytes), func.count()
        )
        .where(*only)
        .group_by(Recording.workspace_id, Recording.pbx_group_id)
    )
    session.execute(
        insert(UsageByGroup).from_select(
            ["workspace_id", "pbx_group_id", "bytes", "count"], by_group
        )
    )


def usage_total(session: Session, workspace_id: int) -> tuple[int, int]:
    """(bytes, count) of every recording of the workspace."""
    row = session.execute(
        select(
            func.coalesce(func.sum(UsageByGroup.bytes), 0),
            func.coalesce(func.sum(UsageByGroup.count), 0),
        ).where(UsageByGroup.workspace_id == workspace_id)
    ).one()
    return int(row[0]), int(row[1])


def usage_by_group(
    session: Session, workspace_id: int, limit: int | None = None
) -> list[GroupUsage]:
    query = (
        select(UsageByGroup.pbx_group_id, UsageByGroup.bytes, UsageByGroup.count)
        .where(UsageByGroup.workspace_id == workspace_id)
        .order_by(UsageByGroup.bytes.desc(), UsageByGroup.pbx_group_id)
        .limit(limit)
    )
    return [GroupUsage(g, int(b), int(c)) for g, b, c in session.execute(query)]


def daily_series(
    session: Session, workspace_id: int, last_day: date, days: int = 30, zone: tzinfo = UTC
) -> list[DayUsage]:
    """Bytes added on each of the ``days`` days (in ``zone``) ending with ``last_day``,
    zeros included: the quarter hours of those days, summed by the day they start in."""
    first_day = last_day - timedelta(days=days - 1)
    starts = datetime.combine(first_day, time(), zone).astimezone(UTC)
    ends = datetime.combine(last_day + timedelta(days=1), time(), zone).astimezone(UTC)
    found: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for starts_at, size, count in session.execute(
        select(UsageSlot.starts_at, UsageSlot.bytes, UsageSlot.count).where(
            UsageSlot.workspace_id == workspace_id,
            UsageSlot.starts_at >= starts,
            UsageSlot.starts_at < ends,
        )
    ):
        totals = found[starts_at.astimezone(zone).date()]
        totals[0] += int(size)
        totals[1] += int(count)
    return [
        DayUsage(day, *found.get(day, (0, 0)))
        for day in (first_day + timedelta(days=i) for i in range(days))
    ]


def usage_report(
    session: Session, workspace_id: int, today: date, days: int = 30, zone: tzinfo = UTC
) -> UsageReport:
    """Everything the storage report shows, from the rollups only; ``today`` and the
    days of the series are the workspace's (``zone``)."""
    total_bytes, total_count = usage_total(session, workspace_id)
    return UsageReport(
        total_bytes=total_bytes,
        total_count=total_count,
        by_group=usage_by_group(session, workspace_id),
        daily=daily_series(session, workspace_id, today, days, zone),
    )


def delete_recordings_before(session: Session, workspace_id: int, cutoff: datetime) -> int:
    """Forget the workspace's recordings created before ``cutoff``; rollups follow."""
    old = [Recording.workspace_id == workspace_id, Recording.created_at < cutoff]
    count = session.scalar(select(func.count()).select_from(Recording).where(*old)) or 0
    if count:
        session.execute(delete(Recording).where(*old))
        rebuild_usage(session, workspace_id)
    return int(count)


# -- the alert state -------------------------------------------------------------------


def alert_level(session: Session, workspace_id: int, now: datetime) -> int | None:
    """The threshold (percent) last announced to the workspace, its row locked until the
    transaction ends, so two checkers at once announce a crossing once. The row is made
    first if absent (INSERT … ON CONFLICT DO NOTHING), which on SQLite also takes the
    database's write lock, its only way to make the second checker wait."""
    values = {"workspace_id": workspace_id, "last_percent": None, "changed_at": now}
    if _postgres(session):
        session.execute(pg_insert(StorageAlertState).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(StorageAlertState).values(values).on_conflict_do_nothing())
    state = session.scalar(
        select(StorageAlertState)
        .where(StorageAlertState.workspace_id == workspace_id)
        .with_for_update()
    )
    assert state is not None
    return state.last_percent


def set_alert_level(session: Session, workspace_id: int, level: int | None, now: datetime) -> None:
    state = session.get(StorageAlertState, workspace_id)
    assert state is not None, "alert_level() first"
    if state.last_percent != level:
        state.last_percent, state.changed_at = level, now
        session.flush()


class Recordings:
    """The repository of the unit of work (``uow.recordings``) over this module."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, recordings: Iterable[NewRecording]) -> int:
        return add_recordings(self.session, recordings)

    def report(self, workspace_id: int, today: date, zone: tzinfo, days: int = 30) -> UsageReport:
        return usage_report(self.session, workspace_id, today, days, zone)

    def total(self, workspace_id: int) -> tuple[int, int]:
        return usage_total(self.session, workspace_id)

    def rebuild(self, workspace_id: int | None = None) -> None:
        rebuild_usage(self.session, workspace_id)

    def alert_level(self, workspace_id: int, now: datetime) -> int | None:
        return alert_level(self.session, workspace_id, now)

    def set_alert_level(self, workspace_id: int, level: int | None, now: datetime) -> None:
        set_alert_level(self.session, workspace_id, level, now)
