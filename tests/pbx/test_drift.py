"""Drift and adoption against the crossbar emulator (real HTTP) and the local file
backend, on SQLite and PostgreSQL: what the PBX has that groupbot would not write, in
plain words; ring groups made in SmartPBX adopted; each difference settled by an admin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine.documents import NOT_AVAILABLE_MEDIA, PbxIds
from bot.engine.model import (
    CallerIdPrepend,
    CallRecording,
    Features,
    Group,
    Member,
    NextAction,
    Ringback,
)
from bot.errors import Forbidden, UserError
from bot.pbx.kazoo import CrossbarClient, KazooPbx
from bot.pbx.local import LocalPbx
from bot.services import Actor, ServiceOptions, Services
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.crossbar.emulator import CrossbarEmulator
from tests.crossbar.smartpbx import (
    ALICE,
    BOB,
    CAROL,
    EXAMPLE_BASE_CALLFLOW,
    EXAMPLE_GROUP,
    RINGBACK,
    SALES_VOICEMAIL,
    seed_account,
    seed_example_group,
)
from tests.db import *  # noqa: F403  (fixtures)
from tests.db import FakeClock
from tests.shared_files import shared_dir

TEAM = "T0KAZOO"
ADMIN = Actor(TEAM, "U0ADMIN", is_admin=True)
LEAD = Actor(TEAM, "U0LEAD", is_admin=False)
SUPPORT = Group(
    name="Support",
    extension="301",
    members=(Member(user_id=ALICE, start=0, end=20), Member(user_id=BOB, start=0, end=20)),
)


@pytest.fixture
def crossbar() -> Iterator[CrossbarEmulator]:
    with CrossbarEmulator(validate=shared_dir() is not None, page_size=2) as emulator:
        seed_account(emulator)
        yield emulator


@pytest.fixture
def pbx(crossbar: CrossbarEmulator) -> Iterator[KazooPbx]:
    with CrossbarClient(crossbar.url, crossbar.api_key) as client:
        yield KazooPbx(client, crossbar.account_id)


@pytest.fixture
def services(
    pbx: KazooPbx, crossbar: CrossbarEmulator, uow_factory: UnitOfWorkFactory, clock: FakeClock
) -> Services:
    services = Services(
        uow_factory, pbx, clock, ServiceOptions(default_account_id=crossbar.account_id)
    )
    services.sync_directory(TEAM)
    return services


def made(services: Services, group: Group = SUPPORT) -> PbxIds:
    """A group created through groupbot, and on the PBX (pushed, whenever a save pushes)."""
    ids = services.create_group(ADMIN, group).view.pbx
    services.push_pending(TEAM)
    return ids


def edit_on_the_pbx(pbx: KazooPbx, doc_id: str, edit: object) -> None:
    """What someone does in SmartPBX: read the callflow, change it, save it."""
    document = pbx.read("callflows", doc_id)
    assert document is not None
    assert callable(edit)
    edit(document)
    pbx.put("callflows", doc_id, document)


def ring_bob_for(seconds: int) -> object:
    def edit(callflow: dict[str, object]) -> None:
        data = callflow["flow"]["data"]  # type: ignore[index]
        for endpoint in data["endpoints"]:
            if endpoint["id"] == BOB:
                endpoint["timeout"] = seconds
        data["timeout"] = max(e["delay"] + e["timeout"] for e in data["endpoints"])

    return edit


# -- ring groups made in SmartPBX -----------------------------------------------------------


def test_the_example_smartpbx_group_is_listed_and_adopted_with_its_members_windows_and_features(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    seed_example_group(crossbar)

    report = services.drift(TEAM)

    assert [(a.name, a.about, a.refusal) for a in report.adoptable] == [
        ("Sales", "extension 201, 3 members", None)
    ]
    assert report.drifted == ()
    assert report.in_sync == ()

    result = services.adopt(ADMIN, "sales")
    services.push_pending(TEAM)

    view = services.get_group(TEAM, "Sales")
    # what the example documents say (../shared/kazoo/examples, README)
    assert view.group == Group(
        name="Sales",
        extension="201",
        extra_extensions=("2010",),
        numbers=("+14155550123",),
        members=(
            Member(user_id=ALICE, start=0, end=40),
            Member(user_id=BOB, start=40, end=80),
            Member(user_id=CAROL, start=80, end=120),
        ),
        repeats=2,
        features=Features(
            call_recording=CallRecording(
                enabled=True, url="https://recordings.example.com/upload", time_limit=600
            ),
            ringback=Ringback(kind="media", media_id=RINGBACK),
            next_action=NextAction(kind="voicemail", target_id=SALES_VOICEMAIL),
            allow_call_forward=True,
            caller_id_prepend=CallerIdPrepend(
                enabled=True, name_prefix="Sales: ", number_prefix="9"
            ),
        ),
    )
    # the PBX's ids are kept: its documents stay where SmartPBX made them
    assert (view.pbx.group_id, view.pbx.base_callflow_id) == (EXAMPLE_GROUP, EXAMPLE_BASE_CALLFLOW)
    assert result.pbx_error is None
    assert [r.summary for r in services.history(TEAM, "Sales")] == ["adopted from the PBX: created"]
    after = services.drift(TEAM)
    assert after.empty
    assert after.in_sync == ("Sales",)
    # still one group and two callflows for it on the PBX, not a second copy
    assert list(crossbar.documents("groups")) == [EXAMPLE_GROUP]
    linked = [c for c in crossbar.documents("callflows").values() if c.get("group_id")]
    assert len(linked) == 2


def test_a_ring_group_the_decompiler_refuses_is_listed_with_the_reason(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    lobby = next(
        d for d, doc in crossbar.documents("devices").items() if doc["name"] == "Lobby phone"
    )
    crossbar.seed("groups", {"id": "a" * 32, "name": "Front desk", "endpoints": {}})
    crossbar.seed(
        "callflows",
        {
            "id": "b" * 32,
            "type": "baseGroup",
            "group_id": "a" * 32,
            "name": "Front desk Base Group",
            "numbers": ["x" * 25],
            "flow": {
                "module": "ring_group",
                "children": {},
                "data": {"endpoints": [{"id": lobby, "endpoint_type": "device"}]},
            },
        },
    )
    crossbar.seed(
        "callflows",
        {
            "type": "userGroup",
            "group_id": "a" * 32,
            "name": "Front desk Ring Group",
            "numbers": ["401"],
            "flow": {
                "module": "callflow",
                "data": {"id": "b" * 32},
                "children": {"_": {"module": "play", "data": {"id": NOT_AVAILABLE_MEDIA}}},
            },
        },
    )

    [front] = services.drift(TEAM).adoptable

    assert front.name == "Front desk"
    assert not front.can_adopt
    assert front.refusal is not None
    assert "the device 'Lobby phone'" in front.refusal
    with pytest.raises(UserError) as refused:
        services.adopt(ADMIN, "Front desk")
    assert "Front desk cannot be adopted" in refused.value.message
    assert "keeps user members only" in refused.value.message


def test_a_group_whose_member_is_not_in_the_directory_cannot_be_adopted_and_says_who(
    services: Services, crossbar: CrossbarEmulator
) -> None:
    seed_example_group(crossbar)
    base = crossbar.accounts[crossbar.account_id].docs[EXAMPLE_BASE_CALLFLOW]
    base["flow"]["data"]["endpoints"][2]["id"] = "f" * 32  # a user deleted on the PBX

    [sales] = services.drift(TEAM).adoptable

    assert sales.refusal == "member 3 is not (or no longer) a user of this PBX account"
    with pytest.raises(UserError, match=r"Sales cannot be adopted: member 3 is not"):
        services.adopt(ADMIN, "Sales")


# -- our groups changed on the PBX ---------------------------------------------------------


def test_a_window_changed_on_the_pbx_shows_in_plain_words(
    services: Services, pbx: KazooPbx
) -> None:
    ids = made(services)
    assert services.drift(TEAM).empty

    edit_on_the_pbx(pbx, ids.base_callflow_id, ring_bob_for(30))

    report = services.drift(TEAM)
    [drift] = report.drifted
    assert drift.name == "Support"
    assert drift.lines == ("Bob Jones rings 0–30 s on the PBX, 0–20 s here",)
    assert drift.pbx_readable
    assert not drift.pending
    assert report.text() == [
        "Support differs on the PBX:",
        "  - Bob Jones rings 0–30 s on the PBX, 0–20 s here",
    ]


def test_renames_numbers_and_features_changed_on_the_pbx_are_each_one_line(
    services: Services, pbx: KazooPbx
) -> None:
    ids = made(services)
    group = pbx.read("groups", ids.group_id)
    assert group is not None
    pbx.put("groups", ids.group_id, {**group, "name": "Support Team"})

    def more(callflow: dict[str, object]) -> None:
        callflow["numbers"] = ["301", "3010"]
        callflow["flow"] = {
            "module": "record_call",
            "data": {"action": "start", "format": "mp3", "time_limit": 600},
            "children": {"_": callflow["flow"]},
        }

    edit_on_the_pbx(pbx, ids.user_callflow_id, more)

    [drift] = services.drift(TEAM).drifted
    assert drift.lines == (
        "Support is called “Support Team” on the PBX",
        "the PBX also rings the group on 3010",
        "call recording is on on the PBX, off here",
    )


def test_a_callflow_missing_on_the_pbx_is_named(services: Services, pbx: KazooPbx) -> None:
    ids = made(services)
    pbx.delete("callflows", ids.user_callflow_id)

    [drift] = services.drift(TEAM).drifted

    assert drift.lines == ("the PBX has no userGroup callflow for Support",)
    assert not drift.pbx_readable


def test_push_ours_makes_the_pbx_equal_to_ours_again(
    services: Services, pbx: KazooPbx, crossbar: CrossbarEmulator
) -> None:
    ids = made(services)
    ours = services.compiled(TEAM, "Support")
    edit_on_the_pbx(pbx, ids.base_callflow_id, ring_bob_for(30))
    assert services.drift(TEAM).drifted

    pushed = services.push_ours(ADMIN, "Support")

    assert pushed.pbx_error is None
    assert services.drift(TEAM).empty
    assert crossbar.documents("callflows")[ids.base_callflow_id] == ours.base_callflow
    assert len(services.history(TEAM, "Support")) == 1  # ours did not change


def test_adopt_pbx_makes_ours_equal_to_the_pbx_and_records_a_revision(
    services: Services, pbx: KazooPbx
) -> None:
    ids = made(services)
    edit_on_the_pbx(pbx, ids.base_callflow_id, ring_bob_for(30))

    taken = services.adopt_pbx(ADMIN, "Support")
    services.push_pending(TEAM)

    assert taken.view.group.member(BOB) == Member(user_id=BOB, start=0, end=30)
    assert services.drift(TEAM).empty
    latest = services.history(TEAM, "Support")[0]
    assert latest.summary == "took the PBX's version: Bob Jones rings 0–20 s → 0–30 s"
    assert latest.by == ADMIN.user_id


def test_a_pbx_version_that_cannot_be_read_says_why_and_cannot_be_taken(
    services: Services, pbx: KazooPbx
) -> None:
    ids = made(services)

    def strategy(callflow: dict[str, object]) -> None:
        callflow["flow"]["data"]["strategy"] = "weighted_random"  # type: ignore[index]

    edit_on_the_pbx(pbx, ids.base_callflow_id, strategy)

    [drift] = services.drift(TEAM).drifted
    assert not drift.pbx_readable
    [line] = drift.lines
    assert line.startswith("the PBX's documents of Support cannot be read by groupbot: ")
    assert "'weighted_random'; groupbot rings simultaneous or single" in line
    with pytest.raises(UserError, match="The PBX's version of Support cannot be taken"):
        services.adopt_pbx(ADMIN, "Support")


def test_only_admins_push_adopt_or_take_the_pbx_version(
    services: Services, crossbar: CrossbarEmulator, pbx: KazooPbx
) -> None:
    ids = made(services)
    edit_on_the_pbx(pbx, ids.base_callflow_id, ring_bob_for(30))
    seed_example_group(crossbar)
    before = services.drift(TEAM)

    for act in (
        lambda: services.push_ours(LEAD, "Support"),
        lambda: services.adopt_pbx(LEAD, "Support"),
        lambda: services.adopt(LEAD, "Sales"),
        lambda: services.adopt(Actor(TEAM, "U0OUT", is_admin=True, outsider=True), "Sales"),
    ):
        with pytest.raises(Forbidden, match="Only workspace admins can"):
            act()

    assert services.drift(TEAM) == before  # nothing changed anywhere


# -- the local file backend ----------------------------------------------------------------


@pytest.fixture
def file_services(tmp_path: Path, uow_factory: UnitOfWorkFactory, clock: FakeClock) -> Services:
    services = Services(
        uow_factory, LocalPbx(tmp_path / "pbx"), clock, ServiceOptions(default_account_id="a" * 32)
    )
    services.ensure_directory(TEAM)  # the demo directory
    return services


def test_a_json_file_edited_by_hand_shows_as_drift(file_services: Services, tmp_path: Path) -> None:
    users = list(file_services.directory(TEAM).users.items())[:2]
    group = Group(
        name="Desk",
        extension="301",
        members=tuple(Member(user_id=user_id) for user_id, _ in users),
    )
    ids = made(file_services, group)
    assert file_services.drift(TEAM).empty
    path = tmp_path / "pbx" / "callflows" / f"{ids.base_callflow_id}.json"
    document = json.loads(path.read_text())
    document["flow"]["data"]["repeats"] = 3
    path.write_text(json.dumps(document))

    [drift] = file_services.drift(TEAM).drifted

    assert drift.lines == ("dialing repeats are 3 on the PBX, 1 here",)
    file_services.push_ours(ADMIN, "Desk")
    assert file_services.drift(TEAM).empty

    path.write_text("{ not json")
    [drift] = file_services.drift(TEAM).drifted
    assert drift.lines[0].startswith("the PBX's documents of Desk cannot be read: ")
    assert "is not valid JSON" in drift.lines[0]


def test_a_group_file_set_made_by_hand_is_adoptable_on_the_file_backend(
    file_services: Services, tmp_path: Path
) -> None:
    users = list(file_services.directory(TEAM).users)[:1]
    group = Group(name="Desk", extension="301", members=(Member(user_id=users[0]),))
    ids = made(file_services, group)
    # the same three files under other ids, as if copied in by hand: a group groupbot
    # does not know
    root = tmp_path / "pbx"
    other = {ids.group_id: "1" * 32, ids.base_callflow_id: "2" * 32, ids.user_callflow_id: "3" * 32}
    for collection, old in (
        ("groups", ids.group_id),
        ("callflows", ids.base_callflow_id),
        ("callflows", ids.user_callflow_id),
    ):
        text = (root / collection / f"{old}.json").read_text()
        for before, after in other.items():
            text = text.replace(before, after)
        text = text.replace('"301"', '"302"').replace('"Desk', '"Back desk')
        (root / collection / f"{other[old]}.json").write_text(text)

    [found] = file_services.drift(TEAM).adoptable
    assert (found.name, found.about, found.refusal) == (
        "Back desk",
        "extension 302, 1 member",
        None,
    )

    file_services.adopt(ADMIN, "Back desk")
    file_services.push_pending(TEAM)

    assert file_services.get_group(TEAM, "302").pbx.group_id == "1" * 32
    assert file_services.drift(TEAM).empty


def test_push_ours_while_the_pbx_is_down_is_queued_and_says_so(
    services: Services, pbx: KazooPbx, crossbar: CrossbarEmulator
) -> None:
    ids = made(services)
    edit_on_the_pbx(pbx, ids.base_callflow_id, ring_bob_for(30))
    crossbar.down()

    queued = services.push_ours(ADMIN, "Support")

    assert queued.pbx_error is not None
    assert queued.view.pbx_pending
    assert queued.warnings[0].startswith("The PBX has not taken Support yet (")
    crossbar.up()
    [drift] = services.drift(TEAM).drifted
    assert drift.pending  # the PBX may only be waiting for ours
    services.push_pending(TEAM)
    assert services.drift(TEAM).empty


def test_a_group_of_ours_deleted_on_the_pbx_is_named(services: Services, pbx: KazooPbx) -> None:
    made(services)
    made(services, Group(name="Desk", extension="302", members=(Member(user_id=CAROL),)))
    desk = services.get_group(TEAM, "Desk").pbx
    pbx.delete_group(desk)

    report = services.drift(TEAM)

    assert [(d.name, d.lines) for d in report.drifted] == [
        ("Desk", ("the PBX does not have Desk",))
    ]
    assert report.in_sync == ("Support",)
