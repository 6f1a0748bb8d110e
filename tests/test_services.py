"""The use cases over a real database (SQLite, and PostgreSQL when configured) and a PBX
that is either the local exporter or a fake that can be told to fail."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event

from bot.engine import edits
from bot.engine.documents import JsonDoc, canonical_json
from bot.engine.model import Group, Member, distributed
from bot.engine.validation import GroupRejected
from bot.errors import Conflict, Forbidden, NotFound, UserError
from bot.pbx import PbxUnreachable
from bot.pbx.local import LocalPbx
from bot.services import Actor, ServiceOptions, Services, WorkspaceSettings
from bot.storage.directory_file import demo_directory_text
from bot.storage.models import (
    GroupRecord,
    GroupRevisionRecord,
    OutboxEntry,
    PbxMenu,
    PbxUser,
    PbxVoicemailBox,
)
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.db import *  # noqa: F403  (fixtures)
from tests.db import FakeClock

ACCOUNT = "a" * 32
TEAM = "T0TEAM"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)
LEAD = Actor(TEAM, "ULEAD", is_admin=False)
OTHER = Actor(TEAM, "UOTHER", is_admin=False)
OTHER_ADMIN = Actor(TEAM, "UOTHERADMIN", is_admin=True)


class FakePbx:
    """Keeps documents in a dict; ``down`` makes every write fail as an unreachable PBX."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], JsonDoc] = {}
        self.down = False

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        if self.down:
            raise PbxUnreachable("connection refused")
        self.docs[collection, doc_id] = document

    def delete(self, collection: str, doc_id: str) -> None:
        if self.down:
            raise PbxUnreachable("connection refused")
        self.docs.pop((collection, doc_id), None)


@pytest.fixture
def pbx() -> FakePbx:
    return FakePbx()


@pytest.fixture
def services(uow_factory: UnitOfWorkFactory, pbx: FakePbx, clock: FakeClock) -> Services:
    services = Services(uow_factory, pbx, clock, ServiceOptions(default_account_id=ACCOUNT))
    services.import_directory(None, demo_directory_text())
    return services


def user_id(services: Services, name: str) -> str:
    return services.pbx_user_for(TEAM, "U-nobody", f"{name}@example.com")


def sales(services: Services, *names: str, ext: str = "201", name: str = "Sales") -> Group:
    members = tuple(Member(user_id=user_id(services, n)) for n in names or ("alice", "bob"))
    return Group(name=name, extension=ext, members=members)


def test_create_then_list_and_get_by_name_or_extension(services: Services) -> None:
    result = services.create_group(ADMIN, sales(services))

    assert result.view.version == 1
    assert result.view.leads == {"UADMIN"}
    assert result.view.pbx_pending  # acknowledged before anything is sent to the PBX
    assert services.push_after_save().pushed == ("Sales",)
    assert not services.get_group(TEAM, "Sales").pbx_pending
    assert result.view.member_names[user_id(services, "alice")] == "Alice Smith"
    assert [v.group.name for v in services.list_groups(TEAM)] == ["Sales"]
    assert services.get_group(TEAM, "SALES").id == result.view.id
    assert services.get_group(TEAM, "201").id == result.view.id


