"""Pushing the PBX outbox: the documents each committed change left for the PBX.

A save pushes its own account's outbox right after its commit; ``push_pending`` (the
``pbx-outbox`` job, every minute) pushes whatever is still pending after the PBX was
down. For each group only its latest pending entry is sent (it carries every earlier
one), and the group's entries stay locked while they are sent (``Outbox.claim``), so
two processes pushing at once cannot land an older document last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.pbx import LeavesLeftovers, PbxError
from bot.services.base import ServiceBase
from bot.services.types import OutboxPush
from bot.storage.mapping import group_from_json
from bot.storage.unit_of_work import UnitOfWork


@dataclass
class _Pushed:
    pushed: list[str] = field(default_factory=list)  # PBX group ids
    failed: dict[str, str] = field(default_factory=dict)  # PBX group id -> the PBX's error


class OutboxUseCases(ServiceBase):
    def push_pending(self, team_id: str | None = None) -> OutboxPush:
        """Push every pending outbox entry: of every account, or of the account of
        ``team_id``. What reached the PBX and what did not, by group name."""
        with self._uow() as uow:
            if team_id is None:
                accounts = uow.outbox.pending_accounts()
            else:
                accounts = [self._account(uow, team_id)]
        pushed: list[str] = []
        failed: list[tuple[str, str]] = []
        for account in accounts:
            result = self._push_account(account)
            with self._uow() as uow:
                pushed += [_group_name(uow, account, g) for g in result.pushed]
                failed += [(_group_name(uow, account, g), e) for g, e in result.failed.items()]
        return OutboxPush(tuple(pushed), tuple(failed))

    def remove_pbx_leftovers(self, older_than: float) -> int:
        """Remove the temporary files of PBX writes that never finished (a process killed
        mid-write), older than ``older_than`` seconds; how many. Only the local PBX leaves
        any."""
        if isinstance(self._pbx, LeavesLeftovers):
            return self._pbx.remove_leftovers(older_than)
        return 0

    def _push(self, account: str) -> dict[str, str]:
        """Push the account's pending outbox; the PBX error per group that failed."""
        return self._push_account(account).failed

    def _push_account(self, account: str) -> _Pushed:
        result = _Pushed()
        with self._push_lock, self._uow() as uow:
            for pbx_group_id in uow.outbox.pending_in_order(account):
                now = self._clock()
                entries = uow.outbox.claim(account, pbx_group_id, now)
                if not entries:  # another process pushed them meanwhile
                    uow.commit()
                    continue
                entry = entries[-1]  # the latest carries every earlier one
                try:
                    for collection, doc_id, document in entry.documents["documents"]:
                        if document is None:
                            self._pbx.delete(collection, doc_id)
                        else:
                            self._pbx.put(collection, doc_id, document)
                except PbxError as error:
                    reason = str(error) or type(error).__name__
                    result.failed[pbx_group_id] = reason
                    uow.outbox.failed(entry.id, reason, now)
                else:
                    result.pushed.append(pbx_group_id)
                    uow.outbox.ack(account, pbx_group_id, entry.id, now)
                uow.commit()
        return result


def _group_name(uow: UnitOfWork, account: str, pbx_group_id: str) -> str:
    """The group's name, or the name it had when it was deleted."""
    record = uow.groups.by_pbx_id(account, pbx_group_id)
    if record is not None:
        return record.name
    latest = uow.revisions.latest(account, pbx_group_id)
    before = group_from_json(latest.before) if latest is not None else None
    return before.name if before is not None else pbx_group_id
