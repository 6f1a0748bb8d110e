"""A restore names the deletion it brought back, so that deletion is not restored twice

Revision ID: 0007_restored_from
Revises: 0006_undo
Create Date: 2026-11-29 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_restored_from"
down_revision: str | None = "0006_undo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restored_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.drop_column("restored_from")
