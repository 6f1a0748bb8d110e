"""Groups: reading them, and every write (create, change, undo, delete, restore, leads).

A write re-checks the actor's rights, then commits the group row, its revision and an
outbox entry holding the compiled documents that differ from the PBX's together
(``_write_group``) and returns: the push comes after the acknowledgement
(``OutboxUseCases.push_after_save``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.engine.changes import describe_change, names_in
from bot.engine.compiler import CompileError, compile_group
from bot.engine.directory import Directory
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.lint import NextGroup, lint
from bot.engine.model import Features, Group, NextActionKind
from bot.engine.text import as_typed
from bot.engine.validation import (
    GroupRejected,
    check_in_account,
    check_new_numbers,
    checked,
)
from bot.errors import Conflict, FieldErrors, Forbidden, NotFound, UserError
from bot.services.base import conflict, view_of, with_creator
from bot.services.outbox import OutboxUseCases, digest
from bot.services.types import (
    Actor,
    GroupChange,
    GroupSummary,
    GroupView,
    History,
    OpenedGroup,
    Revision,
    SaveResult,
)
from bot.storage.errors import Taken
from bot.storage.mapping import group_from_json, group_of, ids_of, name_key
from bot.storage.repositories import GroupRecord, GroupRevisionRecord
from bot.storage.unit_of_work import UnitOfWork

# A typed edit that loses a race is applied to the version that won, up to this often.
TYPED_EDIT_ATTEMPTS = 5
# How a restore is recorded in the history; the actor is shown beside it.
RESTORED = "Restored"


class GroupUseCases(OutboxUseCases):
    # -- reading -----------------------------------------------------------------
    def list_groups(self, team_id: str) -> list[GroupView]:
        """Every group, by name: a handful of queries, however many groups there are."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            stored = uow.groups.stored(account)
            names = uow.directory.member_names(account)
            pending = uow.outbox.pending_groups(account)
            reasons = uow.outbox.reasons(account)
            shown = [view_of(group, names, pending, reasons) for group in stored]
        senders = _senders((v.name, v.group.features, v.pbx.group_id) for v in shown)
        return [replace(v, sent_to_by=senders.get(v.pbx.group_id, ())) for v in shown]

    def group_summaries(self, team_id: str) -> list[GroupSummary]:
        """Every group, by name, as ``/group list`` and App Home show them: a few column
        queries and no ``Group`` validation (the rows were validated when saved). Use
        ``list_groups`` when the whole groups are needed."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            rows = uow.groups.summaries(account)
            pending = uow.outbox.pending_groups(account)
            reasons = uow.outbox.reasons(account)
        features: dict[str, Features] = {}  # most groups share a few feature settings
        summaries = []
        for row in rows:
            key = json.dumps(row.features, sort_keys=True)
            if key not in features:
                features[key] = Features.model_validate(row.features)
            extension, extra_extensions, numbers = row.split_numbers()
            summaries.append(
                GroupSummary(
                    id=row.id,
                    version=row.version,
                    name=row.name,
                    extension=extension,
                    extra_extensions=extra_extensions,
                    numbers=numbers,
                    member_count=row.member_count,
                    features=features[key],
                    leads=with_creator(row.leads, row.created_by),
                    pbx_pending=row.pbx_group_id in pending,
                    pbx_reason=reasons.get(row.pbx_group_id),
                )
            )
        senders = _senders(
            (s.name, s.features, row.pbx_group_id) for s, row in zip(summaries, rows, strict=True)
        )
        return [
            replace(s, sent_to_by=senders.get(row.pbx_group_id or "", ()))
            for s, row in zip(summaries, rows, strict=True)
        ]

    def get_group(self, team_id: str, ref: str) -> GroupView:
        """By name (case-insensitive) or any of its extensions; ``NotFound`` says
        "No group 'x'. Did you mean 'Sales'?"."""
        with self._uow() as uow:
            return self._view_of(uow, self._find(uow, self._account(uow, team_id), ref))

    def show_group(self, team_id: str, ref: str) -> GroupView:
        """``get_group`` with what only `/group show` tells: every warning of the group
        (said once after its save), who sends calls to it (its Delete button), the user
        group its members follow. Their queries are spent on that page alone."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            view = self._view_of(uow, record)
            group = view.group
            directory = uow.directory.around(account, [group])
            warnings = _lint(group, directory, view.pbx.group_id, _next_groups(uow, account, group))
            senders = tuple(uow.groups.sending_to(account, view.pbx.group_id))
            mirrors = uow.settings.of(record.id).mirror_usergroup
            return replace(view, warnings=tuple(warnings), sent_to_by=senders, mirrors=mirrors)

    def group_by_pbx_id(self, team_id: str, pbx_group_id: str) -> GroupView:
        """By its PBX group id, which stays with a group through renames and renumbering
        and is never given to another; ``NotFound`` says who deleted it, and when."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = uow.groups.by_pbx_id(account, pbx_group_id)
            if record is None:
                raise NotFound(f"{self._gone(uow, account, pbx_group_id)}.")
            return self._view_of(uow, record)

    def compiled(self, team_id: str, ref: str) -> GroupDocuments:
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            group = group_of(record)
            return compile_group(group, ids_of(record), uow.directory.around(account, [group]))

    def history(self, team_id: str, ref: str, limit: int = 20) -> History:
        """The newest ``limit`` revisions, newest first, each marked when a later undo
        reverted it (that undo is newer, so it is among them), and how many there are."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            rows = uow.revisions.list(account, record.pbx_group_id, limit)
            total = uow.revisions.count(account, record.pbx_group_id)
            mentioned = {m[1] for row in rows for m in _MENTION.finditer(row.summary)}
            slack_names = uow.directory.slack_names(account, mentioned)
            undone = {row.undoes for row in rows if row.undoes is not None}
            revisions = [_revision(row, slack_names, row.number in undone) for row in rows]
            return History(tuple(revisions), total)

    def can_change(self, actor: Actor, view: GroupView | GroupSummary) -> bool:
        return actor.is_admin or actor.leads(view.leads)

    # -- writing -------------------------------------------------------------------
    def create_group(self, actor: Actor, group: Group) -> SaveResult:
        if not actor.is_admin:
            raise Forbidden(
                "Only workspace admins can create groups; "
                "ask one to create it and name you its lead."
            )
        group = checked(group)
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, self._clock())
            return self._write_group(uow, actor, account, None, group)

    def change_group(
        self,
        actor: Actor,
        ref: str | OpenedGroup,
        change: GroupChange,
        *,
        expected_version: int | None = None,
    ) -> SaveResult:
        """Apply ``change`` to the stored group.

        A form's save names the group it was opened for (``OpenedGroup``, or a name or
        extension with the ``expected_version`` it showed): it goes to that group only,
        and a newer stored version raises ``Conflict``, saying what changed and who
        changed it. A typed edit (a name or extension, no version) is applied to the
        latest version: when someone saves first, it is applied again to theirs, and
        when it no longer applies there, the edit's own refusal says so.

        The history records what actually changed, worked out from the stored group
        before and after (``describe_change``); ``result.summary`` is what was recorded."""
        return self._change(actor, ref, change, expected_version)

    def _change(
        self,
        actor: Actor,
        ref: str | OpenedGroup,
        change: GroupChange,
        expected_version: int | None,
        label: str | None = None,
    ) -> SaveResult:
        if isinstance(ref, OpenedGroup):
            expected_version = ref.version
        typed = expected_version is None
        pinned: str | None = None  # a typed edit, tried again, stays on the group it found
        name = ""
        for attempt in range(1, (TYPED_EDIT_ATTEMPTS if typed else 1) + 1):
            with self._uow() as uow:
                account = self._account(uow, actor.team_id)
                if pinned is None:
                    record = self._locate(uow, account, ref)
                else:
                    record = self._pinned(uow, account, pinned)
                self._require_lead(actor, record)
                if expected_version is not None and record.version != expected_version:
                    raise conflict(record)
                try:
                    # The change may resolve any name of the account (`/group next … group
                    # Support`), so it gets the whole directory (``GroupChange``); the
                    # checks read only what the group refers to.
                    before = group_of(record)
                    after = checked(change(before, uow.directory.load(account)))
                    _refuse_if_mirrored(record, before, after, uow)
                except UserError as refused:
                    if attempt == 1:
                        raise
                    raise _no_longer_applies(record, refused) from None
                pinned, name = record.pbx_group_id, record.name  # kept past a rollback
                try:
                    saved = self._write_group(
                        uow, actor, account, record, after, label=label, before=before
                    )
                    return replace(saved, was=name)
                except _StaleVersion:
                    pass
        assert pinned is not None  # only a stale version leaves the loop
        raise self._fresh_conflict(account, pinned, name, typed=typed)

    def refuse_delete_if_targeted(self, team_id: str, ref: str) -> None:
        """What ``delete_group`` would refuse, said before anyone is asked to confirm:
        another group sends its unanswered calls to this one."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            record = self._find(uow, account, ref)
            senders = uow.groups.sending_to(account, ids_of(record).group_id)
            _refuse_if_targeted(record.name, senders)

    def delete_group(self, actor: Actor, ref: str | OpenedGroup) -> Revision:
        """Deletes the group; its documents leave the PBX after the acknowledgement
        (``push_after_save``) or with the ``pbx-outbox`` job.
        A form's deletion (``OpenedGroup``) deletes that group only, and only as it
        showed it (else ``Conflict``, saying what changed)."""
        now = self._clock()
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._locate(uow, account, ref)
            self._require_lead(actor, record)
            before, ids, version = group_of(record), ids_of(record), record.version
            _refuse_if_targeted(before.name, uow.groups.sending_to(account, ids.group_id))
            if not uow.groups.delete(record, version=version):
                uow.rollback()
                raise self._fresh_conflict(account, ids.group_id, before.name)
            row = uow.revisions.add(
                record,
                number=version + 1,
                at=now,
                by=actor.user_id,
                summary=describe_change(before, None, {}),
                before=before,
                after=None,
                pbx_ids=ids,  # a restore takes them again
            )
            removals: list[list[object]] = [
                ["callflows", ids.user_callflow_id, None],
                ["callflows", ids.base_callflow_id, None],
                ["groups", ids.group_id, None],
            ]
            uow.outbox.add(account, ids.group_id, "delete", removals, now)
            uow.commit()
            revision = _revision(row)
        self._saved(account, ids.group_id)  # removed from the PBX after the acknowledgement
        return revision

    def undo(self, actor: Actor, ref: str) -> SaveResult:
        """Revert the newest change not undone yet (undos themselves are not changes to
        revert): the group goes back to as it was before it, as a new revision ("Undid:
        …") linked to it. Each undo so steps one change further back; a change made after
        undos is the next one undone. The account's rules hold as for any change (an
        extension another group took meanwhile is refused, naming that group)."""
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            self._require_lead(actor, record)
            undone = uow.revisions.to_undo(account, record.pbx_group_id)
            target = group_from_json(undone.before) if undone else None
            if undone is None or target is None:
                raise UserError(_nothing_left(record.name, undone))
            _refuse_if_mirrored(record, group_of(record), target, uow)
            summary = f"Undid: {undone.summary}"
            pbx_group_id, name = record.pbx_group_id, record.name  # kept past a rollback
            try:
                # what it restores was stored before: its numbers were taken in then
                return self._write_group(
                    uow,
                    actor,
                    account,
                    record,
                    target,
                    summary=summary,
                    undoes=undone.number,
                    restoring=True,
                )
            except _StaleVersion:
                raise self._fresh_conflict(account, pbx_group_id, name) from None

    def restore_group(self, actor: Actor, name: str) -> SaveResult:
        """Admins only: bring back the deleted group called ``name`` as it was when it was
        deleted. It takes its old PBX document ids when no group has them since (its history
        then goes on), else new ones; it is pushed to the PBX like any save. Its name and
        numbers must be free: a refusal names the group that has them."""
        if not actor.is_admin:
            raise Forbidden(
                f"Only workspace admins can restore a deleted group; ask one to restore {name}."
            )
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, self._clock())
            deletion = self._deletion(uow, account, name)
            group = group_from_json(deletion.before)
            assert group is not None  # a deletion keeps what was deleted
            old = _old_ids(deletion.pbx_ids, deletion.pbx_group_id)
            ids = PbxIds.new() if uow.groups.uses_ids(account, old) else old
            first = deletion.number + 1 if ids.group_id == deletion.pbx_group_id else 1
            try:
                return self._write_group(
                    uow,
                    actor,
                    account,
                    None,
                    group,
                    ids=ids,
                    first=first,
                    summary=RESTORED,
                    restoring=True,  # its numbers were taken in when it was saved
                    restored_from=deletion.id,
                )
            except GroupRejected as rejected:
                raise UserError(_not_restorable(group.name, rejected)) from None

    def set_leads(self, actor: Actor, ref: str, leads: frozenset[str]) -> GroupView:
        """Admins only."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can name the leads of a group.")
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            record = self._find(uow, account, ref)
            uow.groups.set_leads(record, with_creator(leads, record.created_by))
            uow.commit()
            return self._view_of(uow, uow.groups.refreshed(record))

    # -- inside ----------------------------------------------------------------------
    def _deleted(self, uow: UnitOfWork, account: str) -> list[tuple[GroupRevisionRecord, Group]]:
        """Each deleted group's last deletion, newest first, unless a restore brought that
        one back: a name's older deletions never come back in its stead."""
        restored = uow.revisions.restored_deletions(account)
        newest: dict[str, tuple[GroupRevisionRecord, Group] | None] = {}
        for row in uow.revisions.deletions(account):
            group = group_from_json(row.before)
            if group is None or name_key(group.name) in newest:
                continue  # an older deletion of a name deleted again since
            latest = uow.revisions.latest(account, row.pbx_group_id)
            # restored with its own ids (before restores were recorded), or recorded
            brought_back = (latest is not None and latest.id != row.id) or row.id in restored
            newest[name_key(group.name)] = None if brought_back else (row, group)
        return [found for found in newest.values() if found is not None]

    def _deletion(self, uow: UnitOfWork, account: str, name: str) -> GroupRevisionRecord:
        existing = uow.groups.find(account, name)
        if existing is not None:
            raise UserError(
                f"{existing.name} is not deleted: it is in /group list; nothing to restore."
            )
        deleted = self._deleted(uow, account)
        for row, group in deleted:
            if name_key(group.name) == name_key(name):
                return row
        if not deleted:
            raise NotFound(f"No deleted group named {name}: no group has been deleted.")
        names = ", ".join(group.name for _, group in deleted[:10])
        raise NotFound(f"No deleted group named {name}. Deleted groups: {names}.")

    def _locate(self, uow: UnitOfWork, account: str, ref: str | OpenedGroup) -> GroupRecord:
        """The group a command names, or the one a form was opened for, as it showed it."""
        if not isinstance(ref, OpenedGroup):
            return self._find(uow, account, ref)
        record = uow.groups.by_pbx_id(account, ref.pbx_group_id)
        if record is None:
            gone = self._gone(uow, account, ref.pbx_group_id, ref)
            raise NotFound(f"{gone}; close this form.")
        if record.version != ref.version:
            raise _changed_since(record, ref)
        return record

    def _pinned(self, uow: UnitOfWork, account: str, pbx_group_id: str) -> GroupRecord:
        record = uow.groups.by_pbx_id(account, pbx_group_id)
        if record is None:
            raise NotFound(f"{self._gone(uow, account, pbx_group_id)}.")
        return record

    def _gone(
        self,
        uow: UnitOfWork,
        account: str,
        pbx_group_id: str,
        opened: OpenedGroup | None = None,
    ) -> str:
        """What became of a group that is not there (no full stop): who deleted it, and
        when, from its history; and which group has the extension a form showed, if any."""
        latest = uow.revisions.latest(account, pbx_group_id)
        before = group_from_json(latest.before) if latest is not None else None
        if latest is None or latest.after is not None or before is None:
            return "That group is no longer in this workspace"
        words = f"{before.name} was deleted by <@{latest.by}> at {_when(latest.at)}"
        holder = uow.groups.find(account, opened.extension) if opened else None
        if opened is not None and holder is not None:
            words += f" ({opened.extension} is now the extension of {holder.name})"
        return words

    def _write_group(
        self,
        uow: UnitOfWork,
        actor: Actor,
        account: str,
        record: GroupRecord | None,
        after: Group,
        *,
        label: str | None = None,
        restoring: bool = False,
        ids: PbxIds | None = None,
        before: Group | None = None,
        summary: str | None = None,
        undoes: int | None = None,
        first: int = 1,
        restored_from: int | None = None,
    ) -> SaveResult:
        """The one write path: ``record`` None creates the group (with ``ids`` when it
        already has documents on the PBX: adopted from SmartPBX), else replaces it
        (compare-and-set on its version: ``_StaleVersion`` if someone saved first).
        Group, revision and outbox entry commit together; nothing is sent to the PBX
        here (``push_after_save`` does, once the surface has answered).
        The revision's summary is the difference in words, after ``label`` ("undo of
        #4: …") when there is one, unless the caller gives the ``summary`` (an undo,
        naming the revision it ``undoes``; a restore, whose revisions go on from
        ``first``). The result is what this save wrote, whatever is saved after it.
        Every number ``after`` brings in must be one that can ring, unless it is
        ``restoring`` a version stored before."""
        if before is None and record is not None:  # else the caller has just read it
            before = group_of(record)
        if record is not None and after == before:  # the summary says so: no warning too
            return SaveResult(self._view_of(uow, record), (), None, "no change")
        now = self._clock()
        # what the rules, the compiler and the history need: the facts these two refer to
        directory = uow.directory.around(account, [after] if before is None else [before, after])
        if summary is None:
            summary = describe_change(before, after, names_in(directory))
            if label:
                summary = f"{label}: {summary}"
        ids = (ids or PbxIds.new()) if record is None else ids_of(record)
        own_id = None if record is None else ids.group_id
        _check_rules(after, directory, own_id, before, restoring)
        documents = _compile(after, ids, directory, before)
        try:
            with uow.claiming():
                if record is None:
                    record = uow.groups.add(
                        account, ids, after, by=actor.user_id, now=now, version=first
                    )
                    number = first
                else:
                    version = record.version
                    if not uow.groups.save(
                        record, after, version=version, by=actor.user_id, now=now
                    ):
                        uow.rollback()
                        raise _StaleVersion
                    number = version + 1
                uow.revisions.add(
                    record,
                    number=number,
                    at=now,
                    by=actor.user_id,
                    summary=summary,
                    before=before,
                    after=after,
                    undoes=undoes,
                    restored_from=restored_from,
                )
                changed = self._changed(uow, account, ids.group_id, upserts(documents, ids))
                if changed:
                    uow.outbox.add(account, ids.group_id, "upsert", changed, now)
                # read inside the transaction: exactly what this save wrote
                written = self._view_of(uow, uow.groups.refreshed(record), after)
                uow.commit()
        except Taken:
            raise self._clash(account, after, own_id) from None
        if changed:
            self._saved(account, ids.group_id)  # pushed after the acknowledgement
        # Said once, when it first appears: a warning the group had before this save was
        # said then (`/group show` lists them all).
        onward = _next_groups(uow, account, after)
        had: set[str] = set()
        if before is not None:
            same_target = before.features.next_action == after.features.next_action
            hops = onward if same_target else _next_groups(uow, account, before)
            had.update(_lint(before, directory, ids.group_id, hops))
        warnings = _lint(after, directory, ids.group_id, onward)
        return SaveResult(written, tuple(w for w in warnings if w not in had), None, summary)

    def _changed(
        self, uow: UnitOfWork, account: str, pbx_group_id: str, documents: list[list[object]]
    ) -> list[list[object]]:
        """Of a save's documents, those the PBX does not hold (or will not, once what is
        pending arrives) as they are: what its outbox entry carries."""
        expected = self._expected(uow, account, pbx_group_id)
        return [
            [collection, doc_id, document]
            for collection, doc_id, document in documents
            if expected.get((str(collection), str(doc_id))) != digest(document)  # type: ignore[arg-type]
        ]

    def _clash(self, account: str, group: Group, pbx_group_id: str | None) -> UserError:
        """Someone took a name or number between our check and our commit: say who."""
        with self._uow() as uow:
            try:
                check_in_account(
                    group, uow.directory.around(account, [group]), group_id=pbx_group_id
                )
            except GroupRejected as rejected:
                return rejected
        return Conflict(
            f"{group.name} could not be saved: another change got there first; try again."
        )

    def _fresh_conflict(
        self, account: str, pbx_group_id: str, name: str, *, typed: bool = False
    ) -> UserError:
        with self._uow() as uow:
            record = uow.groups.by_pbx_id(account, pbx_group_id)
            if record is None:
                return Conflict(f"{name} was deleted meanwhile.")
            if typed:  # tried again and again: others keep saving it
                return Conflict(
                    f"{record.name} kept changing while this was being saved (last by "
                    f"<@{record.updated_by}> at {_when(record.updated_at)}); try again."
                )
            return conflict(record)


