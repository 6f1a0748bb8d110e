"""Recording-storage accounting: what each workspace's recordings take, computed in SQL.

Reports never read the ``recordings`` table: two rollups kept in the same transaction
as every insert answer them. ``recording_usage_by_group`` gives the total and the
groups using the most (one row per group); ``recording_usage_daily`` gives the daily
series and the growth over 7 and 30 days (one row per UTC day). ``rebuild_usage``
recomputes both from the recordings, for bulk loads and repairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, cast, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import Recording, UsageByGroup, UsageDaily


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
    day: date
    bytes: int
    count: int


@dataclass(frozen=True)
class UsageReport:
    total_bytes: int
    total_count: int
    by_group: Sequence[GroupUsage]  # most bytes first
    daily: Sequence[DayUsage]  # oldest first, one entry per day, zeros included

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
    daily: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    groups: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for workspace_id, group_id, created_at, size in added:
        for totals in (daily[workspace_id, created_at.date()], groups[workspace_id, group_id]):
            totals[0] += size
            totals[1] += 1
    # sorted, so concurrent writers take the rollup rows' locks in one order
    _bump(session, UsageDaily, "day", sorted(daily.items()))
    _bump(session, UsageByGroup, "pbx_group_id", sorted(groups.items()))
    return len(added)


def _bump(
    session: Session,
    model: type[UsageDaily] | type[UsageByGroup],
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


def _day(session: Session) -> ColumnElement[date]:
    if _postgres(session):
        return cast(func.timezone("UTC", Recording.created_at), Date)
    # SQLite keeps naive UTC text: its date part is the UTC day
    return func.date(Recording.created_at, type_=Date)


def rebuild_usage(session: Session, workspace_id: int | None = None) -> None:
    """Recompute the rollups from the recordings (after a bulk load, or to repair)."""
    only = [] if workspace_id is None else [Recording.workspace_id == workspace_id]
    for model in (UsageDaily, UsageByGroup):
        stale = delete(model)
        if workspace_id is not None:
            stale = stale.where(model.workspace_id == workspace_id)
        session.execute(stale)
    day = _day(session).label("day")
    by_day = (
        select(Recording.workspace_id, day, func.sum(Recording.bytes), func.count())
        .where(*only)
        .group_by(Recording.workspace_id, day)
    )
    session.execute(
        insert(UsageDaily).from_select(["workspace_id", "day", "bytes", "count"], by_day)
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
    session: Session, workspace_id: int, last_day: date, days: int = 30
) -> list[DayUsage]:
    """Bytes added on each of the ``days`` UTC days ending with ``last_day``, zeros included."""
    first_day = last_day - timedelta(days=days - 1)
    found = {
        day: (int(size), int(count))
        for day, size, count in session.execute(
            select(UsageDaily.day, UsageDaily.bytes, UsageDaily.count).where(
                UsageDaily.workspace_id == workspace_id,
                UsageDaily.day >= first_day,
                UsageDaily.day <= last_day,
            )
        )
    }
    return [
        DayUsage(day, *found.get(day, (0, 0)))
        for day in (first_day + timedelta(days=i) for i in range(days))
    ]


def usage_report(session: Session, workspace_id: int, today: date, days: int = 30) -> UsageReport:
    """Everything the storage report shows, from the rollups only."""
    total_bytes, total_count = usage_total(session, workspace_id)
    return UsageReport(
        total_bytes=total_bytes,
        total_count=total_count,
        by_group=usage_by_group(session, workspace_id),
        daily=daily_series(session, workspace_id, today, days),
    )


def delete_recordings_before(session: Session, workspace_id: int, cutoff: datetime) -> int:
    """Forget the workspace's recordings created before ``cutoff``; rollups follow."""
    old = [Recording.workspace_id == workspace_id, Recording.created_at < cutoff]
    count = session.scalar(select(func.count()).select_from(Recording).where(*old)) or 0
    if count:
        session.execute(delete(Recording).where(*old))
        rebuild_usage(session, workspace_id)
    return int(count)
