"""One small class per aggregate over a ``Session``; queries in ``select()`` style.

Repositories add and change rows but never commit: the unit of work does.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, func, insert, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import PbxIds
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.storage.mapping import (
    StoredGroup,
    group_from,
    group_json,
    ids_of,
    name_key,
    numbers_of,
)
from bot.storage.models import (
    Account,
    AccountNumber,
    GroupLead,
    GroupMember,
    GroupRecord,
    GroupRevisionRecord,
    NumberKind,
    OutboxEntry,
    PbxDevice,
    PbxMedia,
    PbxMenu,
    PbxUser,
    PbxVoicemailBox,
    Workspace,
)

_Row = TypeVar("_Row", PbxDevice, PbxVoicemailBox, PbxMenu, PbxMedia)
_Named = PbxDevice | PbxVoicemailBox | PbxMenu | PbxMedia


class Workspaces:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, team_id: str) -> Workspace | None:
        return self.session.scalar(select(Workspace).where(Workspace.team_id == team_id))

    def by_id(self, workspace_id: int) -> Workspace | None:
        return self.session.get(Workspace, workspace_id)

    def all(self) -> Sequence[Workspace]:
        return self.session.scalars(select(Workspace).order_by(Workspace.team_id)).all()

    def ensure_account(self, account_id: str, now: datetime) -> None:
        """The account row, created if absent; two writers creating it at once both succeed."""
        if self.session.get(Account, account_id) is not None:
            return
        values = {"id": account_id, "created_at": now}
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(pg_insert(Account).values(values).on_conflict_do_nothing())
        else:
            self.session.execute(sqlite_insert(Account).values(values).on_conflict_do_nothing())

    def add(self, workspace: Workspace) -> Workspace:
        self.session.add(workspace)
        self.session.flush()
        return workspace


class Directories:
    """The PBX directory of an account (users, devices, boxes, menus, media)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, account_id: str) -> Directory:
        """The whole directory, every group of the account as a ``GroupFact`` included:
        for what resolves any name of the account (a change, the features form, imports).
        Six column queries; one for the groups, whose rows it costs."""
        return Directory(
            users=self._user_facts(account_id, true()),
            devices=self._names(PbxDevice, account_id, None),
            vmboxes=self._names(PbxVoicemailBox, account_id, None),
            menus=self._menu_facts(account_id, None),
            media=self._names(PbxMedia, account_id, None),
            groups=self._group_facts(account_id, true()),
        )

    def around(self, account_id: str, groups: Iterable[Group]) -> Directory:
        """The part of the directory ``groups`` refer to, whatever the account holds:
        their members, their next actions' targets (a group with its user callflow and
        numbers), their ringback media; and, for the account-wide rules, whoever holds
        one of their numbers and the groups with one of their names. That is all the
        engine's ``check_in_account``, ``compile_group``, ``lint`` and ``describe_change``
        read about them. Two to six small queries."""
        groups = builtins.list(groups)
        users: set[str] = set()
        targets: dict[NextActionKind, set[str]] = defaultdict(set)
        media: set[str] = set()
        for group in groups:
            users.update(m.user_id for m in group.members)
            action = group.features.next_action
            if action.target_id is not None:
                targets[action.kind].add(action.target_id)
            ringback = group.features.ringback
            if ringback.kind is RingbackKind.MEDIA and ringback.media_id is not None:
                media.add(ringback.media_id)
        users |= targets[NextActionKind.USER]
        numbers = {n for group in groups for n in group.all_numbers}
        # the groups answering one of those numbers (the user ones come with their row)
        holders = (
            select(AccountNumber.group_id)
            .where(AccountNumber.account_id == account_id, AccountNumber.number.in_(numbers))
            .correlate(None)
        )
        return Directory(
            users=self._user_facts(
                account_id, or_(PbxUser.pbx_id.in_(users), AccountNumber.number.in_(numbers))
            ),
            devices=self._names(PbxDevice, account_id, targets[NextActionKind.DEVICE]),
            vmboxes=self._names(PbxVoicemailBox, account_id, targets[NextActionKind.VOICEMAIL]),
            menus=self._menu_facts(account_id, targets[NextActionKind.MENU]),
            media=self._names(PbxMedia, account_id, media),
            groups=self._group_facts(
                account_id,
                or_(
                    GroupRecord.pbx_group_id.in_(targets[NextActionKind.GROUP]),
                    GroupRecord.name_key.in_({name_key(g.name) for g in groups}),
                    GroupRecord.id.in_(holders),
                ),
            ),
        )

    def user_names(self, account_id: str, pbx_ids: Collection[str]) -> dict[str, str]:
        """The names of the users ``pbx_ids`` that are in the directory."""
        if not pbx_ids:
            return {}
        rows = self.session.execute(
            select(PbxUser.pbx_id, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.pbx_id.in_(pbx_ids)
            )
        )
        return {pbx_id: name for pbx_id, name in rows}

    def member_names(self, account_id: str) -> dict[str, str]:
        """The names of the users that are members of one of the account's groups."""
        members = (
            select(GroupMember.user_id)
            .join(GroupRecord, GroupRecord.id == GroupMember.group_id)
            .where(GroupRecord.account_id == account_id)
        )
        rows = self.session.execute(
            select(PbxUser.pbx_id, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.pbx_id.in_(members)
            )
        )
        return {pbx_id: name for pbx_id, name in rows}

    def slack_names(self, account_id: str, slack_users: Collection[str]) -> dict[str, str]:
        """The names of the users linked to the Slack users ``slack_users``."""
        if not slack_users:
            return {}
        rows = self.session.execute(
            select(PbxUser.slack_user, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.slack_user.in_(slack_users)
            )
        )
        return {slack_user: name for slack_user, name in rows if slack_user}

    def _user_facts(self, account_id: str, where: ColumnElement[bool]) -> dict[str, UserFact]:
        rows = self.session.execute(
            select(
                PbxUser.pbx_id,
                PbxUser.name,
                PbxUser.email,
                PbxUser.main_callflow_id,
                AccountNumber.number,
            )
            .outerjoin(AccountNumber, AccountNumber.user_id == PbxUser.id)
            .where(PbxUser.account_id == account_id, where)
            .order_by(PbxUser.id)
        )
        return {
            pbx_id: UserFact(name=name, extension=number, email=email, main_callflow_id=flow)
            for pbx_id, name, email, flow, number in rows
        }

    def _names(
        self, model: type[_Named], account_id: str, pbx_ids: Collection[str] | None
    ) -> dict[str, str]:
        """Id -> name of the rows of ``model``: all of them, or those of ``pbx_ids``."""
        if pbx_ids is not None and not pbx_ids:
            return {}
        query = select(model.pbx_id, model.name).where(model.account_id == account_id)
        if pbx_ids is not None:
            query = query.where(model.pbx_id.in_(pbx_ids))
        return {pbx_id: name for pbx_id, name in self.session.execute(query.order_by(model.id))}

    def _menu_facts(self, account_id: str, pbx_ids: Collection[str] | None) -> dict[str, MenuFact]:
        if pbx_ids is not None and not pbx_ids:
            return {}
        query = select(PbxMenu.pbx_id, PbxMenu.name, PbxMenu.callflow_id).where(
            PbxMenu.account_id == account_id
        )
        if pbx_ids is not None:
            query = query.where(PbxMenu.pbx_id.in_(pbx_ids))
        rows = self.session.execute(query.order_by(PbxMenu.id))
        return {pbx_id: MenuFact(name=name, callflow_id=flow) for pbx_id, name, flow in rows}

    def _group_facts(self, account_id: str, where: ColumnElement[bool]) -> dict[str, GroupFact]:
        """The groups ``where`` picks, each with every number it answers, in order."""
        rows = self.session.execute(
            select(
                GroupRecord.pbx_group_id,
                GroupRecord.name,
                GroupRecord.user_callflow_id,
                AccountNumber.number,
            )
            .outerjoin(AccountNumber, AccountNumber.group_id == GroupRecord.id)
            .where(GroupRecord.account_id == account_id, where)
            .order_by(GroupRecord.id, AccountNumber.position)
        )
        found: dict[str, tuple[str, str, list[str]]] = {}
        for pbx_group_id, name, flow, number in rows:
            _, _, numbers = found.setdefault(pbx_group_id, (name, flow, []))
            if number is not None:
                numbers.append(number)
        return {
            pbx_group_id: GroupFact(name=name, user_callflow_id=flow, numbers=tuple(numbers))
            for pbx_group_id, (name, flow, numbers) in found.items()
        }

    def users(self, account_id: str) -> Sequence[PbxUser]:
        return self.session.scalars(
            select(PbxUser).where(PbxUser.account_id == account_id).order_by(PbxUser.id)
        ).all()

    def devices(self, account_id: str) -> Sequence[PbxDevice]:
        return self._all(PbxDevice, account_id)

    def vmboxes(self, account_id: str) -> Sequence[PbxVoicemailBox]:
        return self._all(PbxVoicemailBox, account_id)

    def menus(self, account_id: str) -> Sequence[PbxMenu]:
        return self._all(PbxMenu, account_id)

    def media(self, account_id: str) -> Sequence[PbxMedia]:
        return self._all(PbxMedia, account_id)

    def _all(self, model: type[_Row], account_id: str) -> Sequence[_Row]:
        return self.session.scalars(
            select(model).where(model.account_id == account_id).order_by(model.id)
        ).all()

    def is_empty(self, account_id: str) -> bool:
        count = self.session.scalar(
            select(func.count()).select_from(PbxUser).where(PbxUser.account_id == account_id)
        )
        return not count

    def user_for_slack(self, account_id: str, slack_user: str) -> PbxUser | None:
        return self.session.scalars(
            select(PbxUser).where(
                PbxUser.account_id == account_id, PbxUser.slack_user == slack_user
            )
        ).first()

    def user_for_email(self, account_id: str, email: str) -> PbxUser | None:
        return self.session.scalars(
            select(PbxUser).where(
                PbxUser.account_id == account_id, func.lower(PbxUser.email) == email.lower()
            )
        ).first()

    def clear(self, account_id: str) -> None:
        """Remove the directory (users' extensions go with them); groups stay."""
        for model in (PbxDevice, PbxVoicemailBox, PbxMenu, PbxMedia, PbxUser):
            self.session.execute(delete(model).where(model.account_id == account_id))
        self.session.flush()
        self.session.expunge_all()

    def add_user(self, account_id: str, user: PbxUser, extension: str | None) -> None:
        self.session.add(user)
        self.session.flush()
        if extension is not None:
            self.session.add(
                AccountNumber(
                    account_id=account_id,
                    number=extension,
                    kind=NumberKind.USER_EXTENSION,
                    user_id=user.id,
                )
            )

    def add(self, row: PbxDevice | PbxVoicemailBox | PbxMenu | PbxMedia) -> None:
        self.session.add(row)