def _refuse_if_mirrored(record: GroupRecord, before: Group, after: Group, uow: UnitOfWork) -> None:
    """Who is in a group that follows a Slack user group is that user group's to say: a
    person added or removed here would be undone, unseen, by its next change or the
    15-minute job. Their ring windows stay the leads' to set."""
    if {m.user_id for m in before.members} == {m.user_id for m in after.members}:
        return
    usergroup = uow.settings.of(record.id).mirror_usergroup
    if usergroup is not None:
        raise FieldErrors(
            {
                "members": f"{record.name}'s members follow a Slack user group (/group show "
                f"{as_typed(record.name)} names it): add or remove people there, or stop "
                f"following it first (/group mirror {as_typed(record.name)} off)."
            }
        )


class _StaleVersion(Exception):
    """The compare-and-set found a newer version: someone saved the group first."""


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _changed_since(record: GroupRecord, opened: OpenedGroup) -> Conflict:
    """A form's group saved by someone else since it opened: what changed that the form
    shows at its top (name, extension), or the usual conflict."""
    now = group_of(record)
    what = []
    if now.name != opened.name:
        what.append(f"it is now called {now.name}")
    if now.extension != opened.extension:
        what.append(f"its extension is now {now.extension}")
    if not what:
        return conflict(record)
    return Conflict(
        f"{opened.name} changed since this form opened ({'; '.join(what)}): changed by "
        f"<@{record.updated_by}> at {_when(record.updated_at)}; close this form and open it "
        "again from /group."
    )


