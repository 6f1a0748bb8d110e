"""Recordings: the workspace's secret in groupbot's recording URL, Kazoo's sync mark

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
# 0004 is made on another branch; the integrator chains this one after it
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_secret", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("recording_secret_sha256", sa.String(length=128), nullable=True)
        )
        batch_op.create_unique_constraint(
            op.f("uq_workspaces_recording_secret_sha256"), ["recording_secret_sha256"]
        )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recordings_synced_to", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("recordings_synced_to")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_workspaces_recording_secret_sha256"), type_="unique")
        batch_op.drop_column("recording_secret_sha256")
        batch_op.drop_column("recording_secret")
