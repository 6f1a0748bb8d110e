"""Two people at once, through real separate connections: exactly one wins, the other is
told why, and nothing is silently overwritten."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

import bot.services.groups
from bot.engine.directory import Directory
from bot.engine.model import Group, Member
from bot.engine.validation import GroupRejected
from bot.errors import Conflict, UserError
from bot.services import Actor, ServiceOptions, Services
from bot.storage.db import make_engine, make_session_factory
from bot.storage.directory_file import demo_directory_text
from bot.storage.unit_of_work import unit_of_work_factory
from tests.test_services import FakePbx

ACCOUNT = "c" * 32
ADMIN_A = Actor("T1", "UANN", is_admin=True)
ADMIN_B = Actor("T1", "UBEN", is_admin=True)


@pytest.fixture
def services(fresh_url: str) -> Iterator[Services]:
    engine = make_engine(fresh_url)
    services = Services(
        unit_of_work_factory(make_session_factory(engine)),
        FakePbx(),
        lambda: datetime.now(UTC),
        ServiceOptions(default_account_id=ACCOUNT),
    )
    services.import_directory(None, demo_directory_text())
    yield services
    engine.dispose()


def group(services: Services, name: str, ext: str) -> Group:
    alice = services.pbx_user_for("T1", "U0", "alice@example.com")
    return Group(name=name, extension=ext, members=(Member(user_id=alice),))


def both(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Run both at once; each result is a return value or the exception raised."""

    def run(call: Callable[[], object]) -> object:
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(run, first), pool.submit(run, second)]
        return [f.result(timeout=60) for f in futures]


def test_two_form_saves_of_one_group_one_wins_the_other_conflicts(services: Services) -> None:
    services.create_group(ADMIN_A, group(services, "Sales", "201"))
    # both have read version 1 before either writes, and both forms showed version 1
    barrier = threading.Barrier(2, timeout=30)

    def set_repeats(n: int) -> Callable[[Group, Directory], Group]:
        def change(g: Group, _d: Directory) -> Group:
            barrier.wait()
            return g.model_copy(update={"repeats": n})

        return change

    results = both(
        lambda: services.change_group(ADMIN_A, "sales", set_repeats(2), expected_version=1),
        lambda: services.change_group(ADMIN_B, "sales", set_repeats(3), expected_version=1),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], Conflict)
    winner = services.get_group("T1", "sales")
    assert winner.version == 2
    assert f"changed by <@{winner.updated_by}>" in str(errors[0])
    assert "reopen to see the latest" in str(errors[0])
    assert [r.number for r in services.history("T1", "sales")] == [2, 1]