def test_group_summaries_are_what_the_whole_groups_show(
    services: Services, pbx: FakePbx, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.create_group(ADMIN, sales(services, "alice", "bob", "carol"))
    rich = Group.model_validate(
        {
            "name": "Apex",
            "extension": "301",
            "extra_extensions": ["302", "303"],
            "numbers": ["+14155550301"],
            "members": [{"user_id": user_id(services, "dana")}],
            "features": {"allow_call_forward": True, "call_recording": {"enabled": True}},
        }
    )
    services.create_group(ADMIN, rich)
    services.set_leads(ADMIN, "Apex", frozenset({"ULEAD"}))
    services.push_after_save()
    pbx.down = True
    services.change_group(ADMIN, "Sales", lambda g, _d: g.model_copy(update={"repeats": 2}))
    services.push_after_save()

    whole = [view.summary() for view in services.list_groups(TEAM)]
    # no Group is built (nor validated) to list the groups
    monkeypatch.setattr(Group, "model_validate", None)
    summaries = services.group_summaries(TEAM)

    assert summaries == whole
    assert [(s.name, s.member_count, s.pbx_pending) for s in summaries] == [
        ("Apex", 1, False),
        ("Sales", 3, True),
    ]
    assert summaries[0].extra_extensions == ("302", "303")
    assert summaries[0].numbers == ("+14155550301",)
    assert summaries[0].leads == {"UADMIN", "ULEAD"}
    assert services.can_change(LEAD, summaries[0])
    assert not services.can_change(LEAD, summaries[1])


def test_created_group_reaches_the_pbx_exactly_as_compiled(
    services: Services, pbx: FakePbx
) -> None:
    view = services.create_group(ADMIN, sales(services)).view
    assert pbx.docs == {}  # nothing before the acknowledgement
    services.push_after_save()

    documents = services.compiled(TEAM, "Sales")
    assert pbx.docs == {
        ("groups", view.pbx.group_id): documents.group,
        ("callflows", view.pbx.base_callflow_id): documents.base_callflow,
        ("callflows", view.pbx.user_callflow_id): documents.user_callflow,
    }


def test_get_group_miss_suggests_the_closest_name(services: Services) -> None:
    services.create_group(ADMIN, sales(services))

    with pytest.raises(NotFound, match=r"No group 'sals'\. Did you mean 'Sales'\?"):
        services.get_group(TEAM, "sals")


def test_change_records_a_revision_and_bumps_the_version(services: Services) -> None:
    services.create_group(ADMIN, sales(services))

    result = services.change_group(ADMIN, "sales", lambda g, _d: distributed(g))

    assert result.view.version == 2
    assert [m.start for m in result.view.group.members] == [0, 60]
    history = services.history(TEAM, "sales")
    said = "Alice Smith rings 0–20 s → 0–60 s; Bob Jones rings 0–20 s → 60–120 s"
    assert [(r.number, r.summary) for r in history] == [(2, said), (1, "created")]
    assert result.summary == said
    assert history[0].before is not None
    assert history[0].before.members[1].start == 0


def test_change_is_validated_again(services: Services) -> None:
    services.create_group(ADMIN, sales(services))

    with pytest.raises(GroupRejected) as caught:
        services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"repeats": 99}))
    assert "repeats" in caught.value.errors


def test_a_save_validates_the_group_its_edit_built_once(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = services.create_group(ADMIN, sales(services)).view.group
    newcomer = next(u for u in services.directory(TEAM).users if group.member(u) is None)
    built: list[object] = []
    real = Group.model_validate

    def counted(data: object) -> Group:
        built.append(data)
        return real(data)

    monkeypatch.setattr(Group, "model_validate", counted)
    services.change_group(ADMIN, "sales", edits.edit(edits.add_members, {newcomer: "@x"}))
    # once reading the stored row, once building the edited group; not again to save it
    assert len(built) == 2


def test_number_taken_by_a_user_is_refused_with_its_holder(services: Services) -> None:
    with pytest.raises(GroupRejected) as caught:
        services.create_group(ADMIN, sales(services, ext="101"))
    assert caught.value.errors == {
        "extension": "101 is already used by user Alice Smith; choose a free one"
    }


def test_stale_expected_version_is_a_conflict_naming_who_and_when(services: Services) -> None:
    view = services.create_group(ADMIN, sales(services)).view
    services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"repeats": 2}))

    with pytest.raises(Conflict, match=r"changed by <@UADMIN> at .*; reopen to see the latest"):
        services.change_group(
            ADMIN,
            "sales",
            lambda g, _d: g.model_copy(update={"repeats": 3}),
            expected_version=view.version,
        )
    assert services.get_group(TEAM, "sales").group.repeats == 2


