"""One small class per aggregate over a ``Session``; queries in ``select()`` style.

Repositories add and change rows but never commit: the unit of work does.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.engine.directory import Directory
from bot.engine.documents import PbxIds
from bot.engine.model import Group
from bot.storage.mapping import directory_of, group_json, name_key, numbers_of
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
        groups = self.session.scalars(
            select(GroupRecord).where(GroupRecord.account_id == account_id)
        ).all()
        return directory_of(
            self.users(account_id),
            self._all(PbxDevice, account_id),
            self._all(PbxVoicemailBox, account_id),
            self._all(PbxMenu, account_id),
            self._all(PbxMedia, account_id),
            [(g, g.numbers) for g in groups],
        )

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

    def list(self, account_id: str) -> Sequence[GroupRecord]:
        return self.session.scalars(
            select(GroupRecord)
            .where(GroupRecord.account_id == account_id)
            .order_by(GroupRecord.name_key)
        ).all()

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
        self.session.execute(delete(GroupMember).where(GroupMember.group_id == record.id))
        wanted = {number: (kind, i) for i, (kind, number) in enumerate(numbers_of(group))}
        # numbers that stay keep their row, so the unique (account, number) never trips on them
        self.session.execute(
            delete(AccountNumber).where(
                AccountNumber.group_id == record.id, AccountNumber.number.not_in(list(wanted))
            )
        )
        kept = set(
            self.session.scalars(
                select(AccountNumber.number).where(AccountNumber.group_id == record.id)
            )
        )
        for number, (kind, position) in wanted.items():
            if number in kept:
                self.session.execute(
                    update(AccountNumber)
                    .where(AccountNumber.group_id == record.id, AccountNumber.number == number)
                    .values(kind=kind, position=position)
                )
            else:
                self.session.add(
                    AccountNumber(
                        account_id=record.account_id,
                        number=number,
                        kind=kind,
                        position=position,
                        group_id=record.id,
                    )
                )
        self.session.add_all(
            GroupMember(
                group_id=record.id,
                position=i,
                user_id=m.user_id,
                start_seconds=m.start,
                end_seconds=m.end,
            )
            for i, m in enumerate(group.members)
        )
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

    def pending_groups(self, account_id: str) -> set[str]:
        return set(self.pending_in_order(account_id))

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
