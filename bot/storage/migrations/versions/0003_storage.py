"""Storage reports: usage per quarter hour (the workspace's local days), the scheduler's jobs

The daily rollup kept UTC days; a workspace's report counts its own days, so usage is now
rolled up per quarter hour and summed into local days when read (``bot.storage.recordings``).
``apscheduler_jobs`` is APScheduler 3's ``SQLAlchemyJobStore`` table, made here exactly as
the job store would make it, so ``groupbot clock`` needs no DDL rights and the release
step owns every table (tests/storage/test_migrations.py compares it with the job store's).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# a recording's quarter hour, as each dialect keeps datetimes (SQLite: naive UTC text in
# SQLAlchemy's own format, so the rollup's keys compare equal to those it binds)
SLOT = {
    "postgresql": "to_timestamp(floor(extract(epoch from created_at) / 900) * 900)",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S.000000', "
    "(CAST(strftime('%s', created_at) AS INTEGER) / 900) * 900, 'unixepoch')",
}
DAY = {"postgresql": "CAST(timezone('UTC', created_at) AS DATE)", "sqlite": "date(created_at)"}


def _usage_table(name: str, key: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        key,
        sa.Column("bytes", BIGINT, nullable=False),
        sa.Column("count", BIGINT, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f(f"fk_{name}_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", str(key.name), name=op.f(f"pk_{name}")),
    )


def _fill(table: str, key: str, expression: str) -> None:
    op.execute(
        f"INSERT INTO {table} (workspace_id, {key}, bytes, count) "
        f"SELECT workspace_id, {expression}, sum(bytes), count(*) FROM recordings "
        f"GROUP BY workspace_id, {expression}"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _usage_table(
        "recording_usage_slots", sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False)
    )
    _fill("recording_usage_slots", "starts_at", SLOT[dialect])
    op.drop_table("recording_usage_daily")
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"], unique=False
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_index("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
    _usage_table("recording_usage_daily", sa.Column("day", sa.Date(), nullable=False))
    _fill("recording_usage_daily", "day", DAY[dialect])
    op.drop_table("recording_usage_slots")