def _no_longer_applies(record: GroupRecord, refused: UserError) -> UserError:
    """A typed edit that lost a race, refused by the version that won it."""
    return UserError(
        f"{record.name} was just changed by <@{record.updated_by}> (at "
        f"{_when(record.updated_at)}), and this change no longer applies: {refused.message}"
    )


def _senders(
    groups: Iterable[tuple[str, Features, str | None]],
) -> dict[str, tuple[str, ...]]:
    """PBX group id → the names of the groups (name, features, own PBX group id) whose
    unanswered calls go to it."""
    found: dict[str, list[str]] = {}
    for name, features, own in groups:
        action = features.next_action
        if action.kind is NextActionKind.GROUP and action.target_id and action.target_id != own:
            found.setdefault(action.target_id, []).append(name)
    return {target: tuple(names) for target, names in found.items()}


def _refuse_if_targeted(name: str, users: Sequence[str]) -> None:
    """Deleting a group another one sends unanswered calls to (``users``, by name) would
    leave that one pointing at nothing (and unsavable): say which, and what to do."""
    if users:
        which = ", ".join(users)
        first = as_typed(users[0])
        raise UserError(
            f"{which} {'sends' if len(users) == 1 else 'send'} unanswered calls to {name}: "
            f"change the next action of {which} first (e.g. /group next {first} off), "
            f"then delete {name}."
        )