class SavesMeanwhile:
    """A PBX that, while the first document of a push is sent, lets ``meanwhile`` run once:
    another process saving the same group after our commit, before our reply."""

    def __init__(self, pbx: FakePbx) -> None:
        self.pbx = pbx
        self.meanwhile: Callable[[], object] | None = None

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        meanwhile, self.meanwhile = self.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        self.pbx.put(collection, doc_id, document)

    def delete(self, collection: str, doc_id: str) -> None:
        self.pbx.delete(collection, doc_id)


def test_a_saves_reply_shows_what_it_wrote_not_a_later_save(
    uow_factory: UnitOfWorkFactory, clock: FakeClock
) -> None:
    options = ServiceOptions(default_account_id=ACCOUNT)
    pbx = SavesMeanwhile(FakePbx())
    services = Services(uow_factory, pbx, clock, options)
    services.import_directory(None, demo_directory_text())
    other_process = Services(uow_factory, FakePbx(), clock, options)
    services.create_group(ADMIN, sales(services))
    services.push_after_save()
    carol = user_id(services, "carol")

    def add_carol(g: Group, _d: object) -> Group:
        return g.model_copy(update={"members": (*g.members, Member(user_id=carol))})

    pbx.meanwhile = lambda: other_process.change_group(OTHER_ADMIN, "sales", add_carol)
    result = services.change_group(ADMIN, "sales", lambda g, _d: distributed(g))
    services.push_after_save()  # the other process saves while this one pushes

    assert result.view.version == 2
    assert [m.start for m in result.view.group.members] == [0, 60]  # what it wrote
    assert carol not in result.view.member_names
    assert result.view.updated_by == "UADMIN"
    assert "Alice Smith rings 0–20 s → 0–60 s" in result.summary
    latest = services.get_group(TEAM, "sales")  # the other save did land, after it
    assert (latest.version, len(latest.group.members), latest.updated_by) == (3, 3, "UOTHERADMIN")


def test_a_group_is_found_by_its_pbx_id_until_deleted_then_told_who_deleted_it(
    services: Services,
) -> None:
    view = services.create_group(ADMIN, sales(services)).view
    services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"extension": "205"}))
    assert services.group_by_pbx_id(TEAM, view.pbx.group_id).group.extension == "205"

    services.delete_group(OTHER_ADMIN, "sales")

    with pytest.raises(NotFound, match=r"^Sales was deleted by <@UOTHERADMIN> at 2026-.* UTC\.$"):
        services.group_by_pbx_id(TEAM, view.pbx.group_id)
    with pytest.raises(NotFound, match="no longer in this workspace"):
        services.group_by_pbx_id(TEAM, "f" * 32)


@pytest.mark.parametrize("number", ["4155550123", "1234567", "+1234567890123456", "+0123456789"])
def test_a_number_that_can_never_ring_is_not_added_on_create_or_change(
    services: Services, number: str
) -> None:
    with pytest.raises(GroupRejected) as created:
        services.create_group(ADMIN, sales(services).model_copy(update={"numbers": (number,)}))
    assert list(created.value.errors) == ["numbers.0"]
    services.create_group(ADMIN, sales(services))

    def add(g: Group, _d: object) -> Group:
        return g.model_copy(update={"numbers": ("+14155550100", number)})

    with pytest.raises(GroupRejected) as changed:
        services.change_group(ADMIN, "sales", add)
    assert changed.value.errors == {
        "numbers.1": f"{number} cannot be added: a new number is an extension of 3–6 digits, "
        "like 2040, or E.164: + then 8–15 digits, the first not 0, like +14155550123"
    }
    assert services.get_group(TEAM, "sales").group.numbers == ()


def test_undo_restores_the_previous_revision_as_a_new_one(services: Services) -> None:
    services.create_group(ADMIN, sales(services))
    services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"name": "Support"}))

    result = services.undo(ADMIN, "support")

    assert result.view.group.name == "Sales"
    assert result.view.version == 3
    [undo, renamed, _created] = services.history(TEAM, "sales")
    assert (undo.summary, undo.undoes) == ("Undid: renamed Sales → Support", 2)
    assert renamed.undone
    with pytest.raises(UserError, match="Nothing left to undo for Sales"):
        services.undo(ADMIN, "sales")  # an undo is not a change to undo: no redo


