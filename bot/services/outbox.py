"""Pushing the PBX outbox: the documents each committed change left for the PBX."""

from __future__ import annotations

from bot.pbx import PbxError
from bot.services.base import ServiceBase


class OutboxUseCases(ServiceBase):
    def _push(self, account: str) -> dict[str, str]:
        """Push the account's pending outbox; the PBX error per group that failed."""
        errors: dict[str, str] = {}
        with self._push_lock, self._uow() as uow:
            latest: dict[str, int] = {}
            entries = {e.id: e for e in uow.outbox.pending(account)}
            for entry in entries.values():
                latest[entry.pbx_group_id] = entry.id  # ordered by id: the last one wins
            for pbx_group_id, entry_id in latest.items():
                entry = entries[entry_id]
                now = self._clock()
                try:
                    for collection, doc_id, document in entry.documents["documents"]:
                        if document is None:
                            self._pbx.delete(collection, doc_id)
                        else:
                            self._pbx.put(collection, doc_id, document)
                except PbxError as error:
                    errors[pbx_group_id] = str(error) or type(error).__name__
                    uow.outbox.failed(entry.id, errors[pbx_group_id], now)
                else:
                    uow.outbox.ack(account, pbx_group_id, entry.id, now)
                uow.commit()
        return errors
