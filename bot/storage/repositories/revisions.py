"""The revision history of each group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Text, cast, func, select
from sqlalchemy.orm import Session

from bot.engine.documents import PbxIds
from bot.engine.model import Group
from bot.storage.mapping import group_json
from bot.storage.models import GroupRecord, GroupRevisionRecord


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
        undoes: int | None = None,
        pbx_ids: PbxIds | None = None,
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
            undoes=undoes,
            pbx_ids=None if pbx_ids is None else pbx_ids.model_dump(mode="json"),
        )
        self.session.add(revision)
        self.session.flush()
        return revision

    def list(self, account_id: str, pbx_group_id: str, limit: int) -> Sequence[GroupRevisionRecord]:
        return self.session.scalars(
            select(GroupRevisionRecord)
            .where(*_of_group(account_id, pbx_group_id))
            .order_by(GroupRevisionRecord.number.desc())
            .limit(limit)
        ).all()

    def count(self, account_id: str, pbx_group_id: str) -> int:
        return (
            self.session.scalar(select(func.count()).where(*_of_group(account_id, pbx_group_id)))
            or 0
        )

    def to_undo(self, account_id: str, pbx_group_id: str) -> GroupRevisionRecord | None:
        """The newest change that is neither an undo nor undone yet: what the next undo
        reverts. A creation or a restore is the last such one an undo may find."""
        undone = select(GroupRevisionRecord.undoes).where(
            *_of_group(account_id, pbx_group_id), GroupRevisionRecord.undoes.is_not(None)
        )
        return self.session.scalars(
            select(GroupRevisionRecord)
            .where(
                *_of_group(account_id, pbx_group_id),
                GroupRevisionRecord.undoes.is_(None),
                GroupRevisionRecord.number.not_in(undone),
            )
            .order_by(GroupRevisionRecord.number.desc())
            .limit(1)
        ).first()

    def deletions(self, account_id: str) -> Sequence[GroupRevisionRecord]:
        """Every deletion in the account, newest first (a restored group's too)."""
        return self.session.scalars(
            select(GroupRevisionRecord)
            .where(
                GroupRevisionRecord.account_id == account_id,
                # JSON stores a Python None as JSON null, not as SQL NULL
                cast(GroupRevisionRecord.after, Text) == "null",
            )
            .order_by(GroupRevisionRecord.at.desc(), GroupRevisionRecord.id.desc())
        ).all()

    def latest(self, account_id: str, pbx_group_id: str) -> GroupRevisionRecord | None:
        found = self.list(account_id, pbx_group_id, 1)
        return found[0] if found else None


def _of_group(account_id: str, pbx_group_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        GroupRevisionRecord.account_id == account_id,
        GroupRevisionRecord.pbx_group_id == pbx_group_id,
    )