def test_history_records_the_difference_in_plain_words_not_the_callers_summary(
    services: Services,
) -> None:
    services.create_group(ADMIN, sales(services))
    dana = user_id(services, "dana")

    def settings_and_members(group: Group, _directory: object) -> Group:
        members = (*group.members, Member(user_id=dana))
        return group.model_copy(update={"name": "Inside Sales", "repeats": 3, "members": members})

    result = services.change_group(ADMIN, "sales", settings_and_members)

    [latest, _created] = services.history(TEAM, "inside sales")
    assert latest.summary == "renamed Sales → Inside Sales; repeats 1 → 3; added Dana Brown"
    assert latest.by == "UADMIN"
    assert result.summary == latest.summary


def test_summaries_stored_with_slack_mentions_read_back_as_names(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    services.import_directory(
        None,
        demo_directory_text().replace(
            '    extension: "104"', '    extension: "104"\n    slack_user: U0DANA'
        ),
    )
    services.create_group(ADMIN, sales(services))
    with uow_factory() as uow:  # as an older groupbot wrote them
        record = uow.groups.find(ACCOUNT, "sales")
        assert record is not None
        group = services.get_group(TEAM, "sales").group
        uow.revisions.add(
            record,
            number=2,
            at=record.updated_at,
            by="UADMIN",
            summary="added <@U0DANA> <@U0ZED|zed> <@U0NOBODY>",
            before=group,
            after=group,
        )
        uow.commit()

    assert services.history(TEAM, "sales")[0].summary == "added Dana Brown zed U0NOBODY"


def test_undo_with_only_the_creation_says_there_is_nothing(services: Services) -> None:
    services.create_group(ADMIN, sales(services))

    with pytest.raises(UserError, match="Nothing left to undo for Sales: its first revision is #1"):
        services.undo(ADMIN, "sales")


def test_delete_removes_the_group_and_its_documents(services: Services, pbx: FakePbx) -> None:
    services.create_group(ADMIN, sales(services))

    revision = services.delete_group(ADMIN, "sales")

    assert revision.after is None
    assert revision.summary == "deleted"
    assert services.list_groups(TEAM) == []
    assert pbx.docs == {}
    services.create_group(ADMIN, sales(services))  # the name and extension are free again


# -- rights ------------------------------------------------------------------------------


def test_only_admins_create(services: Services) -> None:
    with pytest.raises(Forbidden, match="Only workspace admins can create groups"):
        services.create_group(LEAD, sales(services))


def test_leads_change_and_delete_others_only_read(services: Services) -> None:
    services.create_group(ADMIN, sales(services))
    services.set_leads(ADMIN, "sales", frozenset({"ULEAD"}))
    repeats = lambda g, _d: g.model_copy(update={"repeats": 2})  # noqa: E731

    with pytest.raises(Forbidden, match=r"Only admins and the leads of Sales"):
        services.change_group(OTHER, "sales", repeats)
    with pytest.raises(Forbidden):
        services.delete_group(OTHER, "sales")
    with pytest.raises(Forbidden):
        services.undo(OTHER, "sales")
    with pytest.raises(Forbidden):
        services.set_leads(LEAD, "sales", frozenset({"UOTHER"}))

    assert services.change_group(LEAD, "sales", repeats).view.version == 2
    view = services.get_group(TEAM, "sales")
    assert view.leads == {"UADMIN", "ULEAD"}
    assert services.can_change(LEAD, view)
    assert not services.can_change(OTHER, view)
    services.delete_group(LEAD, "sales")


# -- atomicity and the PBX ---------------------------------------------------------------


def test_failure_before_commit_leaves_nothing(
    services: Services, uow_factory: UnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.storage.repositories import Outbox

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Outbox, "add", broken)
    with pytest.raises(RuntimeError):
        services.create_group(ADMIN, sales(services))

    with uow_factory() as uow:
        for model in (GroupRecord, GroupRevisionRecord, OutboxEntry):
            assert uow.session.query(model).count() == 0


def test_pbx_down_keeps_the_change_pending_and_says_so(services: Services, pbx: FakePbx) -> None:
    pbx.down = True

    result = services.create_group(ADMIN, sales(services))
    pushed = services.push_after_save()

    assert pushed.failed == (("Sales", "connection refused"),)
    assert pushed.refused == ()  # down, not refused
    assert result.view.pbx_pending
    shown = services.get_group(TEAM, "sales")
    assert shown.pbx_pending
    assert shown.pbx_reason == "connection refused"
    assert pbx.docs == {}

    pbx.down = False
    services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"repeats": 2}))
    services.push_after_save()
    assert not services.get_group(TEAM, "sales").pbx_pending
    assert len(pbx.docs) == 3


