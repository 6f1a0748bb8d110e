"""What the PBX last acknowledged of each document (pbx_documents); outbox claims

An outbox entry carries, and a push writes, only the documents whose JSON differs from
what the PBX last took (``bot.services.outbox``). ``pbx_outbox.claimed_until``: on SQLite,
which has no row locks, a dispatcher claims a group for a while by its oldest pending
entry, so no other process sends a later entry of it first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pbx_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "pbx_documents",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("collection", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_documents_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "collection", "doc_id", name=op.f("pk_pbx_documents")
        ),
    )
    with op.batch_alter_table("pbx_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pbx_documents_pbx_group_id"), ["pbx_group_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pbx_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pbx_documents_pbx_group_id"))
    op.drop_table("pbx_documents")
    with op.batch_alter_table("pbx_outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
