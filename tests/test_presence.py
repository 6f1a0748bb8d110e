"""Presence over a real database (SQLite, and PostgreSQL when configured): members pause
and resume themselves with one PBX write, leads pause anyone, the last member who would
ring is asked first, self-service join and leave, and a Slack user group keeping a
group's members. freezegun drives the clock the services read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from bot.engine.documents import JsonDoc
from bot.engine.model import Group, Member
from bot.engine.presence import GREGORIAN_OFFSET
from bot.errors import Forbidden, UserError
from bot.services import Actor, ServiceOptions, Services, UserGroupUnreadable
from bot.storage.unit_of_work import UnitOfWorkFactory
from tests.db import *  # noqa: F403  (fixtures)
from tests.kazoo_schemas import validate_callflow

ACCOUNT = "a" * 32
TEAM = "T0TEAM"
ADMIN = Actor(TEAM, "UADMIN", is_admin=True)
BOB = Actor(TEAM, "UBOB", is_admin=False)
CAROL = Actor(TEAM, "UCAROL", is_admin=False)
DANA = Actor(TEAM, "UDANA", is_admin=False)  # Sales' lead
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

PEOPLE = ["alice", "bob", "carol", "dana", "erin"] + [f"temp{i:02d}" for i in range(14)]


def directory_yaml() -> str:
    lines = ["users:"]
    for i, name in enumerate(PEOPLE):
        lines += [
            f"  - name: {name.capitalize()}",
            f"    email: {name}@example.com",
            f'    extension: "{110 + i}"',
            f"    slack_user: U{name.upper()}",
        ]
    return "\n".join(lines) + "\n"


class CountingPbx:
    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], JsonDoc] = {}
        self.writes: list[tuple[str, str]] = []

    def put(self, collection: str, doc_id: str, document: JsonDoc) -> None:
        self.docs[collection, doc_id] = document
        self.writes.append((collection, doc_id))

    def delete(self, collection: str, doc_id: str) -> None:
        self.docs.pop((collection, doc_id), None)
        self.writes.append((collection, doc_id))


@pytest.fixture
def frozen() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time(NOW) as frozen:
        yield frozen


@pytest.fixture
def pbx() -> CountingPbx:
    return CountingPbx()


@pytest.fixture
def services(
    uow_factory: UnitOfWorkFactory, pbx: CountingPbx, frozen: FrozenDateTimeFactory
) -> Services:
    services = Services(
        uow_factory, pbx, lambda: datetime.now(UTC), ServiceOptions(default_account_id=ACCOUNT)
    )
    services.import_directory(None, directory_yaml())
    return services


def pbx_id(services: Services, name: str) -> str:
    return services.pbx_user_for(TEAM, f"U{name.upper()}", None)


def make_sales(services: Services, pbx: CountingPbx, *names: str) -> Group:
    members = tuple(Member(user_id=pbx_id(services, n)) for n in names or ("alice", "bob"))
    services.create_group(ADMIN, Group(name="Sales", extension="201", members=members))
    services.set_leads(ADMIN, "Sales", frozenset({"UDANA"}))
    services.push_after_save()
    pbx.writes.clear()
    return services.get_group(TEAM, "Sales").group


def bob_endpoint(services: Services, pbx: CountingPbx) -> dict[str, object]:
    base_id = services.get_group(TEAM, "Sales").pbx.base_callflow_id
    base = pbx.docs["callflows", base_id]
    validate_callflow(base)
    endpoints = base["flow"]["data"]["endpoints"]
    return next(e for e in endpoints if e["id"] == pbx_id(services, "bob"))


# -- pause and resume -----------------------------------------------------------------------


def test_pausing_for_2_h_writes_disable_until_in_one_pbx_write_and_resume_clears_it(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    base_id = services.get_group(TEAM, "Sales").pbx.base_callflow_id

    result = services.pause(BOB, "sales", NOW + timedelta(hours=2))
    services.push_after_save()

    assert result.groups == ("Sales",)
    assert not result.needs_confirmation
    assert pbx.writes == [("callflows", base_id)]  # the baseGroup callflow only
    expected = int(NOW.timestamp()) + 7200 + GREGORIAN_OFFSET
    assert bob_endpoint(services, pbx)["disable_until"] == expected

    pbx.writes.clear()
    services.resume(BOB, "Sales")
    services.push_after_save()

    assert pbx.writes == [("callflows", base_id)]
    assert "disable_until" not in bob_endpoint(services, pbx)


def test_each_pause_and_resume_is_in_the_history_and_undoable(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    services.pause(BOB, "Sales", datetime(2026, 11, 30, 14, 0, tzinfo=UTC))

    assert services.history(TEAM, "Sales")[0].summary == "paused Bob until Mon 30 Nov 14:00 UTC"
    services.undo(DANA, "Sales")
    services.push_after_save()

    bob = services.get_group(TEAM, "Sales").group.member(pbx_id(services, "bob"))
    assert bob is not None
    assert bob.paused_until is None
    assert "disable_until" not in bob_endpoint(services, pbx)


def test_a_member_pauses_only_themselves_a_lead_anyone_in_the_group(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    bob = pbx_id(services, "bob")

    with pytest.raises(Forbidden) as refused:
        services.pause(CAROL, "Sales", NOW + timedelta(hours=1), bob)
    assert refused.value.message == (
        "You can pause and resume yourself; only admins and the leads of Sales "
        "(<@UADMIN>, <@UDANA>) can pause or resume <@UBOB>."
    )

    services.pause(DANA, "Sales", NOW + timedelta(hours=1), bob)
    assert services.history(TEAM, "Sales")[0].summary.startswith("paused Bob until")


def test_a_member_found_by_email_pauses_themselves(services: Services, pbx: CountingPbx) -> None:
    # the directory links Bob to no Slack user; Slack gives his email on the request
    make_sales(services, pbx)
    services.import_directory(TEAM, directory_yaml().replace("    slack_user: UBOB\n", ""))
    unlinked = Actor(TEAM, "UBOBNEW", is_admin=False, email="BOB@example.com")

    services.pause(unlinked, "Sales", NOW + timedelta(hours=1))

    assert services.history(TEAM, "Sales")[0].summary.startswith("paused Bob until")
    assert [m.name for m in services.my_groups(unlinked)] == ["Sales"]


def test_an_email_never_takes_a_pbx_user_linked_to_someone_else(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)  # Bob's PBX user is linked to UBOB
    mallory = Actor(TEAM, "UMALLORY", is_admin=False, email="bob@example.com")
    outsider = Actor(TEAM, "UEXT", is_admin=False, outsider=True, email="bob@example.com")
    services.pause(BOB, "Sales", NOW + timedelta(hours=1))

    for someone in (mallory, outsider):
        with pytest.raises(UserError, match="You have no PBX user"):
            services.pause(someone, "Sales", NOW + timedelta(hours=2))
        with pytest.raises(UserError, match="You have no PBX user"):
            services.resume(someone, "Sales")
        assert services.my_groups(someone) == []
    assert services.history(TEAM, "Sales")[0].summary.startswith("paused Bob until")


def test_pausing_all_leaves_a_group_changed_meanwhile_as_it_was_and_says_so(
    services: Services, pbx: CountingPbx, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_sales(services, pbx, "alice", "bob")
    bob_id = pbx_id(services, "bob")
    support = (Member(user_id=pbx_id(services, "carol")), Member(user_id=bob_id))
    services.create_group(ADMIN, Group(name="Support", extension="301", members=support))
    apply = services._apply

    def someone_removes_bob_first(actor: Actor, group_id: str, change: Any, **kw: Any) -> Any:
        services.change_group(
            ADMIN, "Support", lambda g, d: g.model_copy(update={"members": support[:1]})
        )
        return apply(actor, group_id, change, **kw)

    monkeypatch.setattr(services, "_apply", someone_removes_bob_first)
    result = services.pause(BOB, "all", NOW + timedelta(hours=1))

    assert result.groups == ("Sales",)
    ((name, why),) = result.skipped
    assert name == "Support"
    assert "is not in Support" in why
    assert services.history(TEAM, "Sales")[0].summary.startswith("paused Bob until")


def test_someone_with_no_pbx_user_is_told_so_and_nothing_is_written(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    stranger = Actor(TEAM, "UZED", is_admin=False, email="zed@example.com")
    writes = len(pbx.writes)

    with pytest.raises(UserError) as refused:
        services.pause(stranger, "Sales", NOW + timedelta(hours=1))

    assert refused.value.message.startswith("You have no PBX user"), refused.value.message
    assert "ask an admin to add you in SmartPBX" in refused.value.message
    assert "zed@example.com" in refused.value.message
    services.push_pending()
    assert len(pbx.writes) == writes
    assert services.my_groups(stranger) == []


def test_a_pause_longer_than_7_days_is_refused_whoever_asks(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)

    with pytest.raises(UserError) as refused:
        services.pause(DANA, "Sales", NOW + timedelta(days=7, minutes=1), pbx_id(services, "bob"))
    assert refused.value.message.startswith("A pause lasts at most 7 days")


def test_pausing_all_pauses_every_group_the_member_rings_in(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice", "bob")
    members = (Member(user_id=pbx_id(services, "bob")), Member(user_id=pbx_id(services, "erin")))
    services.create_group(ADMIN, Group(name="Support", extension="301", members=members))
    services.create_group(
        ADMIN,
        Group(name="Lobby", extension="401", members=(Member(user_id=pbx_id(services, "erin")),)),
    )

    result = services.pause(BOB, "all", NOW + timedelta(hours=1))

    assert sorted(result.groups) == ["Sales", "Support"]
    assert services.resume(BOB, "all").groups == result.groups
    with pytest.raises(UserError, match="<@UBOB> is not paused in any group"):
        services.resume(BOB, "all")


def test_pausing_the_last_member_who_would_ring_asks_first_and_says_where_calls_go(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice", "bob")
    services.pause(Actor(TEAM, "UALICE", is_admin=False), "Sales", NOW + timedelta(hours=3))
    services.push_after_save()

    asked = services.pause(BOB, "Sales", NOW + timedelta(hours=1))

    assert asked.needs_confirmation
    assert asked.saved == ()
    assert asked.warning == (
        "<@UBOB> is the last member of Sales who would ring: while paused, calls to Sales go "
        "straight to the not-available prompt until someone returns (15:00 UTC)."
    )
    assert services.push_after_save().writes == 0

    done = services.pause(BOB, "Sales", NOW + timedelta(hours=1), confirmed=True)
    assert done.groups == ("Sales",)


def test_a_pause_that_has_passed_lets_the_member_ring_again(
    services: Services, pbx: CountingPbx, frozen: FrozenDateTimeFactory
) -> None:
    make_sales(services, pbx, "alice", "bob")
    services.pause(BOB, "Sales", NOW + timedelta(hours=1))
    frozen.tick(timedelta(hours=2))

    # Bob's pause is over: Alice is not the last who would ring
    assert not services.pause(
        Actor(TEAM, "UALICE", is_admin=False), "Sales", NOW + timedelta(hours=4)
    ).needs_confirmation
    with pytest.raises(UserError, match="That moment has passed"):
        services.pause(BOB, "Sales", NOW + timedelta(hours=1))


# -- join and leave ------------------------------------------------------------------------


def test_join_is_refused_while_self_service_is_off_saying_whom_to_ask(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)

    with pytest.raises(Forbidden) as refused:
        services.join(CAROL, "Sales")
    assert refused.value.message == (
        "Sales is not open to self-service, so you cannot join it yourself; ask a lead of "
        "Sales (<@UADMIN>, <@UDANA>) to run /group selfservice Sales on."
    )
    with pytest.raises(Forbidden):
        services.set_selfservice(CAROL, "Sales", True)


def test_with_self_service_on_members_join_with_the_usual_window_and_leave(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    services.set_selfservice(DANA, "Sales", True)

    services.join(CAROL, "Sales")
    carol = services.get_group(TEAM, "Sales").group.member(pbx_id(services, "carol"))
    assert carol is not None
    assert (carol.start, carol.end) == (0, 20)
    assert services.history(TEAM, "Sales")[0].summary == "added Carol"

    services.leave(CAROL, "Sales")
    assert services.get_group(TEAM, "Sales").group.member(pbx_id(services, "carol")) is None
    assert services.history(TEAM, "Sales")[0].summary == "removed Carol"


# -- a Slack user group keeps the members -----------------------------------------------------


def test_mirror_adds_and_removes_and_reports_who_has_no_pbx_user_once(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice", "bob")
    services.set_mirror(DANA, "Sales", "S0SALES")

    first = services.reconcile_mirror(TEAM, "Sales", ["UBOB", "UCAROL", "UGHOST"])

    assert (first.added, first.removed) == (("Carol",), ("Alice",))
    assert first.unmappable == ("UGHOST",)
    assert first.lead_note == (
        "<@UGHOST> is in the user group but has no PBX user, so is not in Sales; an admin "
        "can link them in the PBX directory."
    )
    members = services.get_group(TEAM, "Sales").group.members
    assert [m.user_id for m in members] == [pbx_id(services, n) for n in ("bob", "carol")]

    again = services.reconcile_mirror(TEAM, "Sales", ["UBOB", "UCAROL", "UGHOST"])
    assert again.saved is None
    assert not again.to_report


def test_mirror_stops_at_15_members_and_says_who_was_left_out(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice")
    services.set_mirror(ADMIN, "Sales", "S0SALES")
    everyone = [f"U{name.upper()}" for name in PEOPLE]  # 19 people

    result = services.reconcile_mirror(TEAM, "Sales", everyone)

    assert len(services.get_group(TEAM, "Sales").group.members) == 15
    assert result.beyond_limit == tuple(everyone[15:])
    assert "Sales has the most members a group can have (15), so <@UTEMP10>" in result.lead_note
    assert not services.reconcile_mirror(TEAM, "Sales", everyone).to_report


def test_only_leads_set_the_mirror_and_a_group_not_mirroring_is_not_reconciled(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx)
    with pytest.raises(Forbidden):
        services.set_mirror(BOB, "Sales", "S0SALES")
    with pytest.raises(UserError, match="Sales does not follow a Slack user group"):
        services.reconcile_mirror(TEAM, "Sales", ["UBOB"])
    services.set_mirror(DANA, "Sales", "S0SALES")
    sales_id = services.get_group(TEAM, "Sales").pbx.group_id
    assert services.mirrored_groups(TEAM, "S0SALES") == [sales_id]
    services.set_mirror(DANA, "Sales", None)
    assert services.mirrored_groups(TEAM) == []


class RefusingSlack:
    """A user group source whose direct messages to ``refused`` fail, as Slack's do for a
    deactivated account."""

    def __init__(self, members: list[str], refused: str) -> None:
        self._members, self._refused = members, refused
        self.told: list[str] = []

    def members(self, team_id: str, usergroup: str) -> list[str]:
        return self._members

    def emails(self, team_id: str, users: Any) -> dict[str, str]:
        return {}

    def tell(self, team_id: str, users: Any, text: str) -> None:
        for user in users:
            if user == self._refused:
                raise UserGroupUnreadable(f"<@{user}> could not be told: account_inactive")
            self.told.append(user)


def test_a_lead_slack_will_not_message_keeps_no_other_lead_uninformed(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice")
    services.set_mirror(DANA, "Sales", "S0SALES")
    slack = RefusingSlack(["UBOB", "UGHOST"], refused="UADMIN")  # the creator has left

    first = services.follow_usergroup(TEAM, "Sales", source=slack)

    assert slack.told == ["UDANA"]
    assert "account_inactive" in first.untold
    again = services.follow_usergroup(TEAM, "Sales", source=slack)
    assert slack.told == ["UDANA"]  # told once: not again on every change
    assert not again.to_report


def test_when_no_lead_could_be_told_they_are_told_on_the_next_change(
    services: Services, pbx: CountingPbx
) -> None:
    make_sales(services, pbx, "alice")
    services.set_mirror(ADMIN, "Sales", "S0SALES")  # the admin created Sales and leads it
    services.set_leads(ADMIN, "Sales", frozenset())
    slack = RefusingSlack(["UBOB", "UGHOST"], refused="UADMIN")

    assert services.follow_usergroup(TEAM, "Sales", source=slack).untold
    assert services.follow_usergroup(TEAM, "Sales", source=slack).untold  # asked again
