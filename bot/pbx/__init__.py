"""The PBX port: what services need from a PBX, and the errors an adapter may raise.

Adapters (``bot.pbx.local`` for ``PBX_BACKEND=file``; a Kazoo crossbar client later)
implement ``Pbx``. Collections are crossbar's (``groups``, ``callflows``); documents are
the ``data`` object of a request. A backend whose accounts need credentials (Kazoo) also
implements ``AccountBinder``, through which a workspace of a multi-workspace install is
bound to its own account.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.engine.documents import JsonDoc


class PbxError(Exception):
    """The PBX did not take a write; the change stays in the outbox to be retried."""


class PbxUnreachable(PbxError):
    """The PBX could not be reached (network, disk, timeout)."""


class PbxRejected(PbxError):
    """The PBX refused the document (a crossbar 4xx)."""


class Pbx(Protocol):
    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        """Create or replace the document ``doc_id`` of ``collection``."""

    def delete(self, collection: str, doc_id: str) -> None:
        """Remove the document; removing one that is already gone is not an error."""


class AccountBinder(Protocol):
    """How a multi-workspace install learns which PBX account a workspace may use: from
    credentials the PBX itself confirms, never from an account id someone typed.

    For Kazoo the credentials are an API key, and the account is the one the key
    authenticates as (crossbar ``PUT /v2/api_auth`` answers ``data.account_id``).
    """

    def confirm_account(self, credentials: str) -> str:
        """The 32-hex id of the account ``credentials`` authenticate as.

        ``PbxRejected`` when the PBX does not accept them (a wrong or revoked key; its
        message is for the admin: "The PBX did not accept this API key"),
        ``PbxUnreachable`` when the PBX cannot be asked.
        """


@runtime_checkable
class LeavesLeftovers(Protocol):
    """An adapter whose interrupted writes can leave files behind (``bot.pbx.local``)."""

    def remove_leftovers(self, older_than: float) -> int:
        """Remove what writes that never finished left, more than ``older_than`` seconds
        ago; how many were removed."""


@runtime_checkable
class CreatesDocuments(Protocol):
    """An adapter with a cheaper write for a document the PBX has never had
    (``KazooPbx``: one PUT instead of a POST answered 404, then the PUT)."""

    def create(self, collection: str, doc_id: str, document: JsonDoc) -> str:
        """Create ``doc_id``; replace it if it exists after all. The id."""
