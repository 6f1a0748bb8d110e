"""The PBX directory of an account: users, devices, voicemail boxes, menus, media."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, func, or_, select, true
from sqlalchemy.orm import Session

from bot.engine.directory import Directory, GroupFact, MenuFact, UserFact
from bot.engine.model import Group, NextActionKind, RingbackKind
from bot.storage.mapping import name_key
from bot.storage.models import (
    AccountNumber,
    GroupMember,
    GroupRecord,
    NumberKind,
    PbxDevice,
    PbxMedia,
    PbxMenu,
    PbxUser,
    PbxVoicemailBox,
)

_Row = TypeVar("_Row", PbxDevice, PbxVoicemailBox, PbxMenu, PbxMedia)
_Named = PbxDevice | PbxVoicemailBox | PbxMenu | PbxMedia


class Directories:
    """The PBX directory of an account (users, devices, boxes, menus, media)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def load(self, account_id: str) -> Directory:
        """The whole directory, every group of the account as a ``GroupFact`` included:
        for what resolves any name of the account (a change, the features form, imports).
        Six column queries; one for the groups, whose rows it costs."""
        return Directory(
            users=self._user_facts(account_id, true()),
            devices=self._names(PbxDevice, account_id, None),
            vmboxes=self._names(PbxVoicemailBox, account_id, None),
            menus=self._menu_facts(account_id, None),
            media=self._names(PbxMedia, account_id, None),
            groups=self._group_facts(account_id, true()),
        )

    def around(self, account_id: str, groups: Iterable[Group]) -> Directory:
        """The part of the directory ``groups`` refer to, whatever the account holds:
        their members, their next actions' targets (a group with its user callflow and
        numbers), their ringback media; and, for the account-wide rules, whoever holds
        one of their numbers and the groups with one of their names. That is all the
        engine's ``check_in_account``, ``compile_group``, ``lint`` and ``describe_change``
        read about them. Two to six small queries."""
        groups = builtins.list(groups)
        users: set[str] = set()
        targets: dict[NextActionKind, set[str]] = defaultdict(set)
        media: set[str] = set()
        for group in groups:
            users.update(m.user_id for m in group.members)
            action = group.features.next_action
            if action.target_id is not None:
                targets[action.kind].add(action.target_id)
            ringback = group.features.ringback
            if ringback.kind is RingbackKind.MEDIA and ringback.media_id is not None:
                media.add(ringback.media_id)
        users |= targets[NextActionKind.USER]
        numbers = {n for group in groups for n in group.all_numbers}
        # the groups answering one of those numbers (the user ones come with their row)
        holders = (
            select(AccountNumber.group_id)
            .where(AccountNumber.account_id == account_id, AccountNumber.number.in_(numbers))
            .correlate(None)
        )
        return Directory(
            users=self._user_facts(
                account_id, or_(PbxUser.pbx_id.in_(users), AccountNumber.number.in_(numbers))
            ),
            devices=self._names(PbxDevice, account_id, targets[NextActionKind.DEVICE]),
            vmboxes=self._names(PbxVoicemailBox, account_id, targets[NextActionKind.VOICEMAIL]),
            menus=self._menu_facts(account_id, targets[NextActionKind.MENU]),
            media=self._names(PbxMedia, account_id, media),
            groups=self._group_facts(
                account_id,
                or_(
                    GroupRecord.pbx_group_id.in_(targets[NextActionKind.GROUP]),
                    GroupRecord.name_key.in_({name_key(g.name) for g in groups}),
                    GroupRecord.id.in_(holders),
                ),
            ),
        )

    def user_names(self, account_id: str, pbx_ids: Collection[str]) -> dict[str, str]:
        """The names of the users ``pbx_ids`` that are in the directory."""
        if not pbx_ids:
            return {}
        rows = self.session.execute(
            select(PbxUser.pbx_id, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.pbx_id.in_(pbx_ids)
            )
        )
        return {pbx_id: name for pbx_id, name in rows}

    def member_names(self, account_id: str) -> dict[str, str]:
        """The names of the users that are members of one of the account's groups."""
        members = (
            select(GroupMember.user_id)
            .join(GroupRecord, GroupRecord.id == GroupMember.group_id)
            .where(GroupRecord.account_id == account_id)
        )
        rows = self.session.execute(
            select(PbxUser.pbx_id, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.pbx_id.in_(members)
            )
        )
        return {pbx_id: name for pbx_id, name in rows}

    def slack_names(self, account_id: str, slack_users: Collection[str]) -> dict[str, str]:
        """The names of the users linked to the Slack users ``slack_users``."""
        if not slack_users:
            return {}
        rows = self.session.execute(
            select(PbxUser.slack_user, PbxUser.name).where(
                PbxUser.account_id == account_id, PbxUser.slack_user.in_(slack_users)
            )
        )
        return {slack_user: name for slack_user, name in rows if slack_user}

    def _user_facts(self, account_id: str, where: ColumnElement[bool]) -> dict[str, UserFact]:
        rows = self.session.execute(
            select(
                PbxUser.pbx_id,
                PbxUser.name,
                PbxUser.email,
                PbxUser.main_callflow_id,
                AccountNumber.number,
            )
            .outerjoin(AccountNumber, AccountNumber.user_id == PbxUser.id)
            .where(PbxUser.account_id == account_id, where)
            .order_by(PbxUser.id)
        )
        return {
            pbx_id: UserFact(name=name, extension=number, email=email, main_callflow_id=flow)
            for pbx_id, name, email, flow, number in rows
        }

    def _names(
        self, model: type[_Named], account_id: str, pbx_ids: Collection[str] | None
    ) -> dict[str, str]:
        """Id -> name of the rows of ``model``: all of them, or those of ``pbx_ids``."""
        if pbx_ids is not None and not pbx_ids:
            return {}
        query = select(model.pbx_id, model.name).where(model.account_id == account_id)
        if pbx_ids is not None:
            query = query.where(model.pbx_id.in_(pbx_ids))
        return {pbx_id: name for pbx_id, name in self.session.execute(query.order_by(model.id))}

    def _menu_facts(self, account_id: str, pbx_ids: Collection[str] | None) -> dict[str, MenuFact]:
        if pbx_ids is not None and not pbx_ids:
            return {}
        query = select(PbxMenu.pbx_id, PbxMenu.name, PbxMenu.callflow_id).where(
            PbxMenu.account_id == account_id
        )
        if pbx_ids is not None:
            query = query.where(PbxMenu.pbx_id.in_(pbx_ids))
        rows = self.session.execute(query.order_by(PbxMenu.id))
        return {pbx_id: MenuFact(name=name, callflow_id=flow) for pbx_id, name, flow in rows}

    def _group_facts(self, account_id: str, where: ColumnElement[bool]) -> dict[str, GroupFact]:
        """The groups ``where`` picks, each with every number it answers, in order."""
        rows = self.session.execute(
            select(
                GroupRecord.pbx_group_id,
                GroupRecord.name,
                GroupRecord.user_callflow_id,
                AccountNumber.number,
            )
            .outerjoin(AccountNumber, AccountNumber.group_id == GroupRecord.id)
            .where(GroupRecord.account_id == account_id, where)
            .order_by(GroupRecord.id, AccountNumber.position)
        )
        found: dict[str, tuple[str, str, list[str]]] = {}
        for pbx_group_id, name, flow, number in rows:
            _, _, numbers = found.setdefault(pbx_group_id, (name, flow, []))
            if number is not None:
                numbers.append(number)
        return {
            pbx_group_id: GroupFact(name=name, user_callflow_id=flow, numbers=tuple(numbers))
            for pbx_group_id, (name, flow, numbers) in found.items()
        }

    def users(self, account_id: str) -> Sequence[PbxUser]:
        return self.session.scalars(
            select(PbxUser).where(PbxUser.account_id == account_id).order_by(PbxUser.id)
        ).all()

    def devices(self, account_id: str) -> Sequence[PbxDevice]:
        return self._all(PbxDevice, account_id)

    def vmboxes(self, account_id: str) -> Sequence[PbxVoicemailBox]:
        return self._all(PbxVoicemailBox, account_id)

    def menus(self, account_id: str) -> Sequence[PbxMenu]:
        return self._all(PbxMenu, account_id)

    def media(self, account_id: str) -> Sequence[PbxMedia]:
        return self._all(PbxMedia, account_id)

    def _all(self, model: type[_Row], account_id: str) -> Sequence[_Row]:
        return self.session.scalars(
            select(model).where(model.account_id == account_id).order_by(model.id)
        ).all()

    def is_empty(self, account_id: str) -> bool:
        count = self.session.scalar(
            select(func.count()).select_from(PbxUser).where(PbxUser.account_id == account_id)
        )
        return not count

    def user(self, account_id: str, pbx_id: str) -> PbxUser | None:
        return self.session.scalars(
            select(PbxUser).where(PbxUser.account_id == account_id, PbxUser.pbx_id == pbx_id)
        ).first()

    def user_of(self, account_id: str, slack_user: str, email: str | None) -> PbxUser | None:
        """The PBX user of a Slack user: the one linked to them, else the one with their
        Slack email unless it is linked to someone else (then it is that person's)."""
        user = self.user_for_slack(account_id, slack_user)
        if user is None and email:
            by_email = self.user_for_email(account_id, email)
            if by_email is not None and by_email.slack_user in (None, slack_user):
                user = by_email
        return user

    def user_for_slack(self, account_id: str, slack_user: str) -> PbxUser | None:
        return self.session.scalars(
            select(PbxUser).where(
                PbxUser.account_id == account_id, PbxUser.slack_user == slack_user
            )
        ).first()

    def user_for_email(self, account_id: str, email: str) -> PbxUser | None:
        return self.session.scalars(
            select(PbxUser).where(
                PbxUser.account_id == account_id, func.lower(PbxUser.email) == email.lower()
            )
        ).first()

    def clear(self, account_id: str) -> None:
        """Remove the directory (users' extensions go with them); groups stay."""
        for model in (PbxDevice, PbxVoicemailBox, PbxMenu, PbxMedia, PbxUser):
            self.session.execute(delete(model).where(model.account_id == account_id))
        self.session.flush()
        self.session.expunge_all()

    def add_user(self, account_id: str, user: PbxUser, extension: str | None) -> None:
        self.session.add(user)
        self.session.flush()
        if extension is not None:
            self.session.add(
                AccountNumber(
                    account_id=account_id,
                    number=extension,
                    kind=NumberKind.USER_EXTENSION,
                    user_id=user.id,
                )
            )

    def add(self, row: PbxDevice | PbxVoicemailBox | PbxMenu | PbxMedia) -> None:
        self.session.add(row)
