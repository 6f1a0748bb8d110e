"""The tables, as typed SQLAlchemy 2.0 classes.

One PBX account holds a directory (users, devices, voicemail boxes, menus, media) and
groups. Every number that dials something in an account, a user's extension or a
group's extension or DID, is one row of ``account_numbers``, unique per account: the
database itself refuses a number used twice, whoever holds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.storage.db import Base, JsonValue, bigint, intpk, str32, str128, str255


class Account(Base):
    """A PBX account: the scope of names, numbers and the directory."""

    __tablename__ = "accounts"

    id: Mapped[str32] = mapped_column(primary_key=True)  # Kazoo account id
    created_at: Mapped[datetime]
    # ``recordings-sync`` with Kazoo: the end of the last window of the PBX's recordings
    # listed in full (docs/storage.md); None until the first run
    recordings_synced_to: Mapped[datetime | None]


class Workspace(Base):
    """A Slack workspace and the PBX account it manages."""

    __tablename__ = "workspaces"

    id: Mapped[intpk]
    team_id: Mapped[str32] = mapped_column(unique=True)
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Multi-workspace Kazoo install: the API key the PBX confirmed ``account_id`` by.
    # Never shown back; a workspace bound otherwise (local PBX, one-workspace install)
    # has none.
    pbx_api_key: Mapped[str128 | None]
    storage_limit_bytes: Mapped[bigint | None]
    alert_channel: Mapped[str32 | None]
    time_zone: Mapped[str128] = mapped_column(default="UTC")
    warn_percent: Mapped[int] = mapped_column(default=80)
    critical_percent: Mapped[int] = mapped_column(default=95)
    full_percent: Mapped[int] = mapped_column(default=100)
    # The random secret naming the workspace in its groups' groupbot recording URL, made
    # when first needed; looked up by its SHA-256 (docs/storage.md, "The endpoint").
    recording_secret: Mapped[str128 | None]
    recording_secret_sha256: Mapped[str128 | None] = mapped_column(unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str32 | None]


# -- the PBX directory ---------------------------------------------------------------


class PbxUser(Base):
    __tablename__ = "pbx_users"
    __table_args__ = (UniqueConstraint("account_id", "pbx_id"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_id: Mapped[str32]
    name: Mapped[str255]
    email: Mapped[str255 | None]
    slack_user: Mapped[str32 | None]
    main_callflow_id: Mapped[str32 | None]

    number: Mapped[AccountNumber | None] = relationship(lazy="selectin", viewonly=True)

    @property
    def extension(self) -> str | None:
        return self.number.number if self.number else None


class PbxDevice(Base):
    __tablename__ = "pbx_devices"
    __table_args__ = (UniqueConstraint("account_id", "pbx_id"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_id: Mapped[str32]
    name: Mapped[str255]
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("pbx_users.id", ondelete="SET NULL"), index=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    do_not_disturb: Mapped[bool] = mapped_column(default=False)


class PbxVoicemailBox(Base):
    __tablename__ = "pbx_vmboxes"
    __table_args__ = (UniqueConstraint("account_id", "pbx_id"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_id: Mapped[str32]
    name: Mapped[str255]
    mailbox: Mapped[str32]


class PbxMenu(Base):
    __tablename__ = "pbx_menus"
    __table_args__ = (UniqueConstraint("account_id", "pbx_id"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_id: Mapped[str32]
    name: Mapped[str255]
    callflow_id: Mapped[str32]


class PbxMedia(Base):
    __tablename__ = "pbx_media"
    __table_args__ = (UniqueConstraint("account_id", "pbx_id"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_id: Mapped[str32]
    name: Mapped[str255]


# -- groups -----------------------------------------------------------------------------


class GroupRecord(Base):
    """A ring group; ``version`` grows by one with every saved change (compare-and-set)."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("account_id", "pbx_group_id"),
        # names are unique per account, case-insensitively
        UniqueConstraint("account_id", "name_key"),
    )

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_group_id: Mapped[str32]
    base_callflow_id: Mapped[str32]
    user_callflow_id: Mapped[str32]
    base_number: Mapped[str32]
    name: Mapped[str128]
    name_key: Mapped[str128]
    repeats: Mapped[int]
    strategy: Mapped[str32]
    features: Mapped[JsonValue]
    version: Mapped[int]
    created_by: Mapped[str32]
    created_at: Mapped[datetime]
    updated_by: Mapped[str32]
    updated_at: Mapped[datetime]

    members: Mapped[list[GroupMember]] = relationship(
        order_by="GroupMember.position", lazy="selectin", viewonly=True
    )
    numbers: Mapped[list[AccountNumber]] = relationship(
        order_by="AccountNumber.position", lazy="selectin", viewonly=True
    )
    leads: Mapped[list[GroupLead]] = relationship(lazy="selectin", viewonly=True)


class GroupMember(Base):
    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "position"),
        # "the groups this person rings in": App Home's My groups, `/group pause all`
        Index("ix_group_members_user_id", "user_id"),
    )

    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    position: Mapped[int]
    user_id: Mapped[str32]  # PBX user id; not a foreign key: a user may leave the directory
    start_seconds: Mapped[int]
    end_seconds: Mapped[int]
    # the ring_group's disable_until: the PBX skips the member until then
    paused_until: Mapped[datetime | None]


