"""What every use case shares: the wiring, the account of a workspace, finding a group,
rights, and turning rows into views."""

from __future__ import annotations

import difflib
import secrets
import threading
from collections.abc import Iterable
from datetime import datetime

from bot.engine.model import Group
from bot.errors import Conflict, Forbidden, NotFound, UserError
from bot.pbx import Pbx, PbxUnreachable
from bot.services.types import AccountBinding, Actor, Clock, GroupView, ServiceOptions
from bot.storage.mapping import StoredGroup, stored_of
from bot.storage.portable_groups import SLACK_USER_ID
from bot.storage.repositories import GroupRecord
from bot.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

NOT_CONNECTED = (
    "This workspace is not connected to a PBX account yet; an admin can connect it in /group setup."
)


class ServiceBase:
    """Constructed once by ``bot.app`` with a unit-of-work factory, a PBX adapter and a clock."""

    def __init__(
        self, uow: UnitOfWorkFactory, pbx: Pbx, clock: Clock, options: ServiceOptions
    ) -> None:
        self._uow = uow
        self._pbx = pbx
        self._clock = clock
        self.options = options
        # one pusher at a time in this process, so an older document never lands last
        self._push_lock = threading.Lock()
        # per account, over Kazoo in a multi-workspace install (``_pbx_for``)
        self._adapters: dict[tuple[str, str], Pbx] = {}
        self._adapters_lock = threading.Lock()

    def _account(self, uow: UnitOfWork, team_id: str) -> str:
        """The PBX account of ``team_id``'s workspace: every group, directory and outbox
        read or write goes through here, so a request only reaches its own workspace's
        account. A multi-workspace install shares no account: a workspace has the one
        bound to it, or (local PBX) a new one of its own from its first request, or
        (Kazoo) none until an admin connects it in /group setup."""
        row = uow.workspaces.get(team_id)
        binding = self.options.binding
        if row is not None and (binding is not AccountBinding.CREDENTIALS or row.pbx_api_key):
            return row.account_id
        if self.options.default_account_id is not None:
            return self.options.default_account_id
        if not team_id:
            raise UserError("This request does not say which Slack workspace it comes from.")
        if binding is AccountBinding.LOCAL:
            return self._claim_local_account(team_id)
        raise UserError(NOT_CONNECTED)

    def _pbx_for(self, account: str) -> Pbx:
        """The adapter that reads and writes ``account`` on the PBX, never another's: the
        configured one when it is that account's (the local folder's ids are unique across
        accounts); over Kazoo, for a workspace bound to another account, a client with
        the API key its admin connected it with. ``PbxUnreachable`` when there is none."""
        own = getattr(self._pbx, "account_id", None)
        if own is None or own == account:
            return self._pbx
        with self._uow() as uow:
            key = uow.workspaces.api_key_of_account(account)
        connect = self.options.connect_account
        if connect is None or not key:
            raise PbxUnreachable(
                "no API key connects this PBX account; an admin connects it in /group setup"
            )
        with self._adapters_lock:
            adapter = self._adapters.get((account, key))
            if adapter is None:
                adapter = self._adapters[(account, key)] = connect(account, key)
        return adapter

    def _default_account(self) -> str:
        """The account of what the operator runs naming no workspace (the CLI, the shell):
        there is one only in a one-workspace install."""
        if self.options.default_account_id is None:
            raise UserError(
                "Each Slack workspace of this install has its own PBX account: "
                "name the workspace (--workspace T…)."
            )
        return self.options.default_account_id

    def _claim_local_account(self, team_id: str) -> str:
        """A new local account for a workspace seen for the first time, committed at once
        (whatever the caller's transaction does) so it is the same on every request."""
        with self._uow() as uow:
            row = uow.workspaces.claim(team_id, secrets.token_hex(16), self._clock())
            account = row.account_id
            uow.commit()
            return account

    def _account_for_write(self, uow: UnitOfWork, team_id: str, now: datetime) -> str:
        account = self._account(uow, team_id)
        uow.workspaces.ensure_account(account, now)
        return account

    def _find(self, uow: UnitOfWork, account: str, ref: str) -> GroupRecord:
        record = uow.groups.find(account, ref)
        if record is not None:
            return record
        names = uow.groups.names(account)
        folded = {name.casefold(): name for name in names}
        close = difflib.get_close_matches(ref.strip().casefold(), [*folded], n=1, cutoff=0.5)
        if close:
            raise NotFound(f"No group '{ref}'. Did you mean '{folded[close[0]]}'?")
        if names:
            raise NotFound(f"No group '{ref}'. `/group list` shows them all.")
        raise NotFound(f"No group '{ref}': there are no groups yet. `/group create` makes one.")

    def _is_lead(self, actor: Actor, record: GroupRecord) -> bool:
        """An admin, or one of the group's leads (``leads_of``)."""
        return actor.is_admin or actor.leads(leads_of(record))

    def _require_lead(self, actor: Actor, record: GroupRecord) -> None:
        leads = leads_of(record)
        if actor.is_admin or actor.leads(leads):
            return
        if actor.outsider:
            raise Forbidden(
                f"You are from another Slack organisation: you can look at {record.name} "
                "but not change it."
            )
        who = ", ".join(f"<@{u}>" for u in sorted(leads))
        raise Forbidden(
            f"Only admins and the leads of {record.name} ({who}) can change it; "
            "everyone else can look."
        )

    def _view_of(
        self, uow: UnitOfWork, record: GroupRecord, group: Group | None = None
    ) -> GroupView:
        """The view of one group: its members' names and its pending flag, two queries;
        ``group`` is the record's, when the caller has just written it."""
        stored, account = stored_of(record, group), record.account_id
        names = uow.directory.user_names(account, {m.user_id for m in stored.group.members})
        group_id = [stored.ids.group_id]
        pending = uow.outbox.pending_groups(account, group_id)
        return view_of(stored, names, pending, uow.outbox.reasons(account, group_id))


def view_of(
    stored: StoredGroup,
    names: dict[str, str],
    pending: set[str],
    reasons: dict[str, str] | None = None,
) -> GroupView:
    group = stored.group
    return GroupView(
        id=stored.id,
        pbx=stored.ids,
        group=group,
        version=stored.version,
        created_by=stored.created_by,
        leads=with_creator(stored.leads, stored.created_by),
        updated_at=stored.updated_at,
        updated_by=stored.updated_by,
        pbx_pending=stored.ids.group_id in pending,
        pbx_reason=(reasons or {}).get(stored.ids.group_id),
        member_names={m.user_id: names[m.user_id] for m in group.members if m.user_id in names},
    )


def conflict(record: GroupRecord) -> Conflict:
    at = record.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return Conflict(
        f"{record.name} was changed by <@{record.updated_by}> at {at}; reopen to see the latest."
    )


def leads_of(record: GroupRecord) -> frozenset[str]:
    """The Slack users who lead the group: its leads, and its creator (``with_creator``)."""
    return with_creator((lead.slack_user for lead in record.leads), record.created_by)


def with_creator(leads: Iterable[str], created_by: str) -> frozenset[str]:
    """A group's leads: those named, and whoever created it when that was a Slack user
    (a group ``groupbot import`` made was created by the command line, no one's lead)."""
    creator = {created_by} if SLACK_USER_ID.fullmatch(created_by) else set()
    return frozenset(leads) | creator
