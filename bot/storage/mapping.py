"""Rows to engine objects and back: a stored group is a ``Group`` plus its ``PbxIds``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.documents import PbxIds
from bot.engine.model import Group
from bot.storage.models import (
    AccountNumber,
    GroupRecord,
    NumberKind,
    PbxDevice,
    PbxMedia,
    PbxMenu,
    PbxUser,
    PbxVoicemailBox,
)


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def group_of(record: GroupRecord) -> Group:
    by_kind: dict[str, list[str]] = {}
    for number in record.numbers:
        by_kind.setdefault(number.kind, []).append(number.number)
    return Group.model_validate(
        {
            "name": record.name,
            "extension": by_kind[NumberKind.EXTENSION][0],
            "extra_extensions": tuple(by_kind.get(NumberKind.EXTRA_EXTENSION, ())),
            "numbers": tuple(by_kind.get(NumberKind.NUMBER, ())),
            "members": [
                {"user_id": m.user_id, "start": m.start_seconds, "end": m.end_seconds}
                for m in record.members
            ],
            "repeats": record.repeats,
            "strategy": record.strategy,
            "features": record.features,
        }
    )


def ids_of(record: GroupRecord) -> PbxIds:
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


def directory_of(
    users: Iterable[PbxUser],
    devices: Iterable[PbxDevice],
    vmboxes: Iterable[PbxVoicemailBox],
    menus: Iterable[PbxMenu],
    media: Iterable[PbxMedia],
    groups: Sequence[tuple[GroupRecord, Sequence[AccountNumber]]],
) -> Directory:
    return Directory(
        users={
            u.pbx_id: UserFact(
                name=u.name,
                extension=u.extension,
                email=u.email,
                main_callflow_id=u.main_callflow_id,
            )
            for u in users
        },
        devices={d.pbx_id: d.name for d in devices},
        vmboxes={v.pbx_id: v.name for v in vmboxes},
        menus={m.pbx_id: MenuFact(name=m.name, callflow_id=m.callflow_id) for m in menus},
        media={m.pbx_id: m.name for m in media},
        groups={
            g.pbx_group_id: GroupFact(
                name=g.name,
                user_callflow_id=g.user_callflow_id,
                numbers=tuple(n.number for n in numbers),
            )
            for g, numbers in groups
        },
    )
