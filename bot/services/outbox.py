"""Pushing the PBX outbox: the documents each committed change left for the PBX.

A save commits its entry and returns; the push comes after, from the surface's post-ack
work (``push_after_save``), the ``pbx-outbox`` job (``push_pending``) or ``groupbot
sync``. An entry holds only the documents that differ from what the PBX was last known to
hold (``pbx_documents``: a digest per document it acknowledged), and a push writes only
those that still differ when it runs: creating a group is 3 writes, one member's window
1, a change that changes nothing 0; a deletion is always the three DELETEs.

In order, once: a group's pending entries are claimed together (``Outbox.claim``), merged
oldest first into the state to write, and acknowledged together; writes are idempotent
(replace by id, remove by id), so an entry sent again after a crash does no harm. On
PostgreSQL any number of dispatchers share the outbox (the claim skips groups another one
holds); on SQLite one dispatcher sends at a time in this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from bot.engine.documents import JsonDoc
from bot.pbx import CreatesDocuments, LeavesLeftovers, PbxError, PbxRejected
from bot.services.base import ServiceBase
from bot.services.types import OutboxPush, PendingDocument
from bot.storage.mapping import group_from_json
from bot.storage.repositories import OutboxEntry
from bot.storage.repositories.outbox import DocKey
from bot.storage.unit_of_work import UnitOfWork

Write = tuple[DocKey, JsonDoc | None]  # None: remove the document

# How long a dispatcher's claim of a group lasts on SQLite if its process dies holding it:
# longer than any push of three documents takes (the Kazoo client's timeouts are seconds).
CLAIM_LEASE = timedelta(minutes=5)
# A group pushed again while newer entries keep arriving, at most this often in a row.
MAX_ROUNDS = 5


@dataclass
class _Pushed:
    pushed: list[str] = field(default_factory=list)  # PBX group ids
    failed: dict[str, str] = field(default_factory=dict)  # PBX group id -> the PBX's error
    refused: set[str] = field(default_factory=set)  # of failed: the PBX answered no
    writes: int = 0  # documents written or removed


def digest(document: JsonDoc) -> str:
    return hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


class OutboxUseCases(ServiceBase):
    def push_pending(self, team_id: str | None = None) -> OutboxPush:
        """Push every pending outbox entry: of every account, or of the account of
        ``team_id``. What reached the PBX and what did not, by group name."""
        with self._uow() as uow:
            if team_id is None:
                accounts = uow.outbox.pending_accounts()
            else:
                accounts = [self._account(uow, team_id)]
        return self._push_accounts([(a, None) for a in accounts])

    def push_after_save(self) -> OutboxPush:
        """After the acknowledgement: push what this thread saved since its last call
        (every save notes its group here), so its user hears at once whether the PBX
        took it. What is left (the PBX down) the ``pbx-outbox`` job sends later."""
        return self._push_accounts(list(self.take_saved().items()))

    def take_saved(self) -> dict[str, set[str]]:
        """What this thread saved and has not pushed, taken off it (to push it from
        another thread: ``push_saved``)."""
        here = self._saved_here()
        saved: dict[str, set[str]] = getattr(here, "groups", {})
        here.groups = {}
        return saved

    def push_saved(self, saved: dict[str, set[str]]) -> OutboxPush:
        return self._push_accounts(list(saved.items()))

    def pending_count(self) -> int:
        """Outbox entries the PBX has not acknowledged yet, in every account."""
        with self._uow() as uow:
            return len(uow.outbox.pending())

    def pending_documents(self, team_id: str | None = None) -> list[PendingDocument]:
        """What a push would send now (``groupbot sync --dry-run``), group by group."""
        found: list[PendingDocument] = []
        with self._uow() as uow:
            accounts = (
                uow.outbox.pending_accounts() if team_id is None else [self._account(uow, team_id)]
            )
            for account in accounts:
                for pbx_group_id in uow.outbox.pending_in_order(account):
                    entries = uow.outbox.pending_of(account, pbx_group_id)
                    acked = uow.outbox.acknowledged(account, pbx_group_id)
                    name = _group_name(uow, account, pbx_group_id)
                    for (collection, doc_id), document in _unsent(_merged(entries), acked):
                        found.append(
                            PendingDocument(name, collection, doc_id, removal=document is None)
                        )
        return found

    def remove_pbx_leftovers(self, older_than: float) -> int:
        """Remove the temporary files of PBX writes that never finished (a process killed
        mid-write), older than ``older_than`` seconds; how many. Only the local PBX leaves
        any."""
        if isinstance(self._pbx, LeavesLeftovers):
            return self._pbx.remove_leftovers(older_than)
        return 0

    # -- inside ----------------------------------------------------------------------
    def _saved(self, account: str, pbx_group_id: str) -> None:
        """Note a committed save for this thread's ``push_after_save``."""
        here = self._saved_here()
        groups: dict[str, set[str]] = getattr(here, "groups", None) or {}
        groups.setdefault(account, set()).add(pbx_group_id)
        here.groups = groups

    def _saved_here(self) -> threading.local:
        """The groups each thread saved through these services and has not pushed yet."""
        local: threading.local = self.__dict__.setdefault("_saved_local", threading.local())
        return local

    def _expected(self, uow: UnitOfWork, account: str, pbx_group_id: str) -> dict[DocKey, str]:
        """The digest of each document as the PBX will hold it once what is pending
        arrives (a removed one is left out): what a new entry need not carry again."""
        # Pending first: a push that commits between the two reads then shows in what is
        # acknowledged (read committed), where read the other way round it would be in neither.
        pending = _merged(uow.outbox.pending_of(account, pbx_group_id))
        known = uow.outbox.acknowledged(account, pbx_group_id)
        for key, document in pending:
            if document is None:
                known.pop(key, None)
            else:
                known[key] = digest(document)
        return known

    def _push_accounts(self, work: list[tuple[str, Collection[str] | None]]) -> OutboxPush:
        pushed: list[str] = []
        failed: list[tuple[str, str]] = []
        refused: list[str] = []
        writes = 0
        for account, only in work:
            result = self._push_account(account, only)
            writes += result.writes
            with self._uow() as uow:
                pushed += [_group_name(uow, account, g) for g in result.pushed]
                failed += [(_group_name(uow, account, g), e) for g, e in result.failed.items()]
                refused += [_group_name(uow, account, g) for g in result.refused]
        return OutboxPush(tuple(pushed), tuple(failed), tuple(refused), writes)

    def _push_account(self, account: str, only: Collection[str] | None = None) -> _Pushed:
        result = _Pushed()
        with self._uow() as uow:
            groups = uow.outbox.pending_in_order(account)
        for pbx_group_id in groups:
            if only is None or pbx_group_id in only:
                self._push_group(account, pbx_group_id, result)
        return result

    def _push_group(self, account: str, pbx_group_id: str, result: _Pushed) -> None:
        """Push the group's pending entries; again while newer ones arrived meanwhile (a
        dispatcher that found the group claimed skipped it, leaving them to this one)."""
        for _ in range(MAX_ROUNDS):
            if not self._push_group_once(account, pbx_group_id, result):
                return
            with self._uow() as uow:
                if not uow.outbox.pending_groups(account, [pbx_group_id]):
                    return

    def _push_group_once(self, account: str, pbx_group_id: str, result: _Pushed) -> bool:
        """One claim of the group and its push; whether it all reached the PBX."""
        shared = self._shared_outbox()
        with self._one_dispatcher(), self._uow() as uow:
            now = self._clock()
            entries = uow.outbox.claim(account, pbx_group_id, now, now + CLAIM_LEASE)
            if not entries:  # another dispatcher holds it, or has sent it meanwhile
                uow.commit()
                return False
            entry_ids = [e.id for e in entries]
            acked = uow.outbox.acknowledged(account, pbx_group_id)
            writes = _unsent(_merged(entries), acked)
            if not shared:  # SQLite: the claim is committed; nothing stays locked meanwhile
                uow.commit()
            took: list[tuple[DocKey, str | None]] = []
            error: str | None = None
            try:
                pbx = self._pbx_for(account)
                for key, document in writes:
                    if document is None:
                        pbx.delete(*key)
                        took.append((key, None))
                        continue
                    if key not in acked and isinstance(pbx, CreatesDocuments):
                        pbx.create(*key, document)
                    else:
                        pbx.put(*key, document)
                    took.append((key, digest(document)))
            except PbxError as refused:
                error = str(refused) or type(refused).__name__
                if isinstance(refused, PbxRejected):
                    result.refused.add(pbx_group_id)
            for key, written in took:
                uow.outbox.took(account, pbx_group_id, key, written, now)
            result.writes += len(took)
            if error is None:
                uow.outbox.ack(account, pbx_group_id, entry_ids[-1], now)
                if pbx_group_id not in result.pushed:
                    result.pushed.append(pbx_group_id)
                result.failed.pop(pbx_group_id, None)
                result.refused.discard(pbx_group_id)
            else:
                uow.outbox.failed(entry_ids, error, now)
                result.failed[pbx_group_id] = error
            uow.outbox.release(entry_ids[0])
            uow.commit()
            return error is None

    @contextlib.contextmanager
    def _one_dispatcher(self) -> Iterator[None]:
        """SQLite: one dispatcher at a time in this process (PostgreSQL's claim needs none)."""
        if self._shared_outbox():
            yield
            return
        with self._push_lock:
            yield

    def _shared_outbox(self) -> bool:
        shared = getattr(self, "_outbox_is_shared", None)
        if shared is None:
            with self._uow() as uow:
                shared = uow.session.get_bind().dialect.name == "postgresql"
            self._outbox_is_shared = shared
        return shared


