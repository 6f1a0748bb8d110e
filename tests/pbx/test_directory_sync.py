"""The directory from Kazoo: `groupbot directory sync` and the directory-sync job against
the crossbar emulator, over real HTTP, paged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_services, directory_at_start
from bot.cli import main
from bot.config import Settings
from bot.engine.directory import Directory, MenuFact, UserFact
from bot.engine.model import Group, Member
from bot.jobs import JobFailed, run_job
from bot.pbx.kazoo import CrossbarClient, KazooPbx
from bot.services import Actor, ServiceOptions, Services
from bot.storage.db import make_engine, make_session_factory
from bot.storage.unit_of_work import UnitOfWorkFactory, unit_of_work_factory
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import (
    ALICE,
    BOB,
    CAROL,
    DANA,
    MAIN_MENU,
    MAIN_MENU_CALLFLOW,
    RINGBACK,
    SALES_VOICEMAIL,
    main_callflow_id,
    seed_account,
    seed_example_group,
)
from tests.db import *  # noqa: F403  (fixtures)
from tests.db import FakeClock
from tests.shared_files import shared_dir
from tests.test_services import FakePbx

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TEAM = "T0KAZOO"
ADMIN = Actor(TEAM, "U0ADMIN", is_admin=True)


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=shared_dir() is not None, page_size=2) as emulator:
        seed_account(emulator)
        yield emulator


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crossbar: CrossbarEmulator) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PBX_BACKEND", "kazoo")
    monkeypatch.setenv("KAZOO_URL", crossbar.url)
    monkeypatch.setenv("KAZOO_API_KEY", crossbar.api_key)
    monkeypatch.setenv("KAZOO_ACCOUNT_ID", crossbar.account_id)
    return tmp_path


def directory_in(db: Path, account: str) -> Directory:
    """The directory groupbot now has, as every command reads it."""
    uow = unit_of_work_factory(make_session_factory(make_engine(f"sqlite:///{db}")))
    services = Services(uow, FakePbx(), FakeClock(), ServiceOptions(default_account_id=account))
    return services.directory(TEAM)


def devices_in(db: Path, account: str) -> dict[str, tuple[str | None, bool]]:
    """Each phone's owner and whether it rings, as groupbot keeps them."""
    uow = unit_of_work_factory(make_session_factory(make_engine(f"sqlite:///{db}")))()
    with uow:
        owners = {user.id: user.pbx_id for user in uow.directory.users(account)}
        return {
            d.name: (owners.get(d.owner_id or 0), d.enabled) for d in uow.directory.devices(account)
        }


def remove_on_the_pbx(crossbar: CrossbarEmulator, collection: str, doc_id: str) -> None:
    with CrossbarClient(crossbar.url, crossbar.api_key) as client:
        KazooPbx(client, crossbar.account_id).delete(collection, doc_id)


# -- groupbot directory sync -----------------------------------------------------------------


