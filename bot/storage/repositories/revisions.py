"""The revision history of each group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

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
