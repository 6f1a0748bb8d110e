"""A group's presence settings: self-service, and the Slack user group it mirrors."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import GroupRecord, GroupSettings


@dataclass(frozen=True)
class PresenceSettings:
    selfservice: bool = False
    mirror_usergroup: str | None = None  # Slack user group id
    # Slack users already reported to the lead as not added (no PBX user, or beyond the limit)
    reported: frozenset[str] = frozenset()


class Settings:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, group_id: int) -> PresenceSettings:
        row = self.session.get(GroupSettings, group_id)
        if row is None:
            return PresenceSettings()
        return PresenceSettings(
            selfservice=row.selfservice,
            mirror_usergroup=row.mirror_usergroup,
            reported=frozenset(row.mirror_reported.get("users", ())),
        )

    def set_selfservice(self, group_id: int, on: bool) -> None:
        self._row(group_id).selfservice = on
        self.session.flush()

    def set_mirror(self, group_id: int, usergroup: str | None) -> None:
        """Mirror ``usergroup`` (None: stop); who was reported is forgotten with the old one."""
        row = self._row(group_id)
        row.mirror_usergroup = usergroup
        row.mirror_reported = {"users": []}
        self.session.flush()

    def set_reported(self, group_id: int, users: frozenset[str]) -> None:
        self._row(group_id).mirror_reported = {"users": sorted(users)}
        self.session.flush()

    def mirroring(self, account_id: str, usergroup: str | None = None) -> builtins.list[str]:
        """The PBX group ids of the account's groups that mirror a user group (that one)."""
        query = (
            select(GroupRecord.pbx_group_id)
            .join(GroupSettings, GroupSettings.group_id == GroupRecord.id)
            .where(
                GroupRecord.account_id == account_id,
                GroupSettings.mirror_usergroup.is_not(None),
            )
            .order_by(GroupRecord.name_key)
        )
        if usergroup is not None:
            query = query.where(GroupSettings.mirror_usergroup == usergroup)
        return builtins.list(self.session.scalars(query))

    def group(self, group_id: int) -> GroupRecord | None:
        """The group row by our database id (a job that knows no account by name)."""
        return self.session.get(GroupRecord, group_id)

    def _row(self, group_id: int) -> GroupSettings:
        row = self.session.get(GroupSettings, group_id)
        if row is None:
            row = GroupSettings(group_id=group_id, selfservice=False, mirror_reported={"users": []})
            self.session.add(row)
        return row
