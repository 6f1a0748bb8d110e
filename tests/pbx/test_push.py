"""Pushing saves to Kazoo (the crossbar emulator) after they are committed: only the
documents that changed, each group's in order, once, whatever dies in between."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine.model import Group, Member
from bot.jobs import run_job
from bot.pbx.kazoo import CrossbarClient, KazooPbx
from bot.services import Actor, ServiceOptions, Services
from bot.storage.db import make_engine, make_session_factory
from bot.storage.unit_of_work import UnitOfWorkFactory, unit_of_work_factory
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import ALICE, BOB, CAROL, seed_account
from tests.db import *  # noqa: F403  (fixtures)
from tests.db import FakeClock
from tests.pbx.test_directory_sync import NOW
from tests.shared_files import shared_dir

TEAM = "T0PUSH"
ADMIN = Actor(TEAM, "U0ADMIN", is_admin=True)


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=shared_dir() is not None) as emulator:
        seed_account(emulator)
        yield emulator


def kazoo(crossbar: CrossbarEmulator, uow: UnitOfWorkFactory, clock: FakeClock) -> Services:
    client = CrossbarClient(crossbar.url, crossbar.api_key)
    pbx = KazooPbx(client, crossbar.account_id)
    return Services(uow, pbx, clock, ServiceOptions(default_account_id=crossbar.account_id))


@pytest.fixture
def services(
    crossbar: CrossbarEmulator, uow_factory: UnitOfWorkFactory, clock: FakeClock
) -> Services:
    services = kazoo(crossbar, uow_factory, clock)
    run_job("directory-sync", services, NOW)
    return services


def sales(name: str = "Sales", extension: str = "201") -> Group:
    return Group(
        name=name,
        extension=extension,
        members=(Member(user_id=ALICE), Member(user_id=BOB, start=0, end=20)),
    )


def writes(crossbar: CrossbarEmulator) -> int:
    """Documents written or removed (not api_auth, not reads)."""
    return sum(1 for method, path in crossbar.requests if method != "GET" and "/accounts/" in path)


def on_pbx(crossbar: CrossbarEmulator, services: Services, name: str) -> bool:
    """Whether the PBX holds the group's three documents exactly as compiled."""
    view = services.get_group(TEAM, name)
    documents = services.compiled(TEAM, name)
    groups, callflows = crossbar.documents("groups"), crossbar.documents("callflows")
    return (
        groups.get(view.pbx.group_id) == documents.group
        and callflows.get(view.pbx.base_callflow_id) == documents.base_callflow
        and callflows.get(view.pbx.user_callflow_id) == documents.user_callflow
    )