def test_two_typed_edits_of_one_group_both_land(services: Services) -> None:
    services.create_group(ADMIN_A, group(services, "Sales", "201"))
    # both read version 1 before either writes; the one that loses is applied again
    barrier = threading.Barrier(2, timeout=30)

    def first_read_meets(update: dict[str, object]) -> Callable[[Group, Directory], Group]:
        calls = iter(range(1))

        def change(g: Group, _d: Directory) -> Group:
            if next(calls, None) is not None:
                barrier.wait()
            return g.model_copy(update=update)

        return change

    results = both(
        lambda: services.change_group(ADMIN_A, "sales", first_read_meets({"repeats": 2})),
        lambda: services.change_group(ADMIN_B, "sales", first_read_meets({"name": "Inside"})),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    after = services.get_group("T1", "201")
    assert (after.group.name, after.group.repeats, after.version) == ("Inside", 2, 3)
    assert [r.number for r in services.history("T1", "201")] == [3, 2, 1]
    # each reply shows what its own save wrote
    assert sorted(r.view.version for r in results if not isinstance(r, Exception)) == [2, 3]


def test_a_typed_edit_that_loses_a_race_is_applied_to_the_version_that_won(
    services: Services,
) -> None:
    services.create_group(ADMIN_A, group(services, "Sales", "201"))
    seen: list[int] = []

    def repeats_3_while_someone_renames(g: Group, _d: Directory) -> Group:
        seen.append(g.repeats)
        if len(seen) == 1:  # between this read and its write, B saves
            services.change_group(
                ADMIN_B, "sales", lambda g, _d: g.model_copy(update={"name": "Inside"})
            )
        return g.model_copy(update={"repeats": 3})

    result = services.change_group(ADMIN_A, "sales", repeats_3_while_someone_renames)

    assert len(seen) == 2  # applied again, to version 2
    assert (result.view.group.name, result.view.group.repeats) == ("Inside", 3)
    assert result.view.version == 3
    assert "repeats" in result.summary
    assert "Inside" not in result.summary


def test_a_typed_edit_that_no_longer_applies_after_a_race_says_why(services: Services) -> None:
    alice = services.pbx_user_for("T1", "U0", "alice@example.com")
    bob = services.pbx_user_for("T1", "U0", "bob@example.com")
    members = (Member(user_id=alice), Member(user_id=bob))
    services.create_group(ADMIN_A, Group(name="Sales", extension="201", members=members))
    calls: list[int] = []

    def remove_bob(g: Group, _d: Directory) -> Group:
        calls.append(1)
        if len(calls) == 1:  # B removes Bob first, between this read and its write
            services.change_group(ADMIN_B, "sales", remove(bob))
        return remove(bob)(g, _d)

    with pytest.raises(UserError) as refused:
        services.change_group(ADMIN_A, "sales", remove_bob)

    said = str(refused.value)
    assert not isinstance(refused.value, Conflict)
    assert "reopen" not in said
    assert "Sales was just changed by <@UBEN>" in said
    assert "no longer applies: Bob is no longer a member of Sales" in said
    assert [m.user_id for m in services.get_group("T1", "sales").group.members] == [alice]


def remove(user: str) -> Callable[[Group, Directory], Group]:
    def change(g: Group, _d: Directory) -> Group:
        if g.member(user) is None:
            raise UserError(f"Bob is no longer a member of {g.name}")
        return g.model_copy(update={"members": tuple(m for m in g.members if m.user_id != user)})

    return change


def test_two_creating_one_extension_one_wins_the_other_learns_who_holds_it(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier = threading.Barrier(2, timeout=30)
    checks = iter(range(2))
    real_check = bot.services.groups.check_in_account

    def check_then_meet(*args: object, **kwargs: object) -> None:
        real_check(*args, **kwargs)  # type: ignore[arg-type]
        if next(checks, None) is not None:  # the first two checks pass, then both insert
            barrier.wait()

    monkeypatch.setattr(bot.services.groups, "check_in_account", check_then_meet)

    results = both(
        lambda: services.create_group(ADMIN_A, group(services, "Sales", "201")),
        lambda: services.create_group(ADMIN_B, group(services, "Support", "201")),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    [winner] = services.list_groups("T1")
    assert isinstance(errors[0], GroupRejected)
    assert errors[0].errors == {
        "extension": f"201 is already used by group {winner.group.name}; choose a free one"
    }


def test_two_creating_one_name_one_wins(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    barrier = threading.Barrier(2, timeout=30)
    checks = iter(range(2))
    real_check = bot.services.groups.check_in_account

    def check_then_meet(*args: object, **kwargs: object) -> None:
        real_check(*args, **kwargs)  # type: ignore[arg-type]
        if next(checks, None) is not None:
            barrier.wait()

    monkeypatch.setattr(bot.services.groups, "check_in_account", check_then_meet)

    results = both(
        lambda: services.create_group(ADMIN_A, group(services, "Sales", "201")),
        lambda: services.create_group(ADMIN_B, group(services, "sales", "202")),
    )

    errors = [r for r in results if isinstance(r, GroupRejected)]
    assert len(errors) == 1, results
    assert "already exists" in errors[0].errors["name"]
    assert len(services.list_groups("T1")) == 1
