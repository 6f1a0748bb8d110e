"""Recording usage: totals, by group and by day, from rollups that match the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import Account, Recording, UsageSlot, Workspace
from bot.storage.recordings import (
    NewRecording,
    add_recordings,
    delete_recordings_before,
    rebuild_usage,
    usage_by_group,
    usage_report,
    usage_total,
)

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
KATHMANDU = ZoneInfo("Asia/Kathmandu")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Session:
    session = session_factory()
    session.add(Account(id="e" * 32, created_at=NOW))
    session.add_all(
        Workspace(team_id=t, account_id="e" * 32, created_at=NOW, updated_at=NOW)
        for t in ("T1", "T2")
    )
    session.flush()
    return session


def ws(session: Session, team: str) -> int:
    return session.scalars(select(Workspace.id).where(Workspace.team_id == team)).one()


def rec(workspace_id: int, n: int, size: int, at: datetime, group: str = "g1") -> NewRecording:
    return NewRecording(
        workspace_id=workspace_id,
        recording_id=f"rec{n}",
        call_id=f"call{n}",
        bytes=size,
        duration_ms=1000,
        format="mp3",
        created_at=at,
        source="pbx",
        pbx_group_id=group,
    )


def test_report_adds_up_by_group_and_by_day(session: Session) -> None:
    t1, t2 = ws(session, "T1"), ws(session, "T2")
    add_recordings(
        session,
        [
            rec(t1, 1, 100, NOW, "sales"),
            rec(t1, 2, 50, NOW - timedelta(days=1), "sales"),
            rec(t1, 3, 300, NOW - timedelta(days=1), "support"),
            rec(t1, 4, 7, NOW - timedelta(days=40), ""),  # older than the series
            rec(t2, 5, 1000, NOW, "sales"),  # another workspace
        ],
    )

    report = usage_report(session, t1, NOW.date())

    assert (report.total_bytes, report.total_count) == (457, 4)
    assert [(g.pbx_group_id, g.bytes, g.count) for g in report.by_group] == [
        ("support", 300, 1),
        ("sales", 150, 2),
        ("", 7, 1),
    ]
    assert len(report.daily) == 30
    assert report.daily[0].day == date(2026, 3, 2)
    assert [(d.day, d.bytes) for d in report.daily[-2:]] == [
        (date(2026, 3, 30), 350),
        (date(2026, 3, 31), 100),
    ]
    assert report.growth(7) == 450


def test_known_recordings_are_not_counted_twice(session: Session) -> None:
    t1 = ws(session, "T1")
    assert add_recordings(session, [rec(t1, 1, 100, NOW)]) == 1
    assert add_recordings(session, [rec(t1, 1, 100, NOW), rec(t1, 2, 5, NOW)]) == 1
    assert usage_total(session, t1) == (105, 2)


def test_days_are_the_workspaces_days(session: Session) -> None:
    """23:30 UTC on 30 March is the 31st in Kathmandu (+05:45) and still the 30th in New
    York; a quarter past midnight in Kathmandu is 18:30 UTC the day before."""
    t1 = ws(session, "T1")
    late = datetime(2026, 3, 30, 23, 30, tzinfo=UTC)
    just_after_midnight = datetime(2026, 3, 31, 0, 15, tzinfo=KATHMANDU)
    add_recordings(
        session,
        [rec(t1, 1, 10, late.astimezone(NEW_YORK)), rec(t1, 2, 1, just_after_midnight)],
    )

    def days(zone: ZoneInfo) -> list[tuple[date, int]]:
        report = usage_report(session, t1, date(2026, 3, 31), days=2, zone=zone)
        return [(d.day, d.bytes) for d in report.daily]

    assert days(ZoneInfo("UTC")) == [(date(2026, 3, 30), 11), (date(2026, 3, 31), 0)]
    assert days(KATHMANDU) == [(date(2026, 3, 30), 0), (date(2026, 3, 31), 11)]
    assert days(NEW_YORK) == [(date(2026, 3, 30), 11), (date(2026, 3, 31), 0)]


def test_rebuild_keeps_the_quarter_hours_insert_keeps(session: Session) -> None:
    """Both paths must key a quarter hour alike (SQLite compares the keys as text)."""
    t1 = ws(session, "T1")
    on_the_quarter = datetime(2026, 3, 30, 18, 15, tzinfo=UTC)
    add_recordings(session, [rec(t1, 1, 10, on_the_quarter)])
    rebuild_usage(session)
    add_recordings(session, [rec(t1, 2, 5, on_the_quarter + timedelta(minutes=14))])
    rows = session.execute(select(UsageSlot.starts_at, UsageSlot.bytes)).all()
    assert rows == [(on_the_quarter, 15)]


def test_rebuild_gives_the_rollups_insert_keeps(session: Session) -> None:
    t1, t2 = ws(session, "T1"), ws(session, "T2")
    recordings = [
        rec(t, n, n * 10, NOW - timedelta(hours=7 * n), f"g{n % 3}")
        for n in range(1, 60)
        for t in (t1, t2)
        if (n + t) % 2
    ]
    add_recordings(session, recordings)
    kept = [usage_report(session, t, NOW.date()) for t in (t1, t2)]

    rebuild_usage(session)

    assert [usage_report(session, t, NOW.date()) for t in (t1, t2)] == kept
    assert sum(k.total_bytes for k in kept) == session.scalar(select(func.sum(Recording.bytes)))


def test_deleting_old_recordings_updates_the_rollups(session: Session) -> None:
    t1 = ws(session, "T1")
    add_recordings(session, [rec(t1, 1, 100, NOW), rec(t1, 2, 40, NOW - timedelta(days=90))])

    assert delete_recordings_before(session, t1, NOW - timedelta(days=60)) == 1

    assert usage_total(session, t1) == (100, 1)
    assert [g.bytes for g in usage_by_group(session, t1)] == [100]
