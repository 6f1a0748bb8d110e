"""The daily storage report with its chart, for one workspace of 1,000,000 recordings.

Loads the recordings in bulk (as bench_storage.py does: 200 groups over a year), builds
the rollups, then times, in the same run, what the ``storage-report`` job does before it
posts: ``services.storage_report`` (total, groups using the most and their names, the
30 local days, the forecast), the Block Kit message, and the PNG chart; beside one bare
``SELECT sum(bytes) FROM recordings``. Peak memory is Python's (tracemalloc), measured
on a separate run so its bookkeeping does not slow the timed ones.

    .venv/bin/python benchmarks/bench_report.py                      # SQLite
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/bench_report.py                  # and PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bench_storage import NOW, load_postgres, load_sqlite, rows, timed
from common import on_sqlite_and_postgres
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.commands.views import storage_chart, storage_report_message
from bot.pbx.local import LocalPbx
from bot.services import Actor, ServiceOptions, Services, WorkspaceSettings
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import Workspace
from bot.storage.recordings import rebuild_usage
from bot.storage.unit_of_work import unit_of_work_factory

TEAM = "TBENCH"
ACCOUNT = "f" * 32


def peak_mb(call: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def bench(name: str, url: str, args: argparse.Namespace) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with tempfile.TemporaryDirectory() as folder:
            services = Services(
                unit_of_work_factory(make_session_factory(engine)),
                LocalPbx(Path(folder)),
                lambda: NOW,
                ServiceOptions(default_account_id=ACCOUNT),
            )
            admin = Actor(TEAM, "UBENCH", is_admin=True)
            zone = "America/New_York"
            services.setup_workspace(admin, WorkspaceSettings(TEAM, ACCOUNT, time_zone=zone))
            with Session(engine) as session:
                workspace_id = session.query(Workspace.id).filter_by(team_id=TEAM).scalar()
            start = time.perf_counter()
            data = rows(args.rows, args.groups, [workspace_id], args.days)
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
            # a limit the last 30 days' pace reaches in a few months: a forecast to draw
            limit = services.storage_report(TEAM).used_bytes * 5 // 4
            services.setup_workspace(
                admin, WorkspaceSettings(TEAM, ACCOUNT, limit, "CBENCH", time_zone=zone)
            )

            def figures() -> object:
                return services.storage_report(TEAM)

            def report() -> object:
                shown = services.storage_report(TEAM)
                storage_report_message(shown)
                return storage_chart.render_png(shown)

            def bare_scan() -> None:
                with engine.connect() as conn:
                    conn.execute(text("SELECT sum(bytes) FROM recordings")).scalar()

            data_only = timed(figures, args.repeat)
            whole = timed(report, args.repeat)
            scan = timed(bare_scan, args.repeat)
            memory = peak_mb(report)
            shown = services.storage_report(TEAM)
            print(f"{name}: {args.rows:,} recordings in one workspace, {args.groups} groups")
            print(f"  bulk load {loaded:.1f} s; rollups rebuilt in {rolled:.2f} s")
            print(
                f"  report: {shown.used_bytes / 1e9:,.1f} GB, {shown.recordings:,} recordings, "
                f"30-day growth {shown.growth_30d / 1e9:,.1f} GB, forecast {shown.forecast}"
            )
            print(f"  report figures (services.storage_report): {data_only * 1000:.1f} ms")
            print(f"  report with message and PNG chart: {whole * 1000:.1f} ms")
            print(f"  peak Python memory of one report with chart: {memory:.1f} MB")
            print(f"  bare SELECT sum(bytes) FROM recordings: {scan * 1000:.1f} ms")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()

    on_sqlite_and_postgres(lambda name, url: bench(name, url, args), args.postgres)


if __name__ == "__main__":
    main()