def replace_with(new: Group) -> GroupChange:
    return lambda _old, _directory: new


def _check_rules(
    after: Group,
    directory: Directory,
    own_id: str | None,
    before: Group | None,
    restoring: bool = False,
) -> None:
    """The account-wide rules, and the rule for new numbers, for what this change brings
    in, all at once: a member or a target that left the directory earlier (an orphan the
    group already had) does not block an edit that leaves it as it is, or one that
    removes it; a number the group had (adopted from SmartPBX) may stay."""
    errors: dict[str, str] = {}
    if not restoring:
        try:
            check_new_numbers(after, before)
        except GroupRejected as rejected:
            errors.update(rejected.errors)
    try:
        check_in_account(after, directory, group_id=own_id)
    except GroupRejected as rejected:
        for field, message in rejected.errors.items():
            if not _inherited(field, before, after):
                errors.setdefault(field, message)
    if errors:
        raise GroupRejected(errors)


def _inherited(field: str, before: Group | None, after: Group) -> bool:
    """Whether the problem at ``field`` of ``after`` was already there in ``before``."""
    if before is None:
        return False
    if field.startswith("members."):
        user_id = after.members[int(field.split(".")[1])].user_id
        return before.member(user_id) is not None
    if field == "features.next_action":
        return before.features.next_action == after.features.next_action
    if field == "features.ringback":
        return before.features.ringback == after.features.ringback
    return False