def describe_push(result: OutboxPush) -> list[str]:
    """What a push did, in plain words, a line per group that did not go."""
    if not result.pushed and not result.failed:
        return ["Nothing to push: the PBX has every change."]
    lines = []
    if result.pushed:
        n = len(result.pushed)
        lines.append(
            f"Pushed {n} group{'s' if n != 1 else ''} to the PBX "
            f"({result.writes} document write{'s' if result.writes != 1 else ''}): "
            + ", ".join(result.pushed)
        )
    for name, why in result.failed:
        verb = "refused" if name in result.refused else "has not taken"
        lines.append(f"The PBX {verb} {name}: {why}")
    return lines


def describe_pending(documents: list[PendingDocument]) -> list[str]:
    """What a push would send now, a line per group."""
    if not documents:
        return ["Nothing to push: the PBX has every change."]
    by_group: dict[str, list[str]] = {}
    for doc in documents:
        what = (
            f"remove {doc.collection}/{doc.doc_id}"
            if doc.removal
            else (f"write {doc.collection}/{doc.doc_id}")
        )
        by_group.setdefault(doc.group, []).append(what)
    return [f"{group}: {', '.join(writes)}" for group, writes in by_group.items()]


def _merged(entries: Collection[OutboxEntry]) -> list[Write]:
    """The group's pending entries, oldest first, as one list of writes: the latest
    document of each id; writes first, in the order they first appear (SmartPBX's: group
    → baseGroup → userGroup), then removals in the order of the entry that removes them
    (the reverse)."""
    latest: dict[DocKey, JsonDoc | None] = {}
    first: dict[DocKey, tuple[int, int]] = {}
    last: dict[DocKey, tuple[int, int]] = {}
    for entry in entries:
        for position, (collection, doc_id, document) in enumerate(entry.documents["documents"]):
            key = (str(collection), str(doc_id))
            latest[key] = document
            first.setdefault(key, (entry.id, position))
            last[key] = (entry.id, position)

    def order(key: DocKey) -> tuple[bool, tuple[int, int]]:
        removal = latest[key] is None
        return removal, last[key] if removal else first[key]

    return [(key, latest[key]) for key in sorted(latest, key=order)]


def _unsent(writes: list[Write], acked: dict[DocKey, str]) -> list[Write]:
    """The writes the PBX still needs: removals always (a document it took without
    our hearing of it may be there), documents unless it holds them as they are."""
    return [
        (key, document)
        for key, document in writes
        if document is None or acked.get(key) != digest(document)
    ]


def _group_name(uow: UnitOfWork, account: str, pbx_group_id: str) -> str:
    """The group's name, or the name it had when it was deleted."""
    record = uow.groups.by_pbx_id(account, pbx_group_id)
    if record is not None:
        return record.name
    latest = uow.revisions.latest(account, pbx_group_id)
    before = group_from_json(latest.before) if latest is not None else None
    return before.name if before is not None else pbx_group_id
