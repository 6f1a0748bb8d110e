"""What the services take and give back: plain frozen dataclasses, no database rows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import overload

from bot.engine.documents import PbxIds
from bot.engine.edits import Edit
from bot.engine.model import Features, Group
from bot.pbx import AccountBinder, Pbx


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the Slack surface established it on this very request."""

    team_id: str
    user_id: str  # Slack user id
    is_admin: bool  # workspace owner/admin (users.info) or listed in GROUPBOT_ADMINS
    # from another Slack organisation (a shared channel): everyone else's rights, never
    # an admin's or a lead's, whatever list their id is on
    outsider: bool = False
    # their Slack profile's email as Slack said it on this request (users.info), never a
    # value they typed: how a person with no link is found in the PBX directory
    email: str | None = None

    def leads(self, leads: Collection[str]) -> bool:
        """Whether this actor is one of ``leads`` (an outsider never is)."""
        return not self.outsider and self.user_id in leads


@dataclass(frozen=True)
class GroupView:
    """A stored group as the surfaces show it."""

    id: int  # our database id
    pbx: PbxIds
    group: Group
    version: int  # for optimistic locking: pass it back when saving a modal
    created_by: str  # Slack user id
    leads: frozenset[str]  # Slack user ids (the creator included)
    updated_at: datetime
    updated_by: str
    pbx_pending: bool  # an outbox entry for this group has not reached the PBX yet
    member_names: dict[str, str] = field(default_factory=dict)  # PBX user id -> name
    # why the PBX has not taken it (its refusal, or why it could not be reached), once tried
    pbx_reason: str | None = None
    # what looks wrong in it (lint), filled where all of them are shown (`/group show`)
    warnings: tuple[str, ...] = ()
    # the groups whose unanswered calls go to this one, by name: deleting it is refused
    # while any do, so its Delete button says so instead of asking to confirm
    sent_to_by: tuple[str, ...] = ()
    # the Slack user group its members follow (`/group mirror`), filled for `/group show`
    mirrors: str | None = None

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def extension(self) -> str:
        return self.group.extension

    def summary(self) -> GroupSummary:
        group = self.group
        return GroupSummary(
            id=self.id,
            version=self.version,
            name=group.name,
            extension=group.extension,
            extra_extensions=group.extra_extensions,
            numbers=group.numbers,
            member_count=len(group.members),
            features=group.features,
            leads=self.leads,
            pbx_pending=self.pbx_pending,
            pbx_reason=self.pbx_reason,
            sent_to_by=self.sent_to_by,
        )


@dataclass(frozen=True)
class OpenedGroup:
    """The group a form was opened for, as the form showed it: by its PBX group id, which
    no rename or renumbering changes and no new group reuses, at ``version``. A form's
    save or delete goes to this group only, and only while it is still at ``version``;
    ``name`` and ``extension`` let the refusal say what changed."""

    pbx_group_id: str
    version: int
    name: str
    extension: str


@dataclass(frozen=True)
class GroupSummary:
    """A stored group as lists show it (``/group list``, App Home): one line and its
    buttons. Read without building (or re-validating) the whole ``Group``."""

    id: int  # our database id
    version: int
    name: str
    extension: str
    extra_extensions: tuple[str, ...]
    numbers: tuple[str, ...]
    member_count: int
    features: Features
    leads: frozenset[str]  # Slack user ids (the creator included)
    pbx_pending: bool
    pbx_reason: str | None = None  # why the PBX has not taken it, once tried
    sent_to_by: tuple[str, ...] = ()  # as GroupView's


@dataclass(frozen=True)
class Membership:
    """A group someone rings in, as App Home's "My groups" lists it."""

    id: int  # our database id
    name: str
    extension: str
    version: int
    paused_until: datetime | None  # their pause in this group, if any (maybe passed)


@dataclass(frozen=True)
class Revision:
    number: int
    at: datetime
    by: str  # Slack user id of who did it (a surface shows it as a mention)
    # what changed, in plain text with names (no Slack markup, no ids), from the diff:
    # "created", "renamed Sales → Inside Sales; added Dana Lee", "undo of #4: …", "deleted"
    summary: str
    before: Group | None
    after: Group | None  # None for a delete
    undoes: int | None = None  # an undo: the number of the revision it undid
    undone: bool = False  # a later undo reverted this one


@dataclass(frozen=True)
class History(Sequence[Revision]):
    """The newest revisions of a group, newest first, and how many it has in all."""

    revisions: tuple[Revision, ...]
    total: int

    @overload
    def __getitem__(self, index: int) -> Revision: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Revision]: ...
    def __getitem__(self, index: int | slice) -> Revision | Sequence[Revision]:
        return self.revisions[index]

    def __len__(self) -> int:
        return len(self.revisions)