def _compile(
    group: Group, ids: PbxIds, directory: Directory, before: Group | None = None
) -> GroupDocuments:
    try:
        return compile_group(group, ids, directory)
    except CompileError:
        action = group.features.next_action
        if before is None or before.features.next_action != action:
            # the compiler's words name the target by its PBX id: say it as the form does
            missing = f"that {action.kind.value} is not in the PBX directory; choose another"
            raise GroupRejected({"features.next_action": missing}) from None
        # An orphan it already had: the documents cannot be written without a target.
        raise GroupRejected(
            {
                "features.next_action": (
                    f"{group.name} sends unanswered calls to a {action.kind.value} that is no "
                    "longer in the PBX account; choose another next action (or none) first, "
                    "then this change can be saved"
                )
            }
        ) from None


def upserts(documents: GroupDocuments, ids: PbxIds) -> list[list[object]]:
    """The outbox writes that put the group's three documents on the PBX."""
    return [[collection, doc_id, doc] for collection, doc_id, doc in documents.by_collection(ids)]


# Summaries written before they were plain text carry Slack mentions: <@U123> or <@U123|dana>.
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


def _plain(summary: str, slack_names: Mapping[str, str]) -> str:
    return _MENTION.sub(lambda m: slack_names.get(m[1]) or m[2] or m[1], summary)


