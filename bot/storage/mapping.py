"""Rows to engine objects and back: a stored group is a ``Group`` plus its ``PbxIds``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.documents import PbxIds
from bot.engine.model import Group
from bot.storage.models import GroupRecord, NumberKind


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class StoredGroup:
    """A stored group as read to show it: the engine's ``Group``, its PBX ids, its
    version and who may change it. Plain values: reading many costs no ORM objects."""

    id: int  # our database id
    ids: PbxIds
    group: Group
    version: int
    created_by: str
    leads: frozenset[str]  # Slack user ids named leads (the creator is one anyway)
    updated_at: datetime
    updated_by: str


def group_from(
    name: str,
    repeats: int,
    strategy: str,
    features: dict[str, Any],
    numbers: Iterable[tuple[str, str]],
    members: Iterable[tuple[str, int, int, datetime | None]],
) -> Group:
    """A ``Group`` from the columns of its row, its numbers as (kind, number) and its
    members as (user id, start, end, paused until), both in their order."""
    by_kind: dict[str, list[str]] = {}
    for kind, number in numbers:
        by_kind.setdefault(kind, []).append(number)
    return Group.model_validate(
        {
            "name": name,
            "extension": by_kind[NumberKind.EXTENSION][0],
            "extra_extensions": tuple(by_kind.get(NumberKind.EXTRA_EXTENSION, ())),
            "numbers": tuple(by_kind.get(NumberKind.NUMBER, ())),
            "members": [
                {"user_id": user_id, "start": start, "end": end, "paused_until": paused}
                for user_id, start, end, paused in members
            ],
            "repeats": repeats,
            "strategy": strategy,
            "features": features,
        }
    )


def group_of(record: GroupRecord) -> Group:
    return group_from(
        record.name,
        record.repeats,
        record.strategy,
        record.features,
        ((n.kind, n.number) for n in record.numbers),
        ((m.user_id, m.start_seconds, m.end_seconds, m.paused_until) for m in record.members),
    )


def stored_of(record: GroupRecord, group: Group | None = None) -> StoredGroup:
    """The stored group of ``record``; ``group`` when the caller has just written it
    (the same ``Group``, not read and checked again)."""
    return StoredGroup(
        id=record.id,
        ids=ids_of(record),
        group=group_of(record) if group is None else group,
        version=record.version,
        created_by=record.created_by,
        leads=frozenset(lead.slack_user for lead in record.leads),
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )


def ids_of(record: Any) -> PbxIds:
    """The PBX ids of a ``GroupRecord`` or of a row with its columns."""
    return PbxIds(
        group_id=record.pbx_group_id,
        base_callflow_id=record.base_callflow_id,
        user_callflow_id=record.user_callflow_id,
        base_number=record.base_number,
    )


def numbers_of(group: Group) -> list[tuple[str, str]]:
    """(kind, number) in the order the group lists them, primary extension first."""
    return [
        (NumberKind.EXTENSION, group.extension),
        *((NumberKind.EXTRA_EXTENSION, n) for n in group.extra_extensions),
        *((NumberKind.NUMBER, n) for n in group.numbers),
    ]


def group_json(group: Group | None) -> dict[str, object] | None:
    return None if group is None else group.model_dump(mode="json")


def group_from_json(data: dict[str, object] | None) -> Group | None:
    return None if data is None else Group.model_validate(data)
