"""The outbox of changes waiting to be pushed to the PBX."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.models import OutboxEntry


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
