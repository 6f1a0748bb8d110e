"""Use cases: what a Slack command, a modal, the shell or the CLI asks groupbot to do.

The Slack surface calls these and nothing below them. Each method takes the acting user
(an ``Actor``) where rights matter, re-checks those rights itself, reaches the database
only through a unit of work, and writes to the PBX through the outbox.

CONTRACT: signatures and result types below are what ``bot.commands`` and ``bot.shell``
code against; keep them stable or change both sides.

How a write reaches the PBX. The group row, its revision and an outbox entry holding
the compiled documents are committed in one transaction; only then is the outbox
pushed to the PBX and the entry acknowledged. When the PBX does not take it:

- ``create_group``, ``change_group`` and ``undo`` still return their ``SaveResult``;
  ``result.pbx_error`` holds the reason, ``result.view.pbx_pending`` is true, and
  ``result.warnings`` ends with a sentence saying so, ready to show as it is;
- ``delete_group`` raises ``PbxUnavailable`` *after* the deletion is committed: its
  message says the group is deleted and the PBX will be updated later.

The entry stays pending and is pushed again after the next change in the account.

Rights: admins do everything; a group's leads (its creator and anyone an admin names)
change and delete it; everyone else reads. Creating a group is for admins.
"""

from __future__ import annotations

import difflib
import threading
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.engine.compiler import CompileError, compile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.lint import lint
from bot.engine.model import Group
from bot.engine.validation import GroupRejected, check_in_account, parse_group
from bot.errors import (
    Conflict,
    FieldErrors,
    Forbidden,
    NotAvailableYet,
    NotFound,
    PbxUnavailable,
    UserError,
)
from bot.pbx import Pbx, PbxError
from bot.storage.directory_file import DirectoryData, demo_directory_text, load_directory_yaml
from bot.storage.directory_import import replace_directory
from bot.storage.mapping import group_from_json, group_of, ids_of
from bot.storage.models import GroupRecord, GroupRevisionRecord, Workspace
from bot.storage.portable_groups import export_groups, parse_portable_groups
from bot.storage.unit_of_work import UnitOfWork, UnitOfWorkFactory


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
    # set when the change is stored but the PBX has not taken it (it stays queued)
    pbx_error: str | None = None


@dataclass(frozen=True)
class WorkspaceSettings:
    """What ``/group setup`` shows and saves. Field names key ``FieldErrors``."""

    team_id: str
    account_id: str
    storage_limit_bytes: int | None = None
    alert_channel: str | None = None
    time_zone: str = "UTC"
    warn_percent: int = 80
    critical_percent: int = 95
    full_percent: int = 100
    configured: bool = False  # False: nothing saved yet, these are the defaults


@dataclass(frozen=True)
class DirectoryImport:
    account_id: str
    users: int
    devices: int
    voicemail_boxes: int
    menus: int
    media: int
    warnings: Sequence[str] = ()


@dataclass(frozen=True)
class ServiceOptions:
    """What the services take from ``Settings``."""

    # the PBX account of a workspace that has not been set up (KAZOO_ACCOUNT_ID or a local one)
    default_account_id: str


GroupChange = Callable[[Group, Directory], Group]
"""A pure edit of a group (``lambda g, d: g.model_copy(...)``), applied to the latest
stored version inside the transaction."""

Clock = Callable[[], datetime]


