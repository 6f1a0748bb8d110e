"""Groups as portable YAML: ``groupbot export`` and ``groupbot import``.

An import is one unit of work: every group of the file is checked against the account
and against the rest of the file first, and only when all of them can be saved are they
saved, together; else nothing is, and every refusal is named. A group of the file that
has the name of a group of the account replaces it; the others are created.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.engine.changes import describe_change, names_in
from bot.engine.directory import Directory, GroupFact
from bot.engine.documents import GroupDocuments, PbxIds
from bot.engine.model import Group
from bot.engine.validation import GroupRejected
from bot.errors import Conflict, Forbidden
from bot.services.groups import GroupUseCases, _check_rules, _compile, _lint, upserts
from bot.services.types import Actor, SaveResult
from bot.storage.errors import Taken
from bot.storage.mapping import group_of, ids_of
from bot.storage.portable_groups import (
    PortableEntry,
    PortableFileError,
    entry_name,
    export_groups,
    parse_portable_groups,
    portable_entries,
    problem_line,
)
from bot.storage.repositories import GroupRecord
from bot.storage.unit_of_work import UnitOfWork

IMPORTED = "imported"  # how the history labels a group's import


@dataclass(frozen=True)
class ImportedGroup:
    """What an import did to one group of the file."""

    result: SaveResult
    outcome: str  # "created", "replaced", "leads replaced" or "unchanged"


@dataclass(frozen=True)
class _Planned:
    """One group of the file, checked and compiled, ready to be written."""

    entry: PortableEntry
    group: Group
    record: GroupRecord | None
    before: Group | None
    ids: PbxIds
    documents: GroupDocuments
    directory: Directory


class PortableUseCases(GroupUseCases):
    def export_groups(self, team_id: str) -> str:
        """Every group as portable YAML: members by email, targets by name."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            return export_groups(
                [(g.group, sorted(g.leads)) for g in uow.groups.stored(account)],
                uow.directory.load(account),
                {u.pbx_id: u.email for u in uow.directory.users(account)},
            )

    def import_groups(
        self, actor: Actor, text: str, *, source: str = "file"
    ) -> list[ImportedGroup]:
        """Create the file's groups, or replace those of the same name (admins only), all
        in one commit; ``PortableFileError`` names every group that cannot be saved, and
        then nothing is. ``source`` names the file in a syntax error."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can import groups.")
        raw = portable_entries(text, source)
        now = self._clock()
        with self._uow() as uow:
            account = self._account_for_write(uow, actor.team_id, now)
            plans, problems = self._plan(uow, account, raw)
            if problems:
                raise PortableFileError(problems)
            try:
                with uow.claiming():
                    done = [self._write(uow, actor, account, plan) for plan in plans]
                    uow.commit()
            except Taken:
                raise Conflict(
                    "Another change took one of these names or numbers while the file was "
                    "being imported: run the import again"
                ) from None
        for imported, plan in zip(done, plans, strict=True):
            if imported.outcome in ("created", "replaced"):
                self._saved(account, plan.ids.group_id)  # pushed after the acknowledgement
        return done

    def _plan(
        self, uow: UnitOfWork, account: str, raw: list[object]
    ) -> tuple[list[_Planned], dict[str, str]]:
        """Every entry checked as it would be saved, next to the account and the rest of
        the file: the plans, and the problems (one line each) when there are any."""
        records: dict[str, GroupRecord | None] = {}
        ids: dict[str, PbxIds] = {}
        # the file's groups are in the account too, as far as its next actions go
        named: dict[str, GroupFact] = {}
        problems: dict[str, str] = {}
        for entry in raw:
            name = entry_name(entry)
            key = name.casefold()
            if not name or key in ids:
                continue
            record = uow.groups.find(account, name)
            records[key] = record if record and record.name.casefold() == key else None
            ids[key] = ids_of(record) if records[key] is not None else PbxIds.new()
            named[ids[key].group_id] = GroupFact(
                name=name, user_callflow_id=ids[key].user_callflow_id
            )
        loaded = uow.directory.load(account)
        directory = loaded.model_copy(update={"groups": {**loaded.groups, **named}})
        emails = {u.email: u.pbx_id for u in uow.directory.users(account) if u.email}
        entries = parse_portable_groups(raw, directory, emails)
        facts: dict[str, GroupFact] = {}  # the file's groups with their numbers: first of a name
        for e in entries:
            if e.group is not None and e.name.casefold() in ids:
                own = ids[e.name.casefold()]
                facts.setdefault(
                    own.group_id,
                    GroupFact(
                        name=e.group.name,
                        user_callflow_id=own.user_callflow_id,
                        numbers=tuple(e.group.all_numbers),
                    ),
                )
        first: dict[str, PortableEntry] = {}
        plans = []
        for entry in entries:
            errors = dict(entry.errors)
            key = entry.name.casefold()
            same = first.setdefault(key, entry) if entry.name else entry
            if same is not entry:
                errors["name"] = (
                    f"group {same.position} of this file is also named {same.name}; "
                    "give one of them another name"
                )
            if entry.group is not None and same is entry and key in ids and not errors:
                try:
                    plans.append(self._checked(uow, account, entry, records[key], ids[key], facts))
                except GroupRejected as rejected:
                    errors.update(rejected.errors)
            for path, message in errors.items():
                problems[f"{entry.position}:{path}"] = problem_line(entry, path, message)
        return plans, problems

    def _checked(
        self,
        uow: UnitOfWork,
        account: str,
        entry: PortableEntry,
        record: GroupRecord | None,
        ids: PbxIds,
        file_groups: dict[str, GroupFact],
    ) -> _Planned:
        """The account's rules and the compiler, as a single save runs them, with the
        file's groups standing in for (or next to) the account's."""
        assert entry.group is not None
        group = entry.group
        before = group_of(record) if record is not None else None
        around = uow.directory.around(account, [group] if before is None else [before, group])
        directory = around.model_copy(update={"groups": {**around.groups, **file_groups}})
        _check_rules(group, directory, ids.group_id, before)
        documents = _compile(group, ids, directory, before)
        return _Planned(entry, group, record, before, ids, documents, directory)

    def _write(self, uow: UnitOfWork, actor: Actor, account: str, plan: _Planned) -> ImportedGroup:
        """Group, revision, outbox entry and leads of one planned group; no commit."""
        now = self._clock()
        record, ids, group = plan.record, plan.ids, plan.group
        warnings = tuple(_lint(group, plan.directory, ids.group_id))
        if record is not None and group == plan.before:
            outcome = "unchanged"
            leads = frozenset(plan.entry.leads) | {record.created_by}
            if plan.entry.leads and leads != {lead.slack_user for lead in record.leads}:
                uow.groups.set_leads(record, leads)
                outcome = "leads replaced"
            view = self._view_of(uow, uow.groups.refreshed(record))
            return ImportedGroup(SaveResult(view, warnings, None, "no change"), outcome)
        summary = f"{IMPORTED}: {describe_change(plan.before, group, names_in(plan.directory))}"
        if record is None:
            record = uow.groups.add(account, ids, group, by=actor.user_id, now=now)
            number, outcome = 1, "created"
        else:
            if not uow.groups.save(
                record, group, version=record.version, by=actor.user_id, now=now
            ):
                raise Conflict(
                    f"{record.name} changed while the file was being imported: run the import again"
                )
            number, outcome = record.version + 1, "replaced"
        uow.revisions.add(
            record,
            number=number,
            at=now,
            by=actor.user_id,
            summary=summary,
            before=plan.before,
            after=group,
        )
        changed = self._changed(uow, account, ids.group_id, upserts(plan.documents, ids))
        if changed:
            uow.outbox.add(account, ids.group_id, "upsert", changed, now)
        if plan.entry.leads:
            uow.groups.set_leads(record, frozenset(plan.entry.leads) | {record.created_by})
        view = self._view_of(uow, uow.groups.refreshed(record), group)
        result = SaveResult(view, warnings, None, summary)
        return ImportedGroup(replace(result, was=plan.before.name if plan.before else ""), outcome)
