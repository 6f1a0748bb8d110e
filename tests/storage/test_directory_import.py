"""The directory file: good files load with stable ids, bad files load nothing."""

from __future__ import annotations

import re

import pytest

from bot.services import ServiceOptions, Services
from bot.storage.directory_file import DirectoryFileError, demo_directory_text, load_directory_yaml
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.db import FakeClock
from tests.test_services import ADMIN, FakePbx, sales

ACCOUNT = "d" * 32
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, clock: FakeClock) -> Services:
    return Services(uow_factory, FakePbx(), clock, ServiceOptions(default_account_id=ACCOUNT))


def test_demo_directory_has_the_five_users_and_one_of_each_thing(services: Services) -> None:
    result = services.import_directory(None, demo_directory_text())

    directory = services.directory("T1")
    assert (result.users, result.devices, result.voicemail_boxes, result.menus, result.media) == (
        5,
        1,
        1,
        1,
        1,
    )
    assert sorted((u.email, u.extension) for u in directory.users.values()) == [
        (f"{n}@example.com", str(101 + i))
        for i, n in enumerate(["alice", "bob", "carol", "dana", "erin"])
    ]
    assert all(HEX32.match(i) for i in [*directory.users, *directory.devices, *directory.menus])
    assert all(u.main_callflow_id for u in directory.users.values())
    assert [m.name for m in directory.menus.values()] == ["Main menu"]


def test_ids_are_stable_across_reimports(services: Services) -> None:
    services.import_directory(None, demo_directory_text())
    first = services.directory("T1")
    services.import_directory(None, demo_directory_text())
    assert services.directory("T1") == first


def test_given_ids_are_kept_and_missing_ones_match_existing_rows(services: Services) -> None:
    given = "5f0c2a7e9b1d4c3a8e6f7a9b0c1d2e3f"
    services.import_directory(
        None, f"users:\n  - {{id: {given}, name: Alice, email: alice@example.com}}\n"
    )
    services.import_directory(
        None, "users:\n  - {name: Alice Smith, email: alice@example.com, extension: '101'}\n"
    )
    directory = services.directory("T1")
    assert list(directory.users) == [given]
    assert directory.users[given].extension == "101"


def test_ensure_directory_loads_the_demo_only_when_empty(services: Services) -> None:
    assert services.ensure_directory("T1") is True
    assert services.ensure_directory("T1") is False
    assert len(services.directory("T1").users) == 5


@pytest.mark.parametrize(
    ("text", "error"),
    [
        # each line: a broken file and the message naming entry and field
        ("users:\n  - {name: A, extension: '1x'}\n", "users[0].extension: must be digits"),
        ("users:\n  - {name: A}\n  - {email: b@x.io}\n", "users[1].name: is required"),
        ("users:\n  - {name: A, id: XYZ}\n", "users[0].id: must be 32 lowercase hex characters"),
        ("users:\n  - {name: A, phone: 1}\n", "users[0].phone: unknown field"),
        (
            "users:\n  - {name: A, extension: '101'}\n  - {name: B, extension: '101'}\n",
            "users[1].extension: extension 101 is already used by users[0]",
        ),
        (
            "devices:\n  - {name: Desk, owner: zed@example.com}\n",
            "devices[0].owner: no user in the file has the email zed@example.com",
        ),
        ("voicemail_boxes:\n  - {name: Sales}\n", "voicemail_boxes[0].mailbox: is required"),
        ("phones: []\n", "phones: unknown section"),
        ("users: {name: A}\n", "users: must be a list"),
        ("- 1\n", "file: must be a mapping"),
    ],
)
def test_bad_files_name_the_entry_and_field_and_import_nothing(
    services: Services, text: str, error: str
) -> None:
    with pytest.raises(DirectoryFileError) as caught:
        services.import_directory(None, text)

    assert any(message.startswith(error) for message in caught.value.errors.values()), (
        caught.value.errors
    )
    assert services.directory("T1").users == {}


def test_a_user_extension_held_by_a_group_is_refused(services: Services) -> None:
    services.import_directory(None, demo_directory_text())
    services.create_group(ADMIN, sales(services, ext="201"))
    text = demo_directory_text().replace('extension: "105"', 'extension: "201"')

    with pytest.raises(DirectoryFileError) as caught:
        services.import_directory(None, text)

    assert caught.value.errors == {
        "users[4].extension": "users[4].extension: 201 is already used by group Sales"
    }
    assert services.directory("T1").users  # the old directory is still there


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(DirectoryFileError) as caught:
        load_directory_yaml("users:\n  - {extension: x}\nmenus:\n  - {}\n")
    assert set(caught.value.errors) == {"users[0].name", "users[0].extension", "menus[0].name"}
