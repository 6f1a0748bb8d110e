"""The directory file: good files load with stable ids, bad files load nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete

from bot.engine.directory import Directory
from bot.engine.model import Group
from bot.services import ServiceOptions, Services
from bot.storage.directory_file import (
    DirectoryFileError,
    DirectoryInUse,
    demo_directory_text,
    load_directory_yaml,
)
from bot.storage.models import PbxUser
from bot.storage.portable_groups import PortableFileError
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


# -- a new file must keep what groups use --------------------------------------------------

VOICEMAIL = 'voicemail_boxes:\n  - name: Sales voicemail\n    mailbox: "300"\n'
MEDIA = "media:\n  - name: Hold music\n"
MENUS = "menus:\n  - name: Main menu\n"
DEVICES = "devices:\n  - name: Front desk phone\n    owner: alice@example.com\n"
BOB = '  - name: Bob Jones\n    email: bob@example.com\n    extension: "102"\n'


def without(*parts: str) -> str:
    text = demo_directory_text()
    for part in parts:
        assert part in text
        text = text.replace(part, "")
    return text


def test_a_file_without_a_member_of_a_group_is_refused_and_imports_nothing(
    services: Services,
) -> None:
    services.import_directory(None, demo_directory_text())
    services.create_group(ADMIN, sales(services, "alice", "bob"))
    before = services.directory("T1")

    with pytest.raises(DirectoryInUse) as caught:
        services.import_directory(
            None, demo_directory_text().replace(BOB, "  - {name: Zed, email: zed@example.com}\n")
        )

    assert list(caught.value.errors.values()) == [
        "Sales still has member bob@example.com (Bob Jones), who is not in the file: "
        "remove them from Sales first, or keep them in the file"
    ]
    assert services.directory("T1") == before  # Zed was not imported either


@pytest.mark.parametrize(
    ("features", "dropped", "said"),
    [
        (
            lambda d: {"next_action": {"kind": "voicemail", "target_id": next(iter(d.vmboxes))}},
            VOICEMAIL,
            "Sales sends unanswered calls to the voicemail box Sales voicemail, which is not "
            "in the file: change the next action of Sales first, or keep it in the file",
        ),
        (
            lambda d: {"next_action": {"kind": "menu", "target_id": next(iter(d.menus))}},
            MENUS,
            "Sales sends unanswered calls to the menu Main menu, which is not in the file: "
            "change the next action of Sales first, or keep it in the file",
        ),
        (
            lambda d: {"next_action": {"kind": "device", "target_id": next(iter(d.devices))}},
            DEVICES,
            "Sales sends unanswered calls to the device Front desk phone, which is not in "
            "the file: change the next action of Sales first, or keep it in the file",
        ),
        (
            lambda d: {
                "next_action": {
                    "kind": "user",
                    "target_id": next(k for k, u in d.users.items() if u.name == "Bob Jones"),
                }
            },
            BOB,
            "Sales sends unanswered calls to the user bob@example.com (Bob Jones), who is "
            "not in the file: change the next action of Sales first, or keep them in the file",
        ),
        (
            lambda d: {"ringback": {"kind": "media", "media_id": next(iter(d.media))}},
            MEDIA,
            "Sales plays the media Hold music as ringback, which is not in the file: "
            "change the ringback of Sales first, or keep it in the file",
        ),
    ],
)
def test_a_file_without_what_a_group_sends_calls_to_or_plays_is_refused(
    services: Services,
    features: Callable[[Directory], dict[str, Any]],
    dropped: str,
    said: str,
) -> None:
    services.import_directory(None, demo_directory_text())
    group = sales(services, "alice")
    group = Group.model_validate(
        {**group.model_dump(), "features": features(services.directory("T1"))}
    )
    services.create_group(ADMIN, group)
    before = services.directory("T1")

    with pytest.raises(DirectoryInUse) as caught:
        services.import_directory(None, without(dropped))

    assert list(caught.value.errors.values()) == [said]
    assert services.directory("T1") == before


def test_a_file_keeping_what_groups_use_imports(services: Services) -> None:
    services.import_directory(None, demo_directory_text())
    services.create_group(ADMIN, sales(services, "alice", "bob"))

    result = services.import_directory(None, without(VOICEMAIL, MEDIA))

    assert (result.voicemail_boxes, result.media, result.warnings) == (0, 0, ())
    names = services.get_group("T1", "sales").member_names
    assert sorted(names.values()) == ["Alice Smith", "Bob Jones"]


def test_a_member_already_missing_does_not_block_an_import_and_is_named(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    services.import_directory(None, demo_directory_text())
    services.create_group(ADMIN, sales(services, "alice", "bob"))
    bob = services.pbx_user_for("T1", "U-nobody", "bob@example.com")
    with uow_factory() as uow:  # as an older groupbot let it happen
        uow.session.execute(delete(PbxUser).where(PbxUser.pbx_id == bob))
        uow.commit()

    result = services.import_directory(None, without(BOB))

    assert result.warnings == (
        f"Sales still has member {bob}, who was already missing from the PBX directory: "
        "remove them from Sales",
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "users:\n  - name: Alice\n    email alice@example.com\n  - name: Bob\n",
            "dir.yaml, line 3, column 5: not valid YAML, could not find expected ':' "
            "(while scanning a simple key)",
        ),
        ('users:\n  - name: "Alice\n', "dir.yaml, line 2, column 11: not valid YAML, found "),
        ("users: [\n", "dir.yaml, line 2, column 1: not valid YAML, expected the node content"),
    ],
)
def test_a_file_that_is_not_yaml_is_one_line_naming_file_line_and_column(
    text: str, said: str
) -> None:
    with pytest.raises(DirectoryFileError) as caught:
        load_directory_yaml(text, source="dir.yaml")

    [message] = caught.value.errors.values()
    assert message.startswith(said)
    assert "\n" not in message


def test_portable_groups_that_are_not_yaml_name_the_file_line_and_column(
    services: Services,
) -> None:
    with pytest.raises(PortableFileError) as caught:
        services.import_groups(ADMIN, "groups:\n  - name: [Sales\n", source="groups.yaml")

    assert str(caught.value).startswith("groups.yaml, line 2, column 11: not valid YAML, ")
    assert "\n" not in str(caught.value)
