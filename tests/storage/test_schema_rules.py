"""The database itself refuses what would break the account: a number used twice (by
users or groups alike), a number with no owner or two, a second group of one name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.engine.documents import PbxIds
from bot.engine.model import Group, Member
from bot.storage.models import Account, AccountNumber, NumberKind, PbxUser
from bot.storage.repositories import Groups

NOW = datetime(2026, 3, 2, tzinfo=UTC)
ACCOUNT = "9" * 32


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Session:
    session = session_factory()
    session.add_all([Account(id=ACCOUNT, created_at=NOW), Account(id="8" * 32, created_at=NOW)])
    session.flush()
    return session


def user(session: Session, pbx_id: str, extension: str, account: str = ACCOUNT) -> PbxUser:
    row = PbxUser(account_id=account, pbx_id=pbx_id, name=pbx_id)
    session.add(row)
    session.flush()
    session.add(
        AccountNumber(
            account_id=account, number=extension, kind=NumberKind.USER_EXTENSION, user_id=row.id
        )
    )
    session.flush()
    return row


def group(name: str, ext: str) -> Group:
    return Group(name=name, extension=ext, members=(Member(user_id="u1"),))


def test_a_group_cannot_take_a_users_extension(session: Session) -> None:
    user(session, "u1", "101")
    with pytest.raises(IntegrityError), session.begin_nested():
        Groups(session).add(ACCOUNT, PbxIds.new(), group("Sales", "101"), by="U1", now=NOW)


def test_two_groups_cannot_share_a_number_but_two_accounts_can(session: Session) -> None:
    groups = Groups(session)
    groups.add(ACCOUNT, PbxIds.new(), group("Sales", "201"), by="U1", now=NOW)
    groups.add("8" * 32, PbxIds.new(), group("Sales", "201"), by="U1", now=NOW)
    with pytest.raises(IntegrityError), session.begin_nested():
        groups.add(ACCOUNT, PbxIds.new(), group("Support", "201"), by="U1", now=NOW)


def test_names_are_unique_whatever_their_case(session: Session) -> None:
    Groups(session).add(ACCOUNT, PbxIds.new(), group("Sales", "201"), by="U1", now=NOW)
    with pytest.raises(IntegrityError), session.begin_nested():
        Groups(session).add(ACCOUNT, PbxIds.new(), group("SALES", "202"), by="U1", now=NOW)


def test_a_number_has_exactly_one_owner(session: Session) -> None:
    session.add(AccountNumber(account_id=ACCOUNT, number="555", kind=NumberKind.NUMBER))
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


def test_saving_keeps_surviving_numbers_and_frees_removed_ones(session: Session) -> None:
    groups = Groups(session)
    extras = {"extra_extensions": ("2010", "2011")}
    record = groups.add(
        ACCOUNT, PbxIds.new(), group("Sales", "201").model_copy(update=extras), by="U1", now=NOW
    )
    # 201 moves from primary to extra, 2010 goes, 202 comes
    moved = group("Sales", "202").model_copy(update={"extra_extensions": ("201", "2011")})

    assert groups.save(record, moved, version=1, by="U2", now=NOW)
    assert not groups.save(record, moved, version=1, by="U2", now=NOW)  # stale: refused
    numbers = groups.refreshed(record).numbers
    assert [(n.number, n.kind) for n in numbers] == [
        ("202", NumberKind.EXTENSION),
        ("201", NumberKind.EXTRA_EXTENSION),
        ("2011", NumberKind.EXTRA_EXTENSION),
    ]
    assert groups.holder_of(ACCOUNT, "2010") is None
