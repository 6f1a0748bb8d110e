"""A call that a next action sends on into other ring groups (``simulate_chain``)."""

from __future__ import annotations

from typing import Any

from bot.engine.simulator import (
    Answer,
    CallflowTarget,
    EndpointDirectory,
    GroupCall,
    Loop,
    Scenario,
    simulate_chain,
)
from tests.engine.calls import NOT_AVAILABLE, base, member, person

PEOPLE = [person("alice"), person("bob")]


def group(name: str, who: str, next_action: dict[str, Any] | None = NOT_AVAILABLE) -> GroupCall:
    base_id, user_id = f"{name}-base", f"{name}-user"
    children = {"_": next_action} if next_action else {}
    user_flow = {"module": "callflow", "data": {"id": base_id}, "children": children}
    user_doc = {"type": "userGroup", "name": f"{name} Ring Group", "flow": user_flow}
    return GroupCall(name, user_id, user_doc, {base_id: base([member(who)]), user_id: user_doc})


def to(name: str) -> dict[str, Any]:
    return {"module": "callflow", "data": {"id": f"{name}-user"}, "children": {}}


def directory() -> EndpointDirectory:
    targets = {f"{n}-user": CallflowTarget("group", n) for n in ("Support", "Billing")}
    return EndpointDirectory.of(PEOPLE, callflow_targets=targets)


def test_the_call_goes_on_into_the_next_group_after_the_first_gives_up() -> None:
    billing = group("Billing", "bob")
    call = simulate_chain(
        group("Support", "alice", to("Billing")), {"Billing-user": billing}.get, directory()
    )

    assert [p.name for p in call.parts] == ["Support", "Billing"]
    assert call.parts[0].outcome.destination is not None
    assert call.parts[0].outcome.destination.description == "group Billing"
    (billing_round,) = call.parts[1].rounds
    assert (billing_round.start, billing_round.end) == (20.0, 40.0)
    assert call.outcome.kind == "not_available"
    assert call.loop is None


def test_a_loop_stops_at_the_group_the_call_went_through() -> None:
    groups = {
        "Support-user": group("Support", "alice", to("Billing")),
        "Billing-user": group("Billing", "bob", to("Support")),
    }

    call = simulate_chain(groups["Support-user"], groups.get, directory())

    assert [p.name for p in call.parts] == ["Support", "Billing"]
    assert call.loop == Loop(40.0, "Billing", "Support")


def test_a_group_adopted_with_itself_as_next_action_is_a_loop_at_once() -> None:
    # SmartPBX lets a group's next action be the group itself; groupbot refuses it
    support = group("Support", "alice", to("Support"))

    call = simulate_chain(support, {"Support-user": support}.get, directory())

    assert len(call.parts) == 1
    assert call.loop == Loop(20.0, "Support", "Support")


def test_an_answer_belongs_to_the_group_ringing_at_that_time() -> None:
    billing = group("Billing", "bob")
    scenario = Scenario(answers=(Answer("u-bob", 30.0),))

    call = simulate_chain(
        group("Support", "alice", to("Billing")),
        {"Billing-user": billing}.get,
        directory(),
        scenario,
    )

    assert call.outcome.kind == "answered"
    assert call.outcome.at == 30.0
    assert call.parts[0].notes == ()  # bob's answer is no miss of Support's


def test_a_group_the_caller_does_not_give_ends_the_call_at_its_name() -> None:
    call = simulate_chain(group("Support", "alice", to("Billing")), lambda _: None, directory())

    assert len(call.parts) == 1
    assert call.outcome.destination is not None
    assert call.outcome.destination.description == "group Billing"
