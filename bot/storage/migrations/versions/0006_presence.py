"""Presence: members paused until a moment, and each group's self-service and mirror

Revision ID: 0006_presence
Revises: 0005
Create Date: 2026-11-29 22:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_presence"
# "undo" may add a 0006 of its own on another branch; the integrator chains them
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "group_settings",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("selfservice", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("mirror_usergroup", sa.String(length=32), nullable=True),
        sa.Column("mirror_reported", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_settings_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_settings")),
    )


def downgrade() -> None:
    op.drop_table("group_settings")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_column("paused_until")