def _revision(
    row: GroupRevisionRecord,
    slack_names: Mapping[str, str] | None = None,
    undone: bool = False,
) -> Revision:
    return Revision(
        number=row.number,
        at=row.at,
        by=row.by,
        summary=_plain(row.summary, slack_names or {}),
        before=group_from_json(row.before),
        after=group_from_json(row.after),
        undoes=row.undoes,
        undone=undone,
    )


def _nothing_left(name: str, stop: GroupRevisionRecord | None) -> str:
    """Why an undo has nothing to revert: every change since ``stop`` (the group's
    creation, or its restore) is undone."""
    if stop is None:  # groups saved before revisions were kept
        return f"Nothing left to undo for {name}: it has no recorded changes."
    done = f"#{stop.number}, {stop.summary.lower()} by <@{stop.by}> at {_when(stop.at)}"
    if stop.summary == RESTORED:
        return f"Nothing left to undo for {name} since it was restored ({done})."
    return f"Nothing left to undo for {name}: its first revision is {done}."


def _not_restorable(name: str, rejected: GroupRejected) -> str:
    """A restore brings the group back as it was, so the rules' advice to choose another
    name or number does not apply: what stands in the way has to change instead."""
    reasons = "; ".join(m.split("; choose")[0] for m in rejected.errors.values())
    return (
        f"{name} cannot be restored as it was: {reasons}. Change that first, then "
        f"restore {name} again."
    )


