"""Initial schema: workspaces, the PBX directory, groups, outbox, recordings, Slack stores

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:34:47.737609
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("base_callflow_id", sa.String(length=32), nullable=False),
        sa.Column("user_callflow_id", sa.String(length=32), nullable=False),
        sa.Column("base_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("name_key", sa.String(length=128), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_groups_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("account_id", "name_key", name=op.f("uq_groups_account_id_name_key")),
        sa.UniqueConstraint(
            "account_id", "pbx_group_id", name=op.f("uq_groups_account_id_pbx_group_id")
        ),
    )
    op.create_table(
        "pbx_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_media_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_media")),
        sa.UniqueConstraint("account_id", "pbx_id", name=op.f("uq_pbx_media_account_id_pbx_id")),
    )
    op.create_table(
        "pbx_menus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("callflow_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_menus_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_menus")),
        sa.UniqueConstraint("account_id", "pbx_id", name=op.f("uq_pbx_menus_account_id_pbx_id")),
    )
    op.create_table(
        "pbx_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("op", sa.String(length=16), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_outbox_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_outbox")),
    )
    with op.batch_alter_table("pbx_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pbx_outbox_pbx_group_id"), ["pbx_group_id"], unique=False
        )
        batch_op.create_index(
            "ix_pbx_outbox_pending",
            ["account_id", "id"],
            unique=False,
            postgresql_where=sa.text("acked_at IS NULL"),
            sqlite_where=sa.text("acked_at IS NULL"),
        )

    op.create_table(
        "pbx_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("slack_user", sa.String(length=32), nullable=True),
        sa.Column("main_callflow_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_users_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_users")),
        sa.UniqueConstraint("account_id", "pbx_id", name=op.f("uq_pbx_users_account_id_pbx_id")),
    )
    op.create_table(
        "pbx_vmboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mailbox", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_vmboxes_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_vmboxes")),
        sa.UniqueConstraint("account_id", "pbx_id", name=op.f("uq_pbx_vmboxes_account_id_pbx_id")),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column(
            "storage_limit_bytes",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("alert_channel", sa.String(length=32), nullable=True),
        sa.Column("time_zone", sa.String(length=128), nullable=False),
        sa.Column("warn_percent", sa.Integer(), nullable=False),
        sa.Column("critical_percent", sa.Integer(), nullable=False),
        sa.Column("full_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_workspaces_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("team_id", name=op.f("uq_workspaces_team_id")),
    )
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workspaces_account_id"), ["account_id"], unique=False)

    op.create_table(
        "account_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (group_id IS NULL)",
            name=op.f("ck_account_numbers_exactly_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_numbers_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_account_numbers_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["pbx_users.id"],
            name=op.f("fk_account_numbers_user_id_pbx_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_numbers")),
        sa.UniqueConstraint(
            "account_id", "number", name=op.f("uq_account_numbers_account_id_number")
        ),
        sa.UniqueConstraint("user_id", name=op.f("uq_account_numbers_user_id")),
    )
    with op.batch_alter_table("account_numbers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_numbers_group_id"), ["group_id"], unique=False)

    op.create_table(
        "group_leads",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("slack_user", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_leads_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "slack_user", name=op.f("pk_group_leads")),
    )
    op.create_table(
        "group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("start_seconds", sa.Integer(), nullable=False),
        sa.Column("end_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_members_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "group_id", "position", name=op.f("uq_group_members_group_id_position")
        ),
    )
    op.create_table(
        "group_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(length=255), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_group_revisions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_revisions_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_revisions")),
        sa.UniqueConstraint(
            "account_id",
            "pbx_group_id",
            "number",
            name=op.f("uq_group_revisions_account_id_pbx_group_id_number"),
        ),
    )
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_revisions_group_id"), ["group_id"], unique=False)

    op.create_table(
        "pbx_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("pbx_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("do_not_disturb", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_pbx_devices_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["pbx_users.id"],
            name=op.f("fk_pbx_devices_owner_id_pbx_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pbx_devices")),
        sa.UniqueConstraint("account_id", "pbx_id", name=op.f("uq_pbx_devices_account_id_pbx_id")),
    )
    with op.batch_alter_table("pbx_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pbx_devices_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "recording_usage_by_group",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_recording_usage_by_group_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "pbx_group_id", name=op.f("pk_recording_usage_by_group")
        ),
    )
    op.create_table(
        "recording_usage_daily",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_recording_usage_daily_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "day", name=op.f("pk_recording_usage_daily")),
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("pbx_group_id", sa.String(length=32), nullable=False),
        sa.Column("recording_id", sa.String(length=128), nullable=False),
        sa.Column("call_id", sa.String(length=128), nullable=False),
        sa.Column("bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "duration_ms", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_recordings_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint(
            "workspace_id", "recording_id", name=op.f("uq_recordings_workspace_id_recording_id")
        ),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recordings_workspace_created", ["workspace_id", "created_at"], unique=False
        )

    op.create_table(
        "storage_alert_state",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("last_percent", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_storage_alert_state_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_storage_alert_state")),
    )

    _create_slack_tables()


def _create_slack_tables() -> None:
    """The tables slack_sdk's SQLAlchemy installation and OAuth-state stores use, as
    slack_sdk 3.x builds them (a test compares them with the SDK's own definitions)."""
    op.create_table(
        "slack_installations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("user_token", sa.String(200)),
        sa.Column("user_scopes", sa.String(1000)),
        sa.Column("user_refresh_token", sa.String(200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(200)),
        sa.Column("incoming_webhook_channel", sa.String(200)),
        sa.Column("incoming_webhook_channel_id", sa.String(200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table(
        "slack_bots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=False),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("bot_token", sa.String(200)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.String(1000)),
        sa.Column("bot_refresh_token", sa.String(200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "slack_bots_idx", "slack_bots", ["client_id", "enterprise_id", "team_id", "installed_at"]
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("slack_oauth_states", "slack_bots", "slack_installations"):
        op.drop_table(table)
    op.drop_table("storage_alert_state")
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index("ix_recordings_workspace_created")

    op.drop_table("recordings")
    op.drop_table("recording_usage_daily")
    op.drop_table("recording_usage_by_group")
    with op.batch_alter_table("pbx_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pbx_devices_owner_id"))

    op.drop_table("pbx_devices")
    with op.batch_alter_table("group_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_revisions_group_id"))

    op.drop_table("group_revisions")
    op.drop_table("group_members")
    op.drop_table("group_leads")
    with op.batch_alter_table("account_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_numbers_group_id"))

    op.drop_table("account_numbers")
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workspaces_account_id"))

    op.drop_table("workspaces")
    op.drop_table("pbx_vmboxes")
    op.drop_table("pbx_users")
    with op.batch_alter_table("pbx_outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_pbx_outbox_pending",
            postgresql_where=sa.text("acked_at IS NULL"),
            sqlite_where=sa.text("acked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_pbx_outbox_pbx_group_id"))

    op.drop_table("pbx_outbox")
    op.drop_table("pbx_menus")
    op.drop_table("pbx_media")
    op.drop_table("groups")
    op.drop_table("accounts")
