"""What the engine needs to know about the rest of the PBX account.

The engine keeps no state and does no I/O: the caller (services, the importer, tests)
passes these facts in. Ids are Kazoo document ids.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class UserFact(_Fact):
    name: str
    extension: str | None = None
    email: str | None = None
    # SmartPBX's "user" next action branches to the user's mainUserCallflow
    main_callflow_id: str | None = None


class MenuFact(_Fact):
    name: str
    # SmartPBX's "Main Menu" next action branches to this callflow
    callflow_id: str


class GroupFact(_Fact):
    """Another ring group of the account."""

    name: str
    user_callflow_id: str
    numbers: tuple[str, ...] = ()


class Directory(_Fact):
    users: Mapping[str, UserFact] = {}
    devices: Mapping[str, str] = {}  # id -> name
    vmboxes: Mapping[str, str] = {}  # id -> name
    menus: Mapping[str, MenuFact] = {}
    media: Mapping[str, str] = {}  # id -> name
    groups: Mapping[str, GroupFact] = {}  # other groups, by group document id

    def number_owner(self, number: str, *, except_group: str | None = None) -> str | None:
        """Who already answers ``number`` in the account, in words, or None."""
        for user in self.users.values():
            if user.extension == number:
                return f"user {user.name}"
        for group_id, group in self.groups.items():
            if group_id != except_group and number in group.numbers:
                return f"group {group.name}"
        return None
