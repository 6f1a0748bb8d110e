"""Use cases: what a Slack command, a modal, the shell or the CLI asks groupbot to do.

The Slack surface calls these and nothing below them. Each method takes the acting user
(an ``Actor``) where rights matter, re-checks those rights itself, reaches the database
only through a unit of work, and writes to the PBX through the outbox.

CONTRACT (filled in by the storage work): signatures and result types below are what
``bot.commands`` and ``bot.shell`` code against; keep them stable or change both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Group


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the Slack surface established it on this very request."""

    team_id: str
    user_id: str  # Slack user id
    is_admin: bool  # workspace owner/admin (users.info) or listed in GROUPBOT_ADMINS


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


@dataclass(frozen=True)
class Revision:
    number: int
    at: datetime
    by: str  # Slack user id
    summary: str  # "added Dana", "renamed to Support", "created", "undo of #4"
    before: Group | None
    after: Group | None  # None for a delete


@dataclass(frozen=True)
class SaveResult:
    view: GroupView
    warnings: Sequence[str] = ()  # lint warnings worth showing after a save


GroupChange = Callable[[Group, Directory], Group]
"""A pure edit of a group (``lambda g, d: g.model_copy(...)``), applied to the latest
stored version inside the transaction."""


class Services:
    """Constructed once by ``bot.app`` with a unit-of-work factory, a PBX adapter and a clock."""

    # -- reading -----------------------------------------------------------------
    def list_groups(self, team_id: str) -> list[GroupView]:
        raise NotImplementedError

    def get_group(self, team_id: str, ref: str) -> GroupView:
        """By name (case-insensitive) or any of its extensions; ``NotFound`` says
        "No group 'x'. Did you mean 'Sales'?"."""
        raise NotImplementedError

    def directory(self, team_id: str) -> Directory:
        raise NotImplementedError

    def compiled(self, team_id: str, ref: str) -> GroupDocuments:
        raise NotImplementedError

    def history(self, team_id: str, ref: str, limit: int = 20) -> list[Revision]:
        raise NotImplementedError

    # -- people ------------------------------------------------------------------
    def pbx_user_for(self, team_id: str, slack_user_id: str, email: str | None) -> str:
        """The PBX user a Slack user maps to: the one linked explicitly, else the one with
        the same email. ``UserError`` naming the user when there is none."""
        raise NotImplementedError

    # -- writing (each: rights re-checked, group + revision + outbox in one commit,
    #    then the outbox pushed to the PBX) -----------------------------------------
    def create_group(self, actor: Actor, group: Group) -> SaveResult:
        raise NotImplementedError

    def change_group(
        self,
        actor: Actor,
        ref: str,
        change: GroupChange,
        *,
        summary: str,
        expected_version: int | None = None,
    ) -> SaveResult:
        """Apply ``change`` to the stored group. With ``expected_version`` (a modal's),
        a newer stored version raises ``Conflict`` "changed by <@U> at <time>; reopen to
        see the latest"."""
        raise NotImplementedError

    def delete_group(self, actor: Actor, ref: str) -> Revision:
        raise NotImplementedError

    def undo(self, actor: Actor, ref: str) -> SaveResult:
        """Restore the revision before the latest, as a new revision."""
        raise NotImplementedError

    def set_leads(self, actor: Actor, ref: str, leads: frozenset[str]) -> GroupView:
        """Admins only."""
        raise NotImplementedError

    def can_change(self, actor: Actor, view: GroupView) -> bool:
        return actor.is_admin or actor.user_id in view.leads
