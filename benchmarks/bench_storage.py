"""Recording-usage report at scale: 1,000,000 recordings over 200 groups and 3 workspaces.

Loads the recordings in bulk (executemany on SQLite, COPY on PostgreSQL), builds the
rollups, then times, in the same run, the full report data of every workspace (total,
bytes by group, 30-day series) against one bare ``SELECT sum(bytes) FROM recordings``.

    .venv/bin/python benchmarks/bench_storage.py                      # SQLite
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_storage.py                  # and PostgreSQL

PostgreSQL runs in a throwaway schema of that database, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from common import on_sqlite_and_postgres
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Account, Workspace
from bot.storage.recordings import NewRecording, add_recordings, rebuild_usage, usage_report

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
COLUMNS = (
    "workspace_id",
    "pbx_group_id",
    "recording_id",
    "call_id",
    "bytes",
    "duration_ms",
    "format",
    "created_at",
    "source",
)


def rows(
    count: int, groups: int, workspace_ids: list[int], days: int
) -> Iterator[tuple[object, ...]]:
    rng = random.Random(7)
    group_ids = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(groups)]
    span = days * 86400
    for n in range(count):
        duration_ms = rng.randint(5_000, 600_000)
        yield (
            workspace_ids[n % len(workspace_ids)],
            group_ids[rng.randrange(groups)],
            f"202603-{n:032x}",
            f"call-{n}",
            duration_ms * 16,  # 128 kbit/s mp3
            duration_ms,
            "mp3",
            NOW - timedelta(seconds=rng.randrange(span)),
            "pbx",
        )


def prepare(engine: Engine, workspaces: int) -> list[int]:
    with Session(engine) as session:
        session.add(Account(id="f" * 32, created_at=NOW))
        session.add_all(
            Workspace(team_id=f"TBENCH{i}", account_id="f" * 32, created_at=NOW, updated_at=NOW)
            for i in range(workspaces)
        )
        session.commit()
        return [w.id for w in session.query(Workspace).order_by(Workspace.id)]


def load_sqlite(engine: Engine, data: Iterator[tuple[object, ...]]) -> None:
    placeholders = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO recordings ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.executemany(
            sql,
            (
                (*row[:7], row[7].replace(tzinfo=None).isoformat(sep=" "), row[8])  # type: ignore[attr-defined]
                for row in data
            ),
        )
        raw.commit()
    finally:
        raw.close()


def load_postgres(engine: Engine, data: Iterator[tuple[object, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY recordings ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in data:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def timed(call: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs (after one warm-up run)."""
    call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        workspace_ids = prepare(engine, args.workspaces)
        data = rows(args.rows, args.groups, workspace_ids, args.days)
        start = time.perf_counter()
        (load_sqlite if name == "SQLite" else load_postgres)(engine, data)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        with Session(engine) as session:
            rebuild_usage(session)
            session.commit()
        rolled = time.perf_counter() - start
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()

        batch = [
            NewRecording(workspace_ids[0], f"live-{n}", f"c{n}", 1000, 1000, "mp3", NOW, "pbx", "g")
            for n in range(1000)
        ]
        start = time.perf_counter()
        with Session(engine) as session:
            add_recordings(session, batch)
            session.commit()
        live = time.perf_counter() - start

        def report() -> None:
            with Session(engine) as session:
                for workspace_id in workspace_ids:
                    usage_report(session, workspace_id, NOW.date())

        def bare_scan() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT sum(bytes) FROM recordings")).scalar()

        full = timed(report, args.repeat)
        scan = timed(bare_scan, args.repeat)
        print(
            f"{name}: {args.rows:,} recordings, {args.groups} groups, {args.workspaces} workspaces"
        )
        print(
            f"  bulk load {loaded:.1f} s ({args.rows / loaded:,.0f} rows/s); "
            f"rollups rebuilt in {rolled:.2f} s"
        )
        print(f"  1,000 live inserts with rollups kept: {live * 1000:.1f} ms")
        print(f"  full report data, {args.workspaces} workspaces: {full * 1000:.2f} ms")
        print(f"  bare SELECT sum(bytes) FROM recordings: {scan * 1000:.2f} ms")
        print(f"  ratio report / bare scan: {full / scan:.4f}")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--workspaces", type=int, default=3)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()

    on_sqlite_and_postgres(lambda name, url: bench(name, url, args), args.postgres)


if __name__ == "__main__":
    main()
