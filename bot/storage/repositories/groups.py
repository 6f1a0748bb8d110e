"""Ring groups: their rows, members, numbers and leads."""

from __future__ import annotations

import builtins
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.engine.documents import PbxIds
from bot.engine.model import Group, NextActionKind
from bot.storage.mapping import StoredGroup, group_from, ids_of, name_key, numbers_of
from bot.storage.models import (
    AccountNumber,
    GroupLead,
    GroupMember,
    GroupRecord,
    NumberKind,
    PbxUser,
)
from bot.storage.portable_groups import SLACK_USER_ID


@dataclass(frozen=True)
class SummaryRow:
    """What a list shows of a stored group, straight from its columns (validated when
    it was saved, so not again): no ``Group``, no members, only how many."""

    id: int
    pbx_group_id: str
    name: str
    features: dict[str, Any]
    version: int
    created_by: str
    numbers: builtins.list[tuple[str, str]]  # (kind, number), in their order
    member_count: int
    leads: frozenset[str]

    def split_numbers(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """(extension, extra extensions, phone numbers), each in their order."""
        by_kind: dict[str, builtins.list[str]] = {}
        for kind, number in self.numbers:
            by_kind.setdefault(kind, []).append(number)
        return (
            by_kind[NumberKind.EXTENSION][0],
            tuple(by_kind.get(NumberKind.EXTRA_EXTENSION, ())),
            tuple(by_kind.get(NumberKind.NUMBER, ())),
        )


@dataclass(frozen=True)
class MembershipRow:
    """A group someone rings in, as App Home's "My groups" lists it: one row of one query."""

    id: int
    pbx_group_id: str
    name: str
    version: int
    extension: str
    paused_until: datetime | None  # theirs, in this group


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
        members: dict[int, builtins.list[tuple[str, int, int, datetime | None]]] = defaultdict(
            builtins.list
        )
        for group_id, user_id, start, end, paused in self.session.execute(
            select(
                GroupMember.group_id,
                GroupMember.user_id,
                GroupMember.start_seconds,
                GroupMember.end_seconds,
                GroupMember.paused_until,
            )
            .where(GroupMember.group_id.in_(group_ids))
            .order_by(GroupMember.group_id, GroupMember.position)
        ):
            members[group_id].append((user_id, start, end, paused))
        numbers = self._numbers_by_group(account_id)
        leads = self._leads_by_group(group_ids)
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

    def summaries(self, account_id: str) -> builtins.list[SummaryRow]:
        """Every group of the account, by name, as a list shows it: four column queries
        (groups, member counts, numbers, leads), however many groups there are."""
        in_account = GroupRecord.account_id == account_id
        group_ids = select(GroupRecord.id).where(in_account)
        rows = self.session.execute(
            select(
                GroupRecord.id,
                GroupRecord.pbx_group_id,
                GroupRecord.name,
                GroupRecord.features,
                GroupRecord.version,
                GroupRecord.created_by,
            )
            .where(in_account)
            .order_by(GroupRecord.name_key)
        ).all()
        counts: dict[int, int] = {
            group_id: count
            for group_id, count in self.session.execute(
                select(GroupMember.group_id, func.count())
                .where(GroupMember.group_id.in_(group_ids))
                .group_by(GroupMember.group_id)
            )
        }
        numbers = self._numbers_by_group(account_id)
        leads = self._leads_by_group(group_ids)
        return [
            SummaryRow(
                id=row.id,
                pbx_group_id=row.pbx_group_id,
                name=row.name,
                features=row.features,
                version=row.version,
                created_by=row.created_by,
                numbers=numbers[row.id],
                member_count=counts.get(row.id, 0),
                leads=frozenset(leads[row.id]),
            )
            for row in rows
        ]

    def _numbers_by_group(
        self, account_id: str
    ) -> dict[int | None, builtins.list[tuple[str, str]]]:
        """(kind, number) of every group of the account, in each group's order."""
        numbers: dict[int | None, builtins.list[tuple[str, str]]] = defaultdict(builtins.list)
        for owner, kind, number in self.session.execute(
            select(AccountNumber.group_id, AccountNumber.kind, AccountNumber.number)
            .where(AccountNumber.account_id == account_id, AccountNumber.group_id.is_not(None))
            .order_by(AccountNumber.group_id, AccountNumber.position)
        ):
            numbers[owner].append((kind, number))
        return numbers

    def _leads_by_group(self, group_ids: Select[int]) -> dict[int, set[str]]:
        leads: dict[int, set[str]] = defaultdict(set)
        for group_id, slack_user in self.session.execute(
            select(GroupLead.group_id, GroupLead.slack_user).where(
                GroupLead.group_id.in_(group_ids)
            )
        ):
            leads[group_id].add(slack_user)
        return leads

    def memberships(self, account_id: str, user_id: str) -> builtins.list[MembershipRow]:
        """The groups the PBX user ``user_id`` is a member of, by name: one query, however
        many groups the account has."""
        extension = (
            select(AccountNumber.number)
            .where(
                AccountNumber.group_id == GroupRecord.id,
                AccountNumber.kind == NumberKind.EXTENSION,
            )
            .order_by(AccountNumber.position)
            .limit(1)
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(
                GroupRecord.id,
                GroupRecord.pbx_group_id,
                GroupRecord.name,
                GroupRecord.version,
                extension,
                GroupMember.paused_until,
            )
            .join(GroupMember, GroupMember.group_id == GroupRecord.id)
            .where(GroupRecord.account_id == account_id, GroupMember.user_id == user_id)
            .order_by(GroupRecord.name_key)
        )
        return [MembershipRow(*row) for row in rows]

    def of_member(self, account_id: str, user_id: str) -> builtins.list[GroupRecord]:
        """The groups (rows) the PBX user ``user_id`` is a member of, by name."""
        return builtins.list(
            self.session.scalars(
                select(GroupRecord)
                .join(GroupMember, GroupMember.group_id == GroupRecord.id)
                .where(GroupRecord.account_id == account_id, GroupMember.user_id == user_id)
                .order_by(GroupRecord.name_key)
            )
        )

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

    def uses_ids(self, account_id: str, ids: PbxIds) -> bool:
        """Whether a group of the account has any of these document ids or base number."""
        return (
            self.session.scalar(
                select(GroupRecord.id)
                .where(
                    GroupRecord.account_id == account_id,
                    (GroupRecord.pbx_group_id == ids.group_id)
                    | GroupRecord.base_callflow_id.in_([ids.base_callflow_id, ids.user_callflow_id])
                    | GroupRecord.user_callflow_id.in_([ids.base_callflow_id, ids.user_callflow_id])
                    | (GroupRecord.base_number == ids.base_number),
                )
                .limit(1)
            )
            is not None
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
        self,
        account_id: str,
        ids: PbxIds,
        group: Group,
        *,
        by: str,
        now: datetime,
        version: int = 1,
    ) -> GroupRecord:
        """A new group; ``version`` more than 1 for a restored one, whose history goes on."""
        record = GroupRecord(
            account_id=account_id,
            pbx_group_id=ids.group_id,
            base_callflow_id=ids.base_callflow_id,
            user_callflow_id=ids.user_callflow_id,
            base_number=ids.base_number,
            version=version,
            created_by=by,
            created_at=now,
            updated_by=by,
            updated_at=now,
            **self._columns(group),
        )
        self.session.add(record)
        self.session.flush()
        if SLACK_USER_ID.fullmatch(by):  # not the command line's imports: no one's lead
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
                "paused_until": m.paused_until,
            }
            for i, m in enumerate(group.members)
        ]
        if members:
            self.session.execute(insert(GroupMember), members)
        self.session.flush()