class Services:
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

    # -- reading -----------------------------------------------------------------
    def list_groups(self, team_id: str) -> list[GroupView]:
        with self._uow() as uow:
            account = self._account(uow, team_id)
            names = self._user_names(uow, account)
            pending = uow.outbox.pending_groups(account)
            return [self._view(r, names, pending) for r in uow.groups.list(account)]

    def get_group(self, team_id: str, ref: str) -> GroupView:
        """By name (case-insensitive) or any of its extensions; ``NotFound`` says
        "No group 'x'. Did you mean 'Sales'?"."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            return self._view_of(uow, record)

    def directory(self, team_id: str) -> Directory:
        with self._uow() as uow:
            return uow.directory.load(self._account(uow, team_id))

    def compiled(self, team_id: str, ref: str) -> GroupDocuments:
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            return compile_group(group_of(record), ids_of(record), uow.directory.load(account))

    def history(self, team_id: str, ref: str, limit: int = 20) -> list[Revision]:
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            rows = uow.revisions.list(account, record.pbx_group_id, limit)
            return [_revision(row) for row in rows]

    # -- people ------------------------------------------------------------------
    def pbx_user_for(self, team_id: str, slack_user_id: str, email: str | None) -> str:
        """The PBX user a Slack user maps to: the one linked explicitly, else the one with
        the same email. ``UserError`` naming the user when there is none."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            user = uow.directory.user_for_slack(account, slack_user_id)
            if user is None and email:
                user = uow.directory.user_for_email(account, email)
            if user is None:
                known = f" ({email})" if email else ""
                raise UserError(
                    f"<@{slack_user_id}>{known} has no PBX user: no user of the PBX directory "
                    "is linked to them or has their email."
                )
            return user.pbx_id

    # -- writing (each: rights re-checked, group + revision + outbox in one commit,
    #    then the outbox pushed to the PBX) -----------------------------------------
    def create_group(self, actor: Actor, group: Group) -> SaveResult:
        if not actor.is_admin:
            raise Forbidden(
                "Only workspace admins can create groups; "
                "ask one to create it and name you its lead."
            )
        group = _revalidated(group)
        now = self._clock()
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, now)
            directory = uow.directory.load(account)
            check_in_account(group, directory)
            ids = PbxIds.new()
            documents = _compile(group, ids, directory)
            try:
                record = uow.groups.add(account, ids, group, by=actor.user_id, now=now)
                uow.revisions.add(
                    record,
                    number=1,
                    at=now,
                    by=actor.user_id,
                    summary="created",
                    before=None,
                    after=group,
                )
                uow.outbox.add(account, ids.group_id, "upsert", _upserts(documents, ids), now)
                uow.commit()
            except IntegrityError:
                uow.rollback()
                raise self._clash(account, group, None) from None
        return self._after_save(actor.team_id, account, ids.group_id, group)

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
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            if expected_version is not None and record.version != expected_version:
                raise _conflict(record)
            before = group_of(record)
            after = _revalidated(change(before, uow.directory.load(account)))
            return self._save(uow, actor, account, record, before, after, summary)

    def delete_group(self, actor: Actor, ref: str) -> Revision:
        """Deletes the group; ``PbxUnavailable`` (after the commit) if the PBX lags."""
        now = self._clock()
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            before, ids, version = group_of(record), ids_of(record), record.version
            if not uow.groups.delete(record, version=version):
                uow.rollback()
                raise self._fresh_conflict(account, ids.group_id, before.name)
            row = uow.revisions.add(
                record,
                number=version + 1,
                at=now,
                by=actor.user_id,
                summary="deleted",
                before=before,
                after=None,
            )
            removals: list[list[object]] = [
                ["callflows", ids.user_callflow_id, None],
                ["callflows", ids.base_callflow_id, None],
                ["groups", ids.group_id, None],
            ]
            uow.outbox.add(account, ids.group_id, "delete", removals, now)
            uow.commit()
            revision = _revision(row)
        error = self._push(account).get(ids.group_id)
        if error:
            raise PbxUnavailable(
                f"Deleted {before.name}, but the PBX has not removed its documents yet ({error}). "
                "The deletion is queued and will be retried."
            )
        return revision

    def undo(self, actor: Actor, ref: str) -> SaveResult:
        """Restore the revision before the latest, as a new revision."""
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            latest = uow.revisions.latest(account, record.pbx_group_id)
            target = group_from_json(latest.before) if latest else None
            if latest is None or target is None:
                raise UserError(
                    f"Nothing to undo: {record.name} has not changed since it was created."
                )
            before = group_of(record)
            summary = f"undo of #{latest.number} ({latest.summary})"
            return self._save(uow, actor, account, record, before, target, summary)

    def set_leads(self, actor: Actor, ref: str, leads: frozenset[str]) -> GroupView:
        """Admins only."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can name the leads of a group.")
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            uow.groups.set_leads(record, leads | {record.created_by})
            uow.commit()
            return self._view_of(uow, uow.groups.refreshed(record))

    def can_change(self, actor: Actor, view: GroupView) -> bool:
        return actor.is_admin or actor.user_id in view.leads

    # -- the workspace -----------------------------------------------------------
    def workspace(self, team_id: str) -> WorkspaceSettings:
        with self._uow() as uow:
            row = uow.workspaces.get(team_id)
            if row is None:
                return WorkspaceSettings(team_id, self.options.default_account_id)
            return _workspace_settings(row)

    def setup_workspace(self, actor: Actor, settings: WorkspaceSettings) -> WorkspaceSettings:
        """Admins only; ``FieldErrors`` keyed by ``WorkspaceSettings`` field names."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can change the workspace settings.")
        _check_workspace(settings)
        now = self._clock()
        with self._uow() as uow:
            uow.workspaces.ensure_account(settings.account_id, now)
            row = uow.workspaces.get(actor.team_id)
            if row is None:
                row = uow.workspaces.add(
                    Workspace(
                        team_id=actor.team_id,
                        account_id=settings.account_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
            row.account_id = settings.account_id
            row.storage_limit_bytes = settings.storage_limit_bytes
            row.alert_channel = settings.alert_channel
            row.time_zone = settings.time_zone
            row.warn_percent = settings.warn_percent
            row.critical_percent = settings.critical_percent
            row.full_percent = settings.full_percent
            row.updated_at, row.updated_by = now, actor.user_id
            uow.commit()
            return _workspace_settings(row)

    # -- the directory and portable groups ------------------------------------------
    def import_directory(
        self, team_id: str | None, data: DirectoryData | str, actor: Actor | None = None
    ) -> DirectoryImport:
        """Replace the PBX directory (``actor`` None: the operator at the command line).

        ``data`` is parsed data or the file's text; ``DirectoryFileError`` names each
        bad entry and field, and then nothing is imported."""
        if actor is not None and not actor.is_admin:
            raise Forbidden("Only workspace admins can import the PBX directory.")
        parsed = load_directory_yaml(data) if isinstance(data, str) else data
        now = self._clock()
        with self._uow() as uow:
            if team_id is None:
                account = self.options.default_account_id
                uow.workspaces.ensure_account(account, now)
            else:
                account = self._account_for_write(uow, team_id, now)
            counts = replace_directory(uow, account, parsed)
            kept = set(uow.directory.load(account).users)
            warnings = [
                f"{r.name}: member {m.user_id} is no longer in the directory"
                for r in uow.groups.list(account)
                for m in r.members
                if m.user_id not in kept
            ]
            uow.commit()
        return DirectoryImport(
            account,
            counts.users,
            counts.devices,
            counts.voicemail_boxes,
            counts.menus,
            counts.media,
            tuple(warnings),
        )

    def ensure_directory(self, team_id: str | None = None) -> bool:
        """Load the demo directory when the account has none; True if it did."""
        with self._uow() as uow:
            account = (
                self.options.default_account_id if team_id is None else self._account(uow, team_id)
            )
            if not uow.directory.is_empty(account):
                return False
        self.import_directory(team_id, demo_directory_text())
        return True

    def export_groups(self, team_id: str) -> str:
        """Every group as portable YAML: members by email, targets by name."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            records = uow.groups.list(account)
            return export_groups(
                [(group_of(r), sorted({lead.slack_user for lead in r.leads})) for r in records],
                uow.directory.load(account),
                {u.pbx_id: u.email for u in uow.directory.users(account)},
            )

    def import_groups(self, actor: Actor, text: str) -> list[SaveResult]:
        """Create or replace groups from portable YAML (admins only), one save each."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can import groups.")
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            emails = {u.email: u.pbx_id for u in uow.directory.users(account) if u.email}
            entries = parse_portable_groups(text, uow.directory.load(account), emails)
        results = []
        for group, leads in entries:
            try:
                existing = self.get_group(actor.team_id, group.name)
            except NotFound:
                result = self.create_group(actor, group)
            else:
                result = self.change_group(
                    actor,
                    existing.group.name,
                    _replace_with(group),
                    summary="imported",
                    expected_version=existing.version,
                )
            if leads:
                self.set_leads(actor, group.name, frozenset(leads))
            results.append(result)
        return results

    def not_available(self, feature: str) -> None:
        """``/group sync``, ``drift`` and ``storage`` are not in this release."""
        raise NotAvailableYet(f"{feature} is not available yet in this version of groupbot.")

    # -- inside ----------------------------------------------------------------------
    def _save(
        self,
        uow: UnitOfWork,
        actor: Actor,
        account: str,
        record: GroupRecord,
        before: Group,
        after: Group,
        summary: str,
    ) -> SaveResult:
        if after == before:
            return SaveResult(self._view_of(uow, record), ("Nothing changed.",))
        now = self._clock()
        directory = uow.directory.load(account)
        ids, version = ids_of(record), record.version
        check_in_account(after, directory, group_id=ids.group_id)
        documents = _compile(after, ids, directory)
        try:
            if not uow.groups.save(record, after, version=version, by=actor.user_id, now=now):
                uow.rollback()
                raise self._fresh_conflict(account, ids.group_id, before.name)
            uow.revisions.add(
                record,
                number=version + 1,
                at=now,
                by=actor.user_id,
                summary=summary,
                before=before,
                after=after,
            )
            uow.outbox.add(account, ids.group_id, "upsert", _upserts(documents, ids), now)
            uow.commit()
        except IntegrityError:
            uow.rollback()
            raise self._clash(account, after, ids.group_id) from None
        return self._after_save(actor.team_id, account, ids.group_id, after)

    def _after_save(
        self, team_id: str, account: str, pbx_group_id: str, group: Group
    ) -> SaveResult:
        error = self._push(account).get(pbx_group_id)
        with self._uow() as uow:
            record = uow.groups.by_pbx_id(account, pbx_group_id)
            if record is None:  # deleted by someone else meanwhile
                raise NotFound(f"{group.name} was deleted meanwhile.")
            view = self._view_of(uow, record)
            warnings = _lint(view.group, uow.directory.load(account), pbx_group_id)
        if error:
            warnings.append(
                f"Saved, but the PBX has not taken the change yet ({error}); it is queued "
                "and will be retried."
            )
        return SaveResult(view, tuple(warnings), error)

    def _push(self, account: str) -> dict[str, str]:
        """Push the account's pending outbox; the PBX error per group that failed."""
        errors: dict[str, str] = {}
        with self._push_lock, self._uow() as uow:
            latest: dict[str, int] = {}
            entries = {e.id: e for e in uow.outbox.pending(account)}
            for entry in entries.values():
                latest[entry.pbx_group_id] = entry.id  # ordered by id: the last one wins
            for pbx_group_id, entry_id in latest.items():
                entry = entries[entry_id]
                now = self._clock()
                try:
                    for collection, doc_id, document in entry.documents["documents"]:
                        if document is None:
                            self._pbx.delete(collection, doc_id)
                        else:
                            self._pbx.put(collection, doc_id, document)
                except PbxError as error:
                    errors[pbx_group_id] = str(error) or type(error).__name__
                    uow.outbox.failed(entry.id, errors[pbx_group_id], now)
                else:
                    uow.outbox.ack(account, pbx_group_id, entry.id, now)
                uow.commit()
        return errors

    def _account(self, uow: UnitOfWork, team_id: str) -> str:
        row = uow.workspaces.get(team_id)
        return row.account_id if row is not None else self.options.default_account_id

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

    def _require_lead(self, actor: Actor, record: GroupRecord) -> None:
        leads = {lead.slack_user for lead in record.leads} | {record.created_by}
        if actor.is_admin or actor.user_id in leads:
            return
        who = ", ".join(f"<@{u}>" for u in sorted(leads))
        raise Forbidden(
            f"Only admins and the leads of {record.name} ({who}) can change it; "
            "everyone else can look."
        )

    def _clash(self, account: str, group: Group, pbx_group_id: str | None) -> UserError:
        """Someone took a name or number between our check and our commit: say who."""
        with self._uow() as uow:
            try:
                check_in_account(group, uow.directory.load(account), group_id=pbx_group_id)
            except GroupRejected as rejected:
                return rejected
        return Conflict(
            f"{group.name} could not be saved: another change got there first; try again."
        )

    def _fresh_conflict(self, account: str, pbx_group_id: str, name: str) -> UserError:
        with self._uow() as uow:
            record = uow.groups.by_pbx_id(account, pbx_group_id)
            if record is None:
                return Conflict(f"{name} was deleted meanwhile.")
            return _conflict(record)

    def _user_names(self, uow: UnitOfWork, account: str) -> dict[str, str]:
        return {u.pbx_id: u.name for u in uow.directory.users(account)}

    def _view_of(self, uow: UnitOfWork, record: GroupRecord) -> GroupView:
        account = record.account_id
        return self._view(
            record, self._user_names(uow, account), uow.outbox.pending_groups(account)
        )

    @staticmethod
    def _view(record: GroupRecord, names: dict[str, str], pending: set[str]) -> GroupView:
        group = group_of(record)
        return GroupView(
            id=record.id,
            pbx=ids_of(record),
            group=group,
            version=record.version,
            created_by=record.created_by,
            leads=frozenset({lead.slack_user for lead in record.leads} | {record.created_by}),
            updated_at=record.updated_at,
            updated_by=record.updated_by,
            pbx_pending=record.pbx_group_id in pending,
            member_names={m.user_id: names[m.user_id] for m in group.members if m.user_id in names},
        )


def _replace_with(new: Group) -> GroupChange:
    return lambda _old, _directory: new


def _revalidated(group: Group) -> Group:
    # model_copy(update=…) skips validation: run every rule again on what we are given
    return parse_group(group.model_dump())


def _compile(group: Group, ids: PbxIds, directory: Directory) -> GroupDocuments:
    try:
        return compile_group(group, ids, directory)
    except CompileError as error:
        raise GroupRejected({"features.next_action": str(error)}) from None


def _upserts(documents: GroupDocuments, ids: PbxIds) -> list[list[object]]:
    return [[collection, doc_id, doc] for collection, doc_id, doc in documents.by_collection(ids)]


def _conflict(record: GroupRecord) -> Conflict:
    at = record.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return Conflict(
        f"{record.name} was changed by <@{record.updated_by}> at {at}; reopen to see the latest."
    )


def _revision(row: GroupRevisionRecord) -> Revision:
    return Revision(
        number=row.number,
        at=row.at,
        by=row.by,
        summary=row.summary,
        before=group_from_json(row.before),
        after=group_from_json(row.after),
    )


def _lint(group: Group, directory: Directory, group_id: str) -> list[str]:
    """The engine's lint warnings as sentences: who or what each one is about, first."""
    subjects = {"features.next_action": "Next action", "features.call_recording": "Recording"}
    sentences = []
    for warning in lint(group, directory, group_id=group_id):
        field, message = warning.field, warning.message
        if field.startswith("members."):
            member = group.members[int(field.split(".")[1])]
            user = directory.users.get(member.user_id)
            sentences.append(f"{user.name if user else member.user_id} {message}")
        elif field.startswith("numbers.") or field == "members":
            sentences.append(message[:1].upper() + message[1:])
        else:
            subject = next((s for f, s in subjects.items() if field.startswith(f)), field)
            sentences.append(f"{subject} {message}")
    return sentences


def _workspace_settings(row: Workspace) -> WorkspaceSettings:
    return WorkspaceSettings(
        team_id=row.team_id,
        account_id=row.account_id,
        storage_limit_bytes=row.storage_limit_bytes,
        alert_channel=row.alert_channel,
        time_zone=row.time_zone,
        warn_percent=row.warn_percent,
        critical_percent=row.critical_percent,
        full_percent=row.full_percent,
        configured=True,
    )


def _check_workspace(settings: WorkspaceSettings) -> None:
    errors: dict[str, str] = {}
    if not (
        len(settings.account_id) == 32 and all(c in "0123456789abcdef" for c in settings.account_id)
    ):
        errors["account_id"] = "the PBX account id is 32 lowercase hex characters"
    if settings.storage_limit_bytes is not None and settings.storage_limit_bytes <= 0:
        errors["storage_limit_bytes"] = "the storage limit must be more than 0 bytes"
    if settings.alert_channel is not None and not settings.alert_channel.startswith(("C", "G")):
        errors["alert_channel"] = "choose a channel for the alerts"
    try:
        zoneinfo.ZoneInfo(settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = f"{settings.time_zone!r} is not a time zone (like Europe/Paris)"
    percents = (settings.warn_percent, settings.critical_percent, settings.full_percent)
    if not 1 <= settings.warn_percent < settings.critical_percent <= settings.full_percent <= 1000:
        errors["warn_percent"] = (
            "thresholds must rise: warn < critical ≤ full, from 1 % "
            f"(given {percents[0]} %, {percents[1]} %, {percents[2]} %)"
        )
    if errors:
        raise FieldErrors(errors)


__all__ = [
    "Actor",
    "DirectoryImport",
    "GroupChange",
    "GroupView",
    "Revision",
    "SaveResult",
    "ServiceOptions",
    "Services",
    "WorkspaceSettings",
]
