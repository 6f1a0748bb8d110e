"""Undo steps back, a deleted group comes back: a revision names the revision it undid,
a deletion keeps the group's PBX document ids

Revision ID: 0006_undo
Revises: 0006_presence
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_undo"
down_revision: str | None = "0006_presence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undoes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pbx_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.drop_column("pbx_ids")
        batch_op.drop_column("undoes")