def test_sync_reads_every_page_of_each_listing_and_keeps_the_pbx_ids(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_example_group(crossbar)  # a SmartPBX ring group: its callflows are nobody's

    assert main(["directory", "sync"]) == 0

    assert capsys.readouterr().out == (
        "Read 4 users, 4 devices, 2 voicemail boxes, 1 menu and 2 media files "
        f"from PBX account {crossbar.account_id}.\n"
    )
    directory = directory_in(env / "cli.db", crossbar.account_id)
    assert dict(directory.users) == {
        ALICE: UserFact(
            name="Alice Smith",
            extension="101",
            email="alice@example.com",
            main_callflow_id=main_callflow_id(ALICE),
        ),
        BOB: UserFact(
            name="Bob Jones",
            extension="102",
            email="bob@example.com",
            main_callflow_id=main_callflow_id(BOB),
        ),
        CAROL: UserFact(
            name="Carol White",
            extension="103",
            email="carol@example.com",
            main_callflow_id=main_callflow_id(CAROL),
        ),
        DANA: UserFact(name="Dana Lee"),
    }
    assert sorted(directory.devices.values()) == [
        "Alice desk phone",
        "Bob softphone",
        "Dana desk phone",
        "Lobby phone",
    ]
    assert directory.vmboxes[SALES_VOICEMAIL] == "Sales voicemail"
    assert dict(directory.menus) == {
        MAIN_MENU: MenuFact(name="Main Menu", callflow_id=MAIN_MENU_CALLFLOW)
    }
    assert directory.media[RINGBACK] == "Sales ringback"
    # two rows a page: every listing took more than one request
    assert crossbar.count("GET", "/users") == 2
    assert crossbar.count("GET", "/devices") == 2
    assert crossbar.count("GET", "/media") == 1
    # six callflows in three pages, and the one running a menu read whole
    assert crossbar.count("GET", "/callflows") == 3 + 1
    assert crossbar.count("GET", f"/callflows/{MAIN_MENU_CALLFLOW}") == 1


def test_a_second_sync_changes_nothing_and_says_so(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directory", "sync"]) == 0
    first = directory_in(env / "cli.db", crossbar.account_id)
    capsys.readouterr()

    assert main(["directory", "sync"]) == 0

    assert capsys.readouterr().out.endswith(f"from PBX account {crossbar.account_id}: no change.\n")
    assert directory_in(env / "cli.db", crossbar.account_id) == first


def test_what_changed_on_the_pbx_comes_across(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directory", "sync"]) == 0
    crossbar.seed("users", {"first_name": "Erin", "last_name": "Moss", "email": "erin@example.com"})
    remove_on_the_pbx(crossbar, "media", RINGBACK)  # no group plays it
    capsys.readouterr()

    assert main(["directory", "sync"]) == 0

    assert capsys.readouterr().out.startswith("Read 5 users, 4 devices, 2 voicemail boxes, 1 menu")
    directory = directory_in(env / "cli.db", crossbar.account_id)
    assert "Erin Moss" in {user.name for user in directory.users.values()}
    assert RINGBACK not in directory.media


def test_a_phone_switched_on_and_given_an_owner_on_the_pbx_comes_across(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directory", "sync"]) == 0
    devices = crossbar.documents("devices").items()
    [(phone, softphone)] = [(i, d) for i, d in devices if d["name"] == "Bob softphone"]
    crossbar.seed("devices", {"id": phone, **softphone, "enabled": True, "owner_id": CAROL})
    capsys.readouterr()

    assert main(["directory", "sync"]) == 0

    assert capsys.readouterr().out.endswith(f"from PBX account {crossbar.account_id}.\n")
    phones = devices_in(env / "cli.db", crossbar.account_id)
    assert phones["Bob softphone"] == (CAROL, True)


def test_a_user_removed_on_the_pbx_whom_a_group_still_rings_is_refused_by_name(
    env: Path, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directory", "sync"]) == 0
    groups = env / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: Support\n    extension: '301'\n    members:\n"
        "      - {user: alice@example.com, start: 0, end: 30}\n"
        "      - {user: bob@example.com, start: 0, end: 30}\n"
    )
    assert main(["import", str(groups)]) == 0
    assert {g["name"] for g in crossbar.documents("groups").values()} == {"Support"}
    remove_on_the_pbx(crossbar, "users", BOB)
    before = directory_in(env / "cli.db", crossbar.account_id)
    capsys.readouterr()

    assert main(["directory", "sync"]) == 1

    assert capsys.readouterr().err == (
        "groupbot directory sync: Support still has member bob@example.com (Bob Jones), who "
        "is no longer on the PBX: remove them from Support first, or put them back "
        "(nothing was changed)\n"
    )
    assert directory_in(env / "cli.db", crossbar.account_id) == before


def test_sync_with_the_file_backend_says_there_is_nothing_to_read(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PBX_BACKEND", "file")

    assert main(["directory", "sync"]) == 2

    assert capsys.readouterr().err == (
        "groupbot directory sync: the local PBX backend (PBX_BACKEND=file) has no directory "
        "to read; load one with groupbot directory import <file.yaml>\n"
    )


# -- the directory-sync job -------------------------------------------------------------------


@pytest.fixture
def kazoo_services(
    crossbar: CrossbarEmulator, uow_factory: UnitOfWorkFactory, clock: FakeClock
) -> Iterator[Services]:
    with CrossbarClient(crossbar.url, crossbar.api_key) as client:
        pbx = KazooPbx(client, crossbar.account_id)
        yield Services(
            uow_factory, pbx, clock, ServiceOptions(default_account_id=crossbar.account_id)
        )


def test_the_job_reads_the_directory_then_finds_no_change(
    kazoo_services: Services, crossbar: CrossbarEmulator
) -> None:
    said = run_job("directory-sync", kazoo_services, NOW)

    assert said == (
        "read 4 users, 4 devices, 2 voicemail boxes, 1 menu, 2 media files "
        f"from PBX account {crossbar.account_id}"
    )
    assert kazoo_services.directory(TEAM).users[ALICE].extension == "101"
    assert run_job("directory-sync", kazoo_services, NOW) == (
        "no change: the PBX has the same 4 users, 4 devices, 2 voicemail boxes, 1 menu, "
        "2 media files"
    )


def test_the_job_reports_what_a_group_still_uses_and_changes_nothing(
    kazoo_services: Services, crossbar: CrossbarEmulator
) -> None:
    run_job("directory-sync", kazoo_services, NOW)
    members = (Member(user_id=ALICE), Member(user_id=CAROL))
    kazoo_services.create_group(ADMIN, Group(name="Desk", extension="301", members=members))
    remove_on_the_pbx(crossbar, "users", CAROL)
    crossbar.seed("users", {"first_name": "Erin", "last_name": "Moss"})

    with pytest.raises(JobFailed) as failed:
        run_job("directory-sync", kazoo_services, NOW)

    assert str(failed.value) == (
        "the directory was left as it was: Desk still has member carol@example.com "
        "(Carol White), who is no longer on the PBX: remove them from Desk first, or put "
        "them back"
    )
    assert CAROL in kazoo_services.directory(TEAM).users
    assert len(kazoo_services.directory(TEAM).users) == 4


def test_the_job_has_nothing_to_read_on_the_file_backend(
    uow_factory: UnitOfWorkFactory, clock: FakeClock
) -> None:
    services = Services(uow_factory, FakePbx(), clock, ServiceOptions(default_account_id="a" * 32))

    assert run_job("directory-sync", services, NOW) == (
        "nothing to read: the local PBX has no directory (groupbot directory import)"
    )


# -- at start (serve, socket, shell) ----------------------------------------------------------


@pytest.fixture
def kazoo_settings(tmp_path: Path, crossbar: CrossbarEmulator) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'start.db'}",
        pbx_backend="kazoo",
        kazoo_url=crossbar.url,
        kazoo_api_key=crossbar.api_key,
        kazoo_account_id=crossbar.account_id,
    )


def test_at_start_an_empty_directory_is_read_from_kazoo_and_only_then(
    kazoo_settings: Settings, crossbar: CrossbarEmulator
) -> None:
    services = build_services(kazoo_settings)

    directory_at_start(kazoo_settings, services)

    assert len(services.directory(TEAM).users) == 4
    reads = crossbar.count("GET")
    directory_at_start(kazoo_settings, services)
    assert crossbar.count("GET") == reads


def test_at_start_a_pbx_that_cannot_be_read_is_one_line(
    kazoo_settings: Settings, crossbar: CrossbarEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    services = build_services(kazoo_settings)
    crossbar.fail(503, method="GET", times=None)

    directory_at_start(kazoo_settings, services)  # serve and socket go on
    with pytest.raises(SystemExit) as stopped:
        directory_at_start(kazoo_settings, services, required=True)  # the shell stops

    assert stopped.value.code == 2
    line = (
        "groupbot: the PBX directory was not read: Could not read the directory from the "
        f"PBX: the PBX answered 503 (datastore_unreachable) to GET /accounts/"
        f"{crossbar.account_id}/users\n"
    )
    assert capsys.readouterr().err == line + line
    assert services.directory(TEAM).users == {}


def test_a_pbx_user_given_a_groups_extension_is_refused_by_name(
    kazoo_services: Services, crossbar: CrossbarEmulator
) -> None:
    run_job("directory-sync", kazoo_services, NOW)
    crossbar.down()  # the group is saved, not yet on the PBX
    desk = Group(name="Desk", extension="301", members=(Member(user_id=ALICE),))
    kazoo_services.create_group(ADMIN, desk)
    assert kazoo_services.push_after_save().failed
    crossbar.up()
    erin = crossbar.seed("users", {"first_name": "Erin", "last_name": "Moss"})
    crossbar.seed(
        "callflows",
        {"type": "mainUserCallflow", "owner_id": erin, "numbers": ["301"], "flow": {}},
    )

    with pytest.raises(JobFailed) as failed:
        run_job("directory-sync", kazoo_services, NOW)

    assert str(failed.value) == (
        "the directory was left as it was: Erin Moss has extension 301 on the PBX, which "
        "groupbot has for group Desk: change the extension of group Desk or of Erin Moss first"
    )
