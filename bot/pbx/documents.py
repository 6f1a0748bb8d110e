"""An optional part of the PBX port: reading group documents back, for drift and adoption.

What groupbot wrote can be changed on the PBX behind its back (in SmartPBX, or by hand
in the local backend's folder), and SmartPBX can make groups groupbot has never seen.
An adapter that can read its documents back implements ``DocumentReader``:

- ``read_group(ids)``: the group document and both callflows of one group, by their ids;
- ``ring_groups()``: every ring group on the PBX, each a group id with its group document
  (if any) and the callflows that name it in ``group_id`` (SmartPBX's baseGroup and
  userGroup), whole and with their ``id``, as ``decompile_account_group`` wants them.

Documents are as the PBX holds them, without what the PBX adds on a read (crossbar's
``metadata``), so they compare with what groupbot would write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.engine.documents import JsonDoc, PbxIds

RING_GROUP_TYPES = ("baseGroup", "userGroup")


@dataclass(frozen=True, slots=True)
class ReadGroup:
    """One group's three documents as the PBX holds them; None for one it does not have."""

    group: JsonDoc | None
    base_callflow: JsonDoc | None
    user_callflow: JsonDoc | None


@dataclass(frozen=True, slots=True)
class PbxRingGroup:
    """A ring group on the PBX: its group document (None when only callflows name it)
    and its callflows (those with this ``group_id`` and a ``type`` of baseGroup or
    userGroup), each with its ``id``."""

    group_id: str
    group: JsonDoc | None
    callflows: tuple[JsonDoc, ...]

    @property
    def name(self) -> str:
        if self.group is not None and isinstance(self.group.get("name"), str):
            return str(self.group["name"])
        for callflow in self.callflows:
            name = callflow.get("name")
            if isinstance(name, str):
                return name.removesuffix(" Ring Group").removesuffix(" Base Group")
        return self.group_id


@runtime_checkable
class DocumentReader(Protocol):
    def read_group(self, ids: PbxIds) -> ReadGroup:
        """The three documents of the group ``ids`` names; ``PbxError`` when it cannot."""

    def ring_groups(self) -> list[PbxRingGroup]:
        """Every ring group of the account; ``PbxError`` when they cannot be read."""


def ring_groups_of(groups: list[JsonDoc], callflows: list[JsonDoc]) -> list[PbxRingGroup]:
    """Group documents and callflows (each with its ``id``) sorted into ring groups: a
    group with no baseGroup/userGroup callflow is not one (SmartPBX's tab hides it too)."""
    by_group: dict[str, list[JsonDoc]] = {}
    for callflow in callflows:
        group_id = callflow.get("group_id")
        if isinstance(group_id, str) and callflow.get("type") in RING_GROUP_TYPES:
            by_group.setdefault(group_id, []).append(callflow)
    documents = {str(g["id"]): g for g in groups if isinstance(g.get("id"), str)}
    return [
        PbxRingGroup(group_id, documents.get(group_id), tuple(found))
        for group_id, found in by_group.items()
    ]