def test_delete_with_pbx_down_is_committed_then_reported(services: Services, pbx: FakePbx) -> None:
    services.create_group(ADMIN, sales(services))
    services.push_after_save()
    pbx.down = True

    services.delete_group(ADMIN, "sales")
    assert services.push_after_save().failed == (("Sales", "connection refused"),)
    assert services.list_groups(TEAM) == []
    assert len(pbx.docs) == 3  # still there until the queue is pushed
    pbx.down = False
    assert services.push_pending().pushed == ("Sales",)
    assert pbx.docs == {}


def test_local_exporter_files_hold_exactly_the_documents(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, tmp_path: Path
) -> None:
    services = Services(uow_factory, LocalPbx(tmp_path), clock, ServiceOptions(ACCOUNT))
    services.import_directory(None, demo_directory_text())
    view = services.create_group(ADMIN, sales(services)).view
    services.push_after_save()
    documents = services.compiled(TEAM, "sales")

    for collection, doc_id, doc in documents.by_collection(view.pbx):
        path = tmp_path / collection / f"{doc_id}.json"
        assert path.read_text() == canonical_json(doc)
        assert json.loads(path.read_text()) == doc

    services.delete_group(ADMIN, "sales")
    services.push_after_save()
    assert list(tmp_path.rglob("*.json")) == []


# -- people, workspace, directory, portability --------------------------------------------


def test_pbx_user_by_link_then_email_else_a_clear_error(services: Services) -> None:
    assert services.pbx_user_for(TEAM, "U1", "ALICE@example.com") == user_id(services, "alice")
    with pytest.raises(UserError, match=r"<@U9> \(zed@example.com\) has no PBX user"):
        services.pbx_user_for(TEAM, "U9", "zed@example.com")


def test_workspace_defaults_then_setup(services: Services) -> None:
    assert services.workspace(TEAM) == WorkspaceSettings(TEAM, ACCOUNT)
    wanted = WorkspaceSettings(
        TEAM, "b" * 32, storage_limit_bytes=10**9, alert_channel="C123", time_zone="Europe/Paris"
    )

    saved = services.setup_workspace(ADMIN, wanted)

    assert saved.configured
    assert saved.account_id == "b" * 32
    assert services.workspace(TEAM).time_zone == "Europe/Paris"
    assert services.list_groups(TEAM) == []  # another account: its own groups


def test_workspace_setup_errors_are_keyed_by_field(services: Services) -> None:
    bad = WorkspaceSettings(TEAM, "nope", time_zone="Mars/Base", warn_percent=99)
    with pytest.raises(UserError) as caught:
        services.setup_workspace(ADMIN, bad)
    assert set(caught.value.errors) == {"account_id", "time_zone", "warn_percent"}  # type: ignore[attr-defined]
    with pytest.raises(Forbidden):
        services.setup_workspace(LEAD, WorkspaceSettings(TEAM, ACCOUNT))


def test_export_then_import_round_trips(services: Services) -> None:
    services.create_group(ADMIN, sales(services))
    text = services.export_groups(TEAM)
    services.delete_group(ADMIN, "sales")

    [imported] = services.import_groups(ADMIN, text)

    assert imported.result.view.group == sales(services)
    assert "alice@example.com" in text