@dataclass(frozen=True)
class NumberHolder:
    number: str
    group_name: str | None
    user_name: str | None

    def __str__(self) -> str:
        return f"group {self.group_name}" if self.group_name else f"user {self.user_name}"


class Groups:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stored(self, account_id: str) -> builtins.list[StoredGroup]:
        """Every group of the account, by name: four column queries (groups, members,
        numbers, leads), however many groups and members there are."""
        in_account = GroupRecord.account_id == account_id
        group_ids = select(GroupRecord.id).where(in_account)
        rows = self.session.execute(
            select(
                GroupRecord.id,
                GroupRecord.pbx_group_id,
                GroupRecord.base_callflow_id,
                GroupRecord.user_callflow_id,
                GroupRecord.base_number,
                GroupRecord.name,
                GroupRecord.repeats,
                GroupRecord.strategy,
                GroupRecord.features,
                GroupRecord.version,
                GroupRecord.created_by,
                GroupRecord.updated_by,
                GroupRecord.updated_at,
            )
            .where(in_account)
            .order_by(GroupRecord.name_key)
        ).all()
        members: dict[int, builtins.list[tuple[str, int, int]]] = defaultdict(builtins.list)
        for group_id, user_id, start, end in self.session.execute(
            select(
                GroupMember.group_id,
                GroupMember.user_id,
                GroupMember.start_seconds,
                GroupMember.end_seconds,
            )
            .where(GroupMember.group_id.in_(group_ids))
            .order_by(GroupMember.group_id, GroupMember.position)
        ):
            members[group_id].append((user_id, start, end))
        numbers: dict[int | None, builtins.list[tuple[str, str]]] = defaultdict(builtins.list)
        for owner, kind, number in self.session.execute(
            select(AccountNumber.group_id, AccountNumber.kind, AccountNumber.number)
            .where(AccountNumber.account_id == account_id, AccountNumber.group_id.is_not(None))
            .order_by(AccountNumber.group_id, AccountNumber.position)
        ):
            numbers[owner].append((kind, number))
        leads: dict[int, set[str]] = defaultdict(set)
        for group_id, slack_user in self.session.execute(
            select(GroupLead.group_id, GroupLead.slack_user).where(
                GroupLead.group_id.in_(group_ids)
            )
        ):
            leads[group_id].add(slack_user)
        return [
            StoredGroup(
                id=row.id,
                ids=ids_of(row),
                group=group_from(
                    row.name,
                    row.repeats,
                    row.strategy,
                    row.features,
                    numbers[row.id],
                    members[row.id],
                ),
                version=row.version,
                created_by=row.created_by,
                leads=frozenset(leads[row.id]),
                updated_at=row.updated_at,
                updated_by=row.updated_by,
            )
            for row in rows
        ]

    def sending_to(self, account_id: str, pbx_group_id: str) -> builtins.list[str]:
        """The names of the other groups whose next action is the group ``pbx_group_id``."""
        action = GroupRecord.features["next_action"]
        return builtins.list(
            self.session.scalars(
                select(GroupRecord.name)
                .where(
                    GroupRecord.account_id == account_id,
                    GroupRecord.pbx_group_id != pbx_group_id,
                    action["kind"].as_string() == NextActionKind.GROUP.value,
                    action["target_id"].as_string() == pbx_group_id,
                )
                .order_by(GroupRecord.name_key)
            )
        )

    def names(self, account_id: str) -> builtins.list[str]:
        return builtins.list(
            self.session.scalars(
                select(GroupRecord.name).where(GroupRecord.account_id == account_id)
            )
        )

    def find(self, account_id: str, ref: str) -> GroupRecord | None:
        """By name (any case, spaces squeezed) or by any of the group's numbers."""
        ref = ref.strip()
        found = self.session.scalar(
            select(GroupRecord).where(
                GroupRecord.account_id == account_id, GroupRecord.name_key == name_key(ref)
            )
        )
        if found is not None:
            return found
        return self.session.scalar(
            select(GroupRecord)
            .join(AccountNumber, AccountNumber.group_id == GroupRecord.id)
            .where(AccountNumber.account_id == account_id, AccountNumber.number == ref)
        )

    def by_pbx_id(self, account_id: str, pbx_group_id: str) -> GroupRecord | None:
        return self.session.scalar(
            select(GroupRecord).where(
                GroupRecord.account_id == account_id, GroupRecord.pbx_group_id == pbx_group_id
            )
        )

    def holder_of(self, account_id: str, number: str) -> NumberHolder | None:
        row = self.session.execute(
            select(AccountNumber.number, GroupRecord.name, PbxUser.name)
            .outerjoin(GroupRecord, AccountNumber.group_id == GroupRecord.id)
            .outerjoin(PbxUser, AccountNumber.user_id == PbxUser.id)
            .where(AccountNumber.account_id == account_id, AccountNumber.number == number)
        ).first()
        return None if row is None else NumberHolder(row[0], row[1], row[2])

    def add(
        self, account_id: str, ids: PbxIds, group: Group, *, by: str, now: datetime
    ) -> GroupRecord:
        record = GroupRecord(
            account_id=account_id,
            pbx_group_id=ids.group_id,
            base_callflow_id=ids.base_callflow_id,
            user_callflow_id=ids.user_callflow_id,
            base_number=ids.base_number,
            version=1,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
            **self._columns(group),
        )
        self.session.add(record)
        self.session.flush()
        self.session.add(GroupLead(group_id=record.id, slack_user=by))
        self._write_children(record, group)
        return self.refreshed(record)

    def save(
        self, record: GroupRecord, group: Group, *, version: int, by: str, now: datetime
    ) -> bool:
        """Compare-and-set: write ``group`` only if the stored version is still ``version``."""
        result = self.session.execute(
            update(GroupRecord)
            .where(GroupRecord.id == record.id, GroupRecord.version == version)
            .values(version=version + 1, updated_by=by, updated_at=now, **self._columns(group))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        self._write_children(record, group)
        return True

    def delete(self, record: GroupRecord, *, version: int) -> bool:
        result = self.session.execute(
            delete(GroupRecord)
            .where(GroupRecord.id == record.id, GroupRecord.version == version)
            .execution_options(synchronize_session=False)
        )
        self.session.expunge(record)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def set_leads(self, record: GroupRecord, leads: frozenset[str]) -> None:
        self.session.execute(delete(GroupLead).where(GroupLead.group_id == record.id))
        self.session.add_all(GroupLead(group_id=record.id, slack_user=u) for u in sorted(leads))
        self.session.flush()

    def refreshed(self, record: GroupRecord) -> GroupRecord:
        self.session.flush()
        self.session.refresh(record)
        return record

    @staticmethod
    def _columns(group: Group) -> dict[str, object]:
        return {
            "name": group.name,
            "name_key": name_key(group.name),
            "repeats": group.repeats,
            "strategy": group.strategy.value,
            "features": group.features.model_dump(mode="json"),
        }

    def _write_children(self, record: GroupRecord, group: Group) -> None:
        """The group's members and numbers as ``group`` has them, in a few statements."""
        self.session.execute(delete(GroupMember).where(GroupMember.group_id == record.id))
        wanted = {number: (kind, i) for i, (kind, number) in enumerate(numbers_of(group))}
        # numbers that stay keep their row, so the unique (account, number) never trips on them
        self.session.execute(
            delete(AccountNumber).where(
                AccountNumber.group_id == record.id, AccountNumber.number.not_in(list(wanted))
            )
        )
        kept = {
            number: (kind, position)
            for number, kind, position in self.session.execute(
                select(AccountNumber.number, AccountNumber.kind, AccountNumber.position).where(
                    AccountNumber.group_id == record.id
                )
            )
        }
        for number, place in wanted.items():
            if number in kept and kept[number] != place:
                kind, position = place
                self.session.execute(
                    update(AccountNumber)
                    .where(AccountNumber.group_id == record.id, AccountNumber.number == number)
                    .values(kind=kind, position=position)
                )
        new = [
            {
                "account_id": record.account_id,
                "number": number,
                "kind": kind,
                "position": position,
                "group_id": record.id,
            }
            for number, (kind, position) in wanted.items()
            if number not in kept
        ]
        if new:
            self.session.execute(insert(AccountNumber), new)
        members = [
            {
                "group_id": record.id,
                "position": i,
                "user_id": m.user_id,
                "start_seconds": m.start,
                "end_seconds": m.end,
            }
            for i, m in enumerate(group.members)
        ]
        if members:
            self.session.execute(insert(GroupMember), members)
        self.session.flush()


class Revisions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        record: GroupRecord,
        *,
        number: int,
        at: datetime,
        by: str,
        summary: str,
        before: Group | None,
        after: Group | None,
    ) -> GroupRevisionRecord:
        revision = GroupRevisionRecord(
            account_id=record.account_id,
            pbx_group_id=record.pbx_group_id,
            group_id=record.id if after is not None else None,
            number=number,
            at=at,
            by=by,
            summary=summary if len(summary) <= 255 else summary[:254] + "…",
            before=group_json(before),
            after=group_json(after),
        )
        self.session.add(revision)
        self.session.flush()
        return revision

    def list(self, account_id: str, pbx_group_id: str, limit: int) -> Sequence[GroupRevisionRecord]:
        return self.session.scalars(
            select(GroupRevisionRecord)
            .where(
                GroupRevisionRecord.account_id == account_id,
                GroupRevisionRecord.pbx_group_id == pbx_group_id,
            )
            .order_by(GroupRevisionRecord.number.desc())
            .limit(limit)
        ).all()

    def latest(self, account_id: str, pbx_group_id: str) -> GroupRevisionRecord | None:
        found = self.list(account_id, pbx_group_id, 1)
        return found[0] if found else None


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        account_id: str,
        pbx_group_id: str,
        op: str,
        documents: list[list[object]],
        now: datetime,
    ) -> OutboxEntry:
        entry = OutboxEntry(
            account_id=account_id,
            pbx_group_id=pbx_group_id,
            op=op,
            documents={"documents": documents},
            attempts=0,
            created_at=now,
        )
        self.session.add(entry)
        self.session.flush()
        return entry

    def pending(self, account_id: str | None = None) -> Sequence[OutboxEntry]:
        query = select(OutboxEntry).where(OutboxEntry.acked_at.is_(None))
        if account_id is not None:
            query = query.where(OutboxEntry.account_id == account_id)
        return self.session.scalars(query.order_by(OutboxEntry.id)).all()

    def pending_groups(
        self, account_id: str, pbx_group_ids: Collection[str] | None = None
    ) -> set[str]:
        """The groups with a pending entry: of the account, or those of ``pbx_group_ids``."""
        if pbx_group_ids is None:
            return set(self.pending_in_order(account_id))
        return set(
            self.session.scalars(
                select(OutboxEntry.pbx_group_id)
                .where(
                    OutboxEntry.account_id == account_id,
                    OutboxEntry.acked_at.is_(None),
                    OutboxEntry.pbx_group_id.in_(pbx_group_ids),
                )
                .distinct()
            )
        )

    def pending_in_order(self, account_id: str) -> builtins.list[str]:
        """The groups with a pending entry, the one waiting longest first."""
        first = func.min(OutboxEntry.id)
        return builtins.list(
            self.session.scalars(
                select(OutboxEntry.pbx_group_id)
                .where(OutboxEntry.account_id == account_id, OutboxEntry.acked_at.is_(None))
                .group_by(OutboxEntry.pbx_group_id)
                .order_by(first)
            )
        )

    def pending_accounts(self) -> builtins.list[str]:
        return builtins.list(
            self.session.scalars(
                select(OutboxEntry.account_id)
                .where(OutboxEntry.acked_at.is_(None))
                .distinct()
                .order_by(OutboxEntry.account_id)
            )
        )

    def claim(self, account_id: str, pbx_group_id: str, now: datetime) -> Sequence[OutboxEntry]:
        """The group's pending entries (oldest first), locked until the transaction ends.

        Writing to them first takes PostgreSQL's row locks (and SQLite's one write lock),
        so a second process pushing the same group waits, then finds them acknowledged:
        an older document can never reach the PBX after a newer one."""
        pending = (
            OutboxEntry.account_id == account_id,
            OutboxEntry.pbx_group_id == pbx_group_id,
            OutboxEntry.acked_at.is_(None),
        )
        self.session.execute(
            update(OutboxEntry)
            .where(*pending)
            .values(last_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return self.session.scalars(
            select(OutboxEntry)
            .where(*pending)
            .order_by(OutboxEntry.id)
            .execution_options(populate_existing=True)
        ).all()

    def ack(self, account_id: str, pbx_group_id: str, up_to: int, now: datetime) -> None:
        """Every pending entry of the group up to ``up_to``: the latest carries them all."""
        self.session.execute(
            update(OutboxEntry)
            .where(
                OutboxEntry.account_id == account_id,
                OutboxEntry.pbx_group_id == pbx_group_id,
                OutboxEntry.id <= up_to,
                OutboxEntry.acked_at.is_(None),
            )
            .values(acked_at=now, last_attempt_at=now, attempts=OutboxEntry.attempts + 1)
        )

    def failed(self, entry_id: int, error: str, now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(last_error=error[:2000], last_attempt_at=now, attempts=OutboxEntry.attempts + 1)
        )
