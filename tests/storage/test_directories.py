"""The directory a write reads: only what the group refers to (``Directories.around``),
yet the engine's rules, compiler, lint and history words answer exactly as they do
with the whole account's directory (``Directories.load``)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.engine.changes import describe_change, names_in
from bot.engine.compiler import CompileError, compile_group
from bot.engine.directory import Directory
from bot.engine.documents import PbxIds
from bot.engine.lint import lint
from bot.engine.model import Group
from bot.engine.validation import GroupRejected, check_in_account
from bot.services import Actor, ServiceOptions, Services
from bot.storage.directory_file import demo_directory_text
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.test_services import FakePbx

ACCOUNT = "d" * 32
TEAM = "T0DIR"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, clock: Any) -> Services:
    services = Services(uow_factory, FakePbx(), clock, ServiceOptions(default_account_id=ACCOUNT))
    services.import_directory(None, demo_directory_text())
    return services


def verdict(call: Any) -> object:
    """What a call returns, or the error it raises, comparable."""
    try:
        return call()
    except GroupRejected as rejected:
        return ("rejected", rejected.errors)
    except CompileError as error:
        return ("cannot compile", str(error))


def test_the_engine_answers_the_same_on_what_a_group_refers_to_as_on_the_whole_account(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    whole = services.directory(TEAM)
    user = {u.email: k for k, u in whole.users.items()}
    alice, bob, carol, dana, erin = (
        user[f"{n}@example.com"] for n in ("alice", "bob", "carol", "dana", "erin")
    )
    box, device, menu, media = (
        next(iter(whole.vmboxes)),
        next(iter(whole.devices)),
        next(iter(whole.menus)),
        next(iter(whole.media)),
    )

    def group(name: str, ext: str, members: list[str], **more: Any) -> Group:
        return Group.model_validate(
            {"name": name, "extension": ext, "members": [{"user_id": m} for m in members], **more}
        )

    sales = services.create_group(
        ADMIN,
        group(
            "Sales",
            "201",
            [alice, bob],
            numbers=["+14155550201"],
            features={"next_action": {"kind": "voicemail", "target_id": box}},
        ),
    ).view
    support = services.create_group(
        ADMIN,
        group(
            "Support",
            "202",
            [carol],
            extra_extensions=["2020"],
            features={
                "next_action": {"kind": "group", "target_id": sales.pbx.group_id},
                "ringback": {"kind": "media", "media_id": media},
            },
        ),
    ).view
    services.create_group(
        ADMIN,
        group("Ops", "203", [dana], features={"next_action": {"kind": "user", "target_id": erin}}),
    )

    def to(kind: str, target: str | None) -> dict[str, Any]:
        return {"next_action": {"kind": kind, "target_id": target}}

    candidates = [
        group("sales", "210", [alice]),  # a name taken, in another case
        group("Support", "211", [alice]),  # its own name, taken when it is new
        group("New", "101", [bob]),  # a user's extension (not a member)
        group("New", "201", [alice]),  # another group's extension
        group("New", "202", [carol]),  # Support's own extension
        group("New", "212", [alice], extra_extensions=["2020"]),  # Support's extra one
        group("New", "213", [alice], numbers=["+14155550201"]),  # another group's DID
        group("New", "214", [alice, "f" * 32]),  # a member not in the directory
        group("New", "215", [bob], features=to("group", sales.pbx.group_id)),
        group("New", "216", [bob], features=to("group", support.pbx.group_id)),  # itself
        group("New", "217", [bob], features=to("group", "e" * 32)),  # no such group
        group("New", "218", [bob], features=to("menu", menu)),
        group("New", "219", [bob], features=to("menu", "e" * 32)),
        group("New", "220", [bob], features=to("device", device)),
        group("New", "221", [bob], features=to("user", erin)),
        group("New", "222", [bob], features=to("user", "e" * 32)),
        group("New", "223", [bob], features=to("voicemail", "e" * 32)),
        group("New", "224", [bob], features={"ringback": {"kind": "media", "media_id": media}}),
        group("New", "225", [bob], features={"ringback": {"kind": "media", "media_id": "e" * 32}}),
    ]
    ids = PbxIds.new()
    with uow_factory() as uow:
        everything = uow.directory.load(ACCOUNT)
        for after in candidates:
            # as a new group, then as the change of Support into it
            for before, own in ((None, None), (support.group, support.pbx)):
                part = uow.directory.around(ACCOUNT, [after] if before is None else [before, after])
                case = (before, after, own or ids, own.group_id if own else None)
                assert answers(part, *case) == answers(everything, *case), (after, own)
                assert len(part.groups) <= 3  # what it refers to or clashes with, not the account


def answers(
    directory: Directory, before: Group | None, after: Group, ids: PbxIds, own: str | None
) -> list[object]:
    """What the engine says of ``after`` (replacing ``before``) with ``directory``."""
    return [
        verdict(lambda: check_in_account(after, directory, group_id=own)),
        verdict(lambda: compile_group(after, ids, directory)),
        lint(after, directory, group_id=own),
        describe_change(before, after, names_in(directory)),
    ]