def test_lint_warnings_come_back_as_sentences(services: Services) -> None:
    late = Group(
        name="Late",
        extension="202",
        members=(Member(user_id=user_id(services, "carol"), start=30, end=50),),
    )

    result = services.create_group(ADMIN, late)

    assert result.warnings == (
        "Nothing rings for the first 30 s: the caller hears ringing but no phone rings",
    )


# -- what left the directory before groupbot refused it ------------------------------------


def drop_from_directory(uow_factory: UnitOfWorkFactory, model: type[Any], pbx_id: str) -> None:
    """Remove a directory row behind the services' back, as an older groupbot allowed."""
    with uow_factory() as uow:
        uow.session.execute(delete(model).where(model.pbx_id == pbx_id))
        uow.commit()


def test_a_member_already_gone_does_not_block_other_edits_and_can_be_removed(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    services.create_group(ADMIN, sales(services, "alice", "bob"))
    bob = user_id(services, "bob")
    drop_from_directory(uow_factory, PbxUser, bob)
    repeats = lambda g, _d: g.model_copy(update={"repeats": 2})  # noqa: E731

    assert services.change_group(ADMIN, "sales", repeats).view.group.repeats == 2

    def add_a_stranger(g: Group, _d: object) -> Group:
        return g.model_copy(update={"members": (*g.members, Member(user_id="f" * 32))})

    with pytest.raises(GroupRejected) as caught:
        services.change_group(ADMIN, "sales", add_a_stranger)
    assert caught.value.errors == {
        "members.2": "member 3 is not (or no longer) a user of this PBX account"
    }

    def remove_bob(g: Group, _d: object) -> Group:
        return g.model_copy(update={"members": tuple(m for m in g.members if m.user_id != bob)})

    result = services.change_group(ADMIN, "sales", remove_bob)
    assert [m.user_id for m in result.view.group.members] == [user_id(services, "alice")]
    assert result.summary == f"removed {bob}"


def test_a_voicemail_box_already_gone_does_not_block_other_edits(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    box = next(iter(services.directory(TEAM).vmboxes))
    group = sales(services)
    features = {"next_action": {"kind": "voicemail", "target_id": box}}
    services.create_group(ADMIN, Group.model_validate({**group.model_dump(), "features": features}))
    drop_from_directory(uow_factory, PbxVoicemailBox, box)

    result = services.change_group(
        ADMIN, "sales", lambda g, _d: g.model_copy(update={"repeats": 3})
    )

    assert result.view.group.repeats == 3


def test_a_menu_already_gone_asks_for_another_next_action_which_then_saves(
    services: Services, uow_factory: UnitOfWorkFactory
) -> None:
    menu = next(iter(services.directory(TEAM).menus))
    group = sales(services)
    features = {"next_action": {"kind": "menu", "target_id": menu}}
    services.create_group(ADMIN, Group.model_validate({**group.model_dump(), "features": features}))
    drop_from_directory(uow_factory, PbxMenu, menu)

    with pytest.raises(GroupRejected) as caught:
        services.change_group(ADMIN, "sales", lambda g, _d: g.model_copy(update={"repeats": 3}))
    assert caught.value.errors == {
        "features.next_action": "Sales sends unanswered calls to a menu that is no longer in "
        "the PBX account; choose another next action (or none) first, then this change can "
        "be saved"
    }

    def no_next_action(g: Group, _d: object) -> Group:
        return Group.model_validate({**g.model_dump(), "features": {}})

    result = services.change_group(ADMIN, "sales", no_next_action)
    assert result.summary == f"next action menu {menu} → not-available prompt"


def test_a_group_another_sends_calls_to_cannot_be_deleted_until_that_changes(
    services: Services,
) -> None:
    target = services.create_group(ADMIN, sales(services)).view
    support = Group.model_validate(
        {
            **sales(services, "carol", ext="202", name="Support").model_dump(),
            "features": {"next_action": {"kind": "group", "target_id": target.pbx.group_id}},
        }
    )
    services.create_group(ADMIN, support)

    said = "Support sends unanswered calls to Sales: change the next action of Support first"
    with pytest.raises(
        UserError, match=f"^{said} \\(e\\.g\\. /group next Support off\\), then delete Sales\\.$"
    ):
        services.delete_group(ADMIN, "sales")
    assert services.get_group(TEAM, "sales")

    services.change_group(
        ADMIN, "support", lambda g, _d: Group.model_validate({**g.model_dump(), "features": {}})
    )
    services.delete_group(ADMIN, "sales")


# -- what a request costs: the request, not the account ----------------------------------


class Statements:
    """Counts the SQL statements sent through ``engine`` inside ``with counting():``, but
    the savepoints the test fixtures wrap each commit in."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.sql: list[str] = []
        self.engine = engine

    def _seen(self, *args: Any) -> None:
        sql = str(args[2]).split("\n")[0]
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.count += 1
            self.sql.append(sql)

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        self.count = 0
        self.sql = []
        event.listen(self.engine, "before_cursor_execute", self._seen)
        try:
            yield
        finally:
            event.remove(self.engine, "before_cursor_execute", self._seen)


def test_every_use_case_sends_as_many_statements_with_30_groups_as_with_3(
    services: Services, engine: Engine
) -> None:
    directory = services.directory(TEAM)
    box, media = next(iter(directory.vmboxes)), next(iter(directory.media))
    people = [user_id(services, n) for n in ("alice", "bob", "carol", "dana", "erin")]
    statements = Statements(engine)
    made = 0
    previous: str | None = None

    def group(name: str, ext: str, target: str | None, members: int) -> Group:
        next_action = {"kind": "group", "target_id": target} if target else {"kind": "none"}
        return Group.model_validate(
            {
                "name": name,
                "extension": ext,
                "numbers": [f"+1415555{ext:0>4}"],
                "members": [{"user_id": u} for u in people[:members]],
                "features": {
                    "next_action": next_action,
                    "ringback": {"kind": "media", "media_id": media},
                },
            }
        )

    sql: dict[str, list[str]] = {}

    def costs(round: int) -> dict[str, int]:
        """What each use case costs on a group like every other, made for this round."""
        used: dict[str, int] = {}

        def cost(name: str, call: Callable[[], object]) -> None:
            with statements.counting():
                call()
            used[name] = statements.count
            sql[name] = statements.sql

        name, ext = f"Measured {round}", f"9{round}0"
        cost("create_group", lambda: services.create_group(ADMIN, group(name, ext, previous, 2)))
        cost("list_groups", lambda: services.list_groups(TEAM))
        cost("group_summaries", lambda: services.group_summaries(TEAM))
        cost("get_group", lambda: services.get_group(TEAM, name))
        cost("get_group by number", lambda: services.get_group(TEAM, ext))
        cost("compiled", lambda: services.compiled(TEAM, name))
        cost("history", lambda: services.history(TEAM, name))

        def add_carol(g: Group, _d: object) -> Group:
            return g.model_copy(update={"members": (*g.members, Member(user_id=people[2]))})

        cost("change_group (add member)", lambda: services.change_group(ADMIN, name, add_carol))
        voicemail = {"kind": "voicemail", "target_id": box}

        def to_voicemail(g: Group, _d: object) -> Group:
            features = {**g.features.model_dump(), "next_action": voicemail}
            return Group.model_validate({**g.model_dump(), "features": features})

        cost("change_group (next action)", lambda: services.change_group(ADMIN, name, to_voicemail))
        cost("undo", lambda: services.undo(ADMIN, name))
        cost("delete_group", lambda: services.delete_group(ADMIN, name))
        return used

    rounds = []
    for round, total in enumerate((3, 30)):
        while made < total:
            ext = f"{200 + made}"
            previous = services.create_group(
                ADMIN, group(f"Team {made}", ext, previous, 2 + made % 4)
            ).view.pbx.group_id
            made += 1
        rounds.append(costs(round))

    assert rounds[0] == rounds[1]
    assert rounds[1]["list_groups"] <= 8, sql["list_groups"]
    assert rounds[1]["group_summaries"] <= 8, sql["group_summaries"]