def test_a_save_calls_no_pbx_then_its_push_writes_only_what_changed(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    before = writes(crossbar)
    services.create_group(ADMIN, sales())
    assert writes(crossbar) == before  # nothing until the acknowledgement is out

    assert services.push_after_save().writes == 3
    assert writes(crossbar) == before + 3  # a create: one PUT each, no POST tried first
    assert crossbar.count("POST") == 0
    assert on_pbx(crossbar, services, "Sales")

    def window(g: Group, _d: object) -> Group:
        bob = g.members[1].model_copy(update={"end": 30})
        return g.model_copy(update={"members": (g.members[0], bob)})

    services.change_group(ADMIN, "Sales", window)
    assert services.push_after_save().writes == 1  # the baseGroup callflow only
    assert on_pbx(crossbar, services, "Sales")

    services.change_group(ADMIN, "Sales", lambda g, _d: g.model_copy(update={"name": "Desk"}))
    renamed = services.push_after_save().writes
    assert 1 <= renamed <= 3
    assert on_pbx(crossbar, services, "Desk")

    count = writes(crossbar)
    services.change_group(ADMIN, "Desk", lambda g, _d: g)  # changes nothing
    assert services.push_after_save().writes == 0
    assert writes(crossbar) == count

    view = services.get_group(TEAM, "Desk")
    services.delete_group(ADMIN, "Desk")
    assert services.push_after_save().writes == 3
    for doc_id in (view.pbx.group_id, view.pbx.base_callflow_id, view.pbx.user_callflow_id):
        assert crossbar.is_deleted(doc_id)


def test_changes_made_while_the_pbx_is_down_all_arrive_once_when_it_is_back(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    crossbar.down()
    services.create_group(ADMIN, sales())
    for end in (25, 30, 35, 40):

        def window(g: Group, _d: object, end: int = end) -> Group:
            bob = g.members[1].model_copy(update={"end": end})
            return g.model_copy(update={"members": (g.members[0], bob)})

        services.change_group(ADMIN, "Sales", window)
        assert services.push_after_save().failed  # each tried at once, each refused
    services.create_group(ADMIN, sales("Support", "202"))
    services.delete_group(ADMIN, "Support")
    assert services.get_group(TEAM, "Sales").pbx_pending
    crossbar.up()
    before = writes(crossbar)

    pushed = services.push_pending()

    assert sorted(pushed.pushed) == ["Sales", "Support"]
    assert not pushed.failed
    assert on_pbx(crossbar, services, "Sales")  # the last window, not an earlier one
    # each of Sales' documents once (its latest), Support's three removals
    assert writes(crossbar) - before == 3 + 3
    assert not services.get_group(TEAM, "Sales").pbx_pending
    assert services.push_pending().pushed == ()


def test_killed_between_the_pbx_taking_it_and_marking_it_done(
    crossbar: CrossbarEmulator,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    first = kazoo(crossbar, uow_factory, clock)
    run_job("directory-sync", first, NOW)
    first.create_group(ADMIN, sales())
    # the PBX stores the userGroup callflow, then the answer never arrives: as far as
    # groupbot knows, the process died before it could mark the entry done
    crossbar.drop(method="PUT", path="/callflows", times=None)
    assert first.push_after_save().failed
    assert len(crossbar.documents("groups")) == 1
    crossbar.up()

    restarted = kazoo(crossbar, uow_factory, clock)  # a new process, same database
    assert restarted.push_pending().pushed == ("Sales",)

    assert on_pbx(crossbar, restarted, "Sales")
    view = restarted.get_group(TEAM, "Sales")
    callflows = crossbar.documents("callflows")
    assert (
        len([c for c in callflows if c in (view.pbx.base_callflow_id, view.pbx.user_callflow_id)])
        == 2
    )
    assert len(crossbar.documents("groups")) == 1  # nothing twice
    assert not view.pbx_pending


def test_a_number_taken_on_the_pbx_is_refused_and_shown_with_why(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    crossbar.seed(
        "callflows", {"name": "Front desk", "numbers": ["201"], "flow": {"module": "user"}}
    )
    services.create_group(ADMIN, sales())

    pushed = services.push_after_save()

    assert pushed.refused == ("Sales",)
    ((name, why),) = pushed.failed
    assert name == "Sales"
    assert "201 is already used on the PBX by callflow Front desk" in why
    shown = services.get_group(TEAM, "Sales")
    assert shown.pbx_pending
    assert shown.pbx_reason == why
    (line,) = [s for s in services.group_summaries(TEAM) if s.name == "Sales"]
    assert line.pbx_reason == why


def test_four_dispatchers_share_the_outbox_each_entry_once_each_group_in_order(
    crossbar: CrossbarEmulator, fresh_url: str
) -> None:
    engines = [make_engine(fresh_url) for _ in range(4)]
    # one machine's time, standing still: SQLite's claims lapse by it (FakeClock's own
    # second per reading would make minutes of the pushes' many readings)
    clock = FakeClock(step=timedelta(0))
    dispatchers = [
        kazoo(crossbar, unit_of_work_factory(make_session_factory(e)), clock) for e in engines
    ]
    try:
        web = dispatchers[0]
        run_job("directory-sync", web, NOW)
        crossbar.down()
        members = (Member(user_id=ALICE), Member(user_id=CAROL))
        for n in range(200):
            web.create_group(
                ADMIN, Group(name=f"G{n:03d}", extension=f"{500 + n}", members=members)
            )
        web.take_saved()
        crossbar.up()
        crossbar.writes.clear()
        threads = [threading.Thread(target=d.push_pending) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        sent = list(crossbar.writes)
        assert len(sent) == 600  # 3 documents × 200 groups
        assert len({doc_id for _, _, doc_id in sent}) == 600  # none twice
        assert {method for method, _, _ in sent} == {"PUT"}  # each a create, once
        position = {doc_id: i for i, (_, _, doc_id) in enumerate(sent)}
        for view in web.list_groups(TEAM):
            ids = view.pbx
            # each group's in SmartPBX's order: nothing points at a document not there yet
            order = [ids.group_id, ids.base_callflow_id, ids.user_callflow_id]
            assert sorted(order, key=position.__getitem__) == order
            assert not view.pbx_pending
        assert len(crossbar.documents("groups")) == 200
    finally:
        for engine in engines:
            engine.dispose()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crossbar: CrossbarEmulator) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PBX_BACKEND", "kazoo")
    monkeypatch.setenv("KAZOO_URL", crossbar.url)
    monkeypatch.setenv("KAZOO_API_KEY", crossbar.api_key)
    monkeypatch.setenv("KAZOO_ACCOUNT_ID", crossbar.account_id)
    return tmp_path


def test_groupbot_sync_pushes_what_is_pending_and_exits_0_only_when_all_arrived(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = env / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: Sales\n    extension: '201'\n"
        "    members: [{user: alice@example.com, start: 0, end: 30}]\n"
    )
    front_desk = crossbar.seed(
        "callflows", {"name": "Front desk", "numbers": ["201"], "flow": {"module": "user"}}
    )
    assert main(["directory", "sync"]) == 0
    assert main(["import", str(groups)]) == 0  # saved; its push refused
    assert "201 is already used on the PBX" in capsys.readouterr().out

    assert main(["sync", "--dry-run"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1
    assert listed[0].startswith("Sales: write callflows/")  # the group document went

    assert main(["sync"]) == 1  # refused: named, with why
    err = capsys.readouterr().err
    assert err == "The PBX refused Sales: 201 is already used on the PBX by callflow Front desk\n"

    del crossbar.accounts[crossbar.account_id].docs[front_desk]  # freed in SmartPBX
    assert main(["sync"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Pushed 1 group to the PBX (")
    assert said.endswith("): Sales\n")
    assert main(["sync"]) == 0
    assert capsys.readouterr().out == "Nothing to push: the PBX has every change.\n"
    assert len(crossbar.documents("groups")) == 1
