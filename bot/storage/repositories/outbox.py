"""The outbox of changes waiting to be pushed to the PBX."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.storage.models import OutboxEntry, PbxDocumentRecord

DocKey = tuple[str, str]  # (collection, document id)


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

    def claim(
        self, account_id: str, pbx_group_id: str, now: datetime, until: datetime
    ) -> Sequence[OutboxEntry]:
        """The group's pending entries (oldest first) if this dispatcher gets the group,
        else none (another one is sending it). The group is claimed by its oldest pending
        entry, which stays pending until the group's push is done, so no dispatcher can
        send a later entry of the group first.

        PostgreSQL: the claim is the entry's row lock, ``FOR UPDATE SKIP LOCKED``, held
        until the transaction ends; a dispatcher that finds it locked skips the group
        instead of waiting. SQLite has no row locks, and its one write lock must not be
        held while the PBX is called (every save would wait): the claim is
        ``claimed_until``, set in a short transaction of its own and cleared by
        ``release``; one a killed process left lapses at ``until``.
        """
        pending = (
            OutboxEntry.account_id == account_id,
            OutboxEntry.pbx_group_id == pbx_group_id,
            OutboxEntry.acked_at.is_(None),
        )
        oldest = self.session.scalar(select(func.min(OutboxEntry.id)).where(*pending))
        if oldest is None:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            locked = self.session.scalar(
                select(OutboxEntry.id)
                .where(OutboxEntry.id == oldest, OutboxEntry.acked_at.is_(None))
                .with_for_update(skip_locked=True)
            )
            if locked is None:
                return []
        else:
            claimed = self.session.execute(
                update(OutboxEntry)
                .where(
                    OutboxEntry.id == oldest,
                    OutboxEntry.acked_at.is_(None),
                    or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until < now),
                )
                .values(claimed_until=until, last_attempt_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return []
        return self.session.scalars(
            select(OutboxEntry)
            .where(*pending)
            .order_by(OutboxEntry.id)
            .execution_options(populate_existing=True)
        ).all()

    def release(self, entry_id: int) -> None:
        """End a claim (SQLite's ``claimed_until``; PostgreSQL's ends with the transaction)."""
        self.session.execute(
            update(OutboxEntry).where(OutboxEntry.id == entry_id).values(claimed_until=None)
        )

    def pending_of(self, account_id: str, pbx_group_id: str) -> Sequence[OutboxEntry]:
        """The group's pending entries, oldest first (nothing locked)."""
        return self.session.scalars(
            select(OutboxEntry)
            .where(
                OutboxEntry.account_id == account_id,
                OutboxEntry.pbx_group_id == pbx_group_id,
                OutboxEntry.acked_at.is_(None),
            )
            .order_by(OutboxEntry.id)
        ).all()

    def reasons(
        self, account_id: str, pbx_group_ids: Collection[str] | None = None
    ) -> dict[str, str]:
        """Why the PBX has not taken a group's pending change, for the groups it refused
        (or could not be reached for) at the last attempt."""
        query = select(OutboxEntry.pbx_group_id, OutboxEntry.last_error).where(
            OutboxEntry.account_id == account_id,
            OutboxEntry.acked_at.is_(None),
            OutboxEntry.last_error.is_not(None),
        )
        if pbx_group_ids is not None:
            query = query.where(OutboxEntry.pbx_group_id.in_(pbx_group_ids))
        found: dict[str, str] = {}
        for group_id, error in self.session.execute(query.order_by(OutboxEntry.id)):
            found[group_id] = error or ""
        return found

    # -- what the PBX last acknowledged ------------------------------------------------
    def acknowledged(self, account_id: str, pbx_group_id: str) -> dict[DocKey, str]:
        """The digest of each of the group's documents as the PBX last took it."""
        rows = self.session.execute(
            select(
                PbxDocumentRecord.collection, PbxDocumentRecord.doc_id, PbxDocumentRecord.digest
            ).where(
                PbxDocumentRecord.account_id == account_id,
                PbxDocumentRecord.pbx_group_id == pbx_group_id,
            )
        )
        return {(collection, doc_id): digest for collection, doc_id, digest in rows}

    def forget(self, account_id: str, pbx_group_id: str) -> None:
        """Forget what the PBX was known to hold of the group's documents, so the next
        entry carries, and the next push writes, all of them (after the PBX's copy was
        found to differ: drift)."""
        self.session.execute(
            delete(PbxDocumentRecord).where(
                PbxDocumentRecord.account_id == account_id,
                PbxDocumentRecord.pbx_group_id == pbx_group_id,
            )
        )

    def took(
        self,
        account_id: str,
        pbx_group_id: str,
        key: DocKey,
        digest: str | None,
        now: datetime,
    ) -> None:
        """The PBX acknowledged a write of the document (``digest`` None: its removal)."""
        collection, doc_id = key
        self.session.execute(
            delete(PbxDocumentRecord).where(
                PbxDocumentRecord.account_id == account_id,
                PbxDocumentRecord.collection == collection,
                PbxDocumentRecord.doc_id == doc_id,
            )
        )
        if digest is not None:
            self.session.add(
                PbxDocumentRecord(
                    account_id=account_id,
                    collection=collection,
                    doc_id=doc_id,
                    pbx_group_id=pbx_group_id,
                    digest=digest,
                    acked_at=now,
                )
            )
        self.session.flush()

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

    def failed(self, entry_ids: Collection[int], error: str, now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(entry_ids))
            .values(last_error=error[:2000], last_attempt_at=now, attempts=OutboxEntry.attempts + 1)
        )