@dataclass(frozen=True)
class SaveResult:
    view: GroupView
    warnings: Sequence[str] = ()  # lint warnings worth showing after a save
    # set when the change is stored but the PBX has not taken it (it stays queued)
    pbx_error: str | None = None
    # what the history recorded for this save (``Revision.summary``); "no change" if none
    summary: str = ""
    # the group's name before this save ("Renamed Sales → Inside Sales"); "" for a new one
    was: str = ""


class AccountBinding(StrEnum):
    """How a workspace comes by its PBX account (``ServiceOptions.binding``)."""

    TYPED = "typed"  # one-workspace install: the admin names it (KAZOO_ACCOUNT_ID by default)
    LOCAL = "local"  # multi-workspace, local PBX: a new account of its own, made on first sight
    CREDENTIALS = "credentials"  # multi-workspace, Kazoo: the account its API key is of


@dataclass(frozen=True)
class WorkspaceSettings:
    """What ``/group setup`` shows and saves. Field names key ``FieldErrors``; a PBX API
    key is taken by ``setup_workspace`` apart, and never given back."""

    team_id: str
    account_id: str  # "" while a workspace to be bound by credentials is not connected
    storage_limit_bytes: int | None = None
    alert_channel: str | None = None
    time_zone: str = "UTC"
    warn_percent: int = 80
    critical_percent: int = 95
    full_percent: int = 100
    configured: bool = False  # False: nothing saved yet, these are the defaults
    binding: AccountBinding = AccountBinding.TYPED
    # the groups of ``account_id``: another account shows its own instead (setup says so)
    group_count: int = 0


@dataclass(frozen=True)
class DirectoryImport:
    account_id: str
    users: int
    devices: int
    voicemail_boxes: int
    menus: int
    media: int
    warnings: Sequence[str] = ()
    changed: bool = True  # False: the directory already was what was read or imported


@dataclass(frozen=True)
class OutboxPush:
    """What one push of the pending PBX outbox did, by group name."""

    pushed: tuple[str, ...] = ()  # groups whose pending change the PBX has now taken
    failed: tuple[tuple[str, str], ...] = ()  # (group, why the PBX did not take it)
    refused: tuple[str, ...] = ()  # of ``failed``, the groups the PBX refused (not down)
    writes: int = 0  # documents written or removed


@dataclass(frozen=True)
class PendingDocument:
    """A document a push would write (or remove) now: ``groupbot sync --dry-run``."""

    group: str  # the group's name (or the name it had, for a deletion)
    collection: str
    doc_id: str
    removal: bool


@dataclass(frozen=True)
class ServiceOptions:
    """What the services take from ``Settings``: where a workspace's PBX account comes from.

    One-workspace install: ``default_account_id`` (KAZOO_ACCOUNT_ID or a local one) until
    an admin names another in /group setup. Multi-workspace (OAuth) install: no account
    is shared (``default_account_id`` None); with a ``binder`` (Kazoo) a workspace has
    the account the PBX confirms for the API key its admin gives in /group setup, and
    none until then; without one (the local PBX) each workspace gets a new account of
    its own when it is first seen.
    """

    default_account_id: str | None = None
    binder: AccountBinder | None = None
    # RECORDINGS_DIR, whose files ``recordings-sync`` counts (the file backend); None: none
    recordings_dir: Path | None = None
    # over Kazoo with a binder: the adapter of another account, from the API key its
    # workspace connected (``ServiceBase._pbx_for``)
    connect_account: Callable[[str, str], Pbx] | None = None
    # GROUPBOT_PUBLIC_URL: where the PBX reaches groupbot's recording endpoint; None: off
    public_url: str | None = None

    @property
    def binding(self) -> AccountBinding:
        if self.default_account_id is not None:
            return AccountBinding.TYPED
        return AccountBinding.LOCAL if self.binder is None else AccountBinding.CREDENTIALS


GroupChange = Edit
"""A pure edit of a group (``bot.engine.edits``), applied to the latest stored version
inside the transaction."""

Clock = Callable[[], datetime]

__all__ = [
    "AccountBinding",
    "Actor",
    "Clock",
    "DirectoryImport",
    "GroupChange",
    "GroupView",
    "OpenedGroup",
    "OutboxPush",
    "Revision",
    "SaveResult",
    "ServiceOptions",
    "WorkspaceSettings",
]