def _old_ids(stored: object, pbx_group_id: str) -> PbxIds:
    """The ids a deleted group had; a deletion recorded before they were kept gives its
    group document id only, and new callflow ids."""
    if isinstance(stored, dict):
        return PbxIds.model_validate(stored)
    return PbxIds.new().model_copy(update={"group_id": pbx_group_id})


def _next_groups(uow: UnitOfWork, account: str, group: Group) -> dict[str, NextGroup]:
    """The group unanswered calls go on to from ``group``, and where that one sends
    them: enough for the lint to see a loop back (one query, however long a chain)."""
    action = group.features.next_action
    if action.kind is not NextActionKind.GROUP or action.target_id is None:
        return {}
    record = uow.groups.by_pbx_id(account, action.target_id)
    if record is None:
        return {}
    onward = group_of(record).features.next_action
    sends_to = onward.target_id if onward.kind is NextActionKind.GROUP else None
    return {action.target_id: NextGroup(record.name, sends_to)}


def _lint(
    group: Group,
    directory: Directory,
    group_id: str,
    next_groups: Mapping[str, NextGroup] | None = None,
) -> list[str]:
    """The engine's lint warnings as sentences: who or what each one is about, first."""
    subjects = {"features.next_action": "Next action", "features.call_recording": "Recording"}
    sentences = []
    for warning in lint(group, directory, group_id=group_id, next_groups=next_groups):
        field, message = warning.field, warning.message
        if field.startswith("members."):
            member = group.members[int(field.split(".")[1])]
            user = directory.users.get(member.user_id)
            who = user.name if user else f"Member {int(field.split('.')[1]) + 1}"
            sentences.append(f"{who} {message}")
        elif field.startswith("numbers.") or field == "members":
            sentences.append(message[:1].upper() + message[1:])
        else:
            subject = next((s for f, s in subjects.items() if field.startswith(f)), field)
            sentences.append(f"{subject} {message}")
    return sentences