class GroupSettings(Base):
    """What a group's leads decide beyond the group itself: whether members may join and
    leave on their own, and the Slack user group its members follow."""

    __tablename__ = "group_settings"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    selfservice: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    mirror_usergroup: Mapped[str32 | None]
    # Slack users of the user group already reported to the lead (no PBX user, or beyond
    # the member limit), so each is reported once
    mirror_reported: Mapped[JsonValue] = mapped_column(default=dict)


class GroupLead(Base):
    __tablename__ = "group_leads"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    slack_user: Mapped[str32] = mapped_column(primary_key=True)


class NumberKind:
    USER_EXTENSION = "user_extension"
    EXTENSION = "extension"  # a group's primary extension
    EXTRA_EXTENSION = "extra_extension"
    NUMBER = "number"  # a DID (or an adopted long number)


class AccountNumber(Base):
    """One number of an account and who answers it: a user or a group, never both."""

    __tablename__ = "account_numbers"
    __table_args__ = (
        UniqueConstraint("account_id", "number"),
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="exactly_one_owner"),
    )

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    number: Mapped[str32]
    kind: Mapped[str32]
    position: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("pbx_users.id", ondelete="CASCADE"), unique=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )


class GroupRevisionRecord(Base):
    """One saved change of a group: who, when, what, and the group before and after."""

    __tablename__ = "group_revisions"
    __table_args__ = (UniqueConstraint("account_id", "pbx_group_id", "number"),)

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_group_id: Mapped[str32]
    # kept after the group is deleted, so its history outlives it
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[int]
    at: Mapped[datetime]
    by: Mapped[str32]
    summary: Mapped[str255]
    before: Mapped[JsonValue | None]
    after: Mapped[JsonValue | None]
    # the number of the revision of this group that this one undid: undo steps back past it
    undoes: Mapped[int | None]
    # a deletion's: the document ids the group had, so a restore can take them again
    pbx_ids: Mapped[JsonValue | None]
    # a restore's: the id of the deletion it brought back, which is then not restorable
    restored_from: Mapped[int | None]


class OutboxEntry(Base):
    """A change the PBX has yet to acknowledge; ``documents`` lists (collection, id, doc)."""

    __tablename__ = "pbx_outbox"
    __table_args__ = (
        Index(
            "ix_pbx_outbox_pending",
            "account_id",
            "id",
            postgresql_where=text("acked_at IS NULL"),
            sqlite_where=text("acked_at IS NULL"),
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"))
    pbx_group_id: Mapped[str32] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(String(16))  # "upsert" | "delete"
    documents: Mapped[JsonValue]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    # SQLite: a dispatcher's claim of the group (set on its oldest pending entry) until then
    claimed_until: Mapped[datetime | None]


class PbxDocumentRecord(Base):
    """What the PBX last acknowledged of one document: a hash of the JSON written, so an
    outbox entry carries, and a push writes, only the documents that differ from it."""

    __tablename__ = "pbx_documents"

    account_id: Mapped[str32] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    collection: Mapped[str] = mapped_column(String(16), primary_key=True)
    doc_id: Mapped[str32] = mapped_column(primary_key=True)
    pbx_group_id: Mapped[str32] = mapped_column(index=True)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical JSON
    acked_at: Mapped[datetime]


# -- recordings and storage -----------------------------------------------------------


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        UniqueConstraint("workspace_id", "recording_id"),
        Index("ix_recordings_workspace_created", "workspace_id", "created_at"),
    )

    id: Mapped[bigint] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    pbx_group_id: Mapped[str32] = mapped_column(default="")  # "" when no group is known
    recording_id: Mapped[str128]  # the PBX's recording id, or ours for delivered files
    call_id: Mapped[str128]
    bytes: Mapped[bigint]
    duration_ms: Mapped[bigint]
    format: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))  # "pbx" | "endpoint"


class UsageSlot(Base):
    """Bytes and count of recordings per workspace and quarter hour (UTC start), kept with
    every insert. Quarter hours, not days: a workspace's days are its time zone's, and
    every zone in use is offset from UTC by a whole number of quarter hours (+05:45,
    +05:30, −03:30 …), so any zone's days are exact sums of slots, and a changed time
    zone needs no rebuild."""

    __tablename__ = "recording_usage_slots"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    bytes: Mapped[bigint]
    count: Mapped[bigint]


class UsageByGroup(Base):
    """Bytes and count of recordings per workspace and group, kept with every insert."""

    __tablename__ = "recording_usage_by_group"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    pbx_group_id: Mapped[str32] = mapped_column(primary_key=True)
    bytes: Mapped[bigint]
    count: Mapped[bigint]


class StorageAlertState(Base):
    """The last storage threshold announced to a workspace (re-armed when usage falls)."""

    __tablename__ = "storage_alert_state"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    last_percent: Mapped[int | None]
    changed_at: Mapped[datetime]
