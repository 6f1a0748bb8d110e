"""A call through several ring groups: when a group's next action is another group, the
call goes on into that group's own rounds, until someone answers, the call ends
elsewhere, or it would come back to a group it already went through (a loop).

Kazoo would run a loop until its branch limit; we stop at the first repeat and say so,
which is what a team lead needs to see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.engine.simulator.inputs import Doc, EndpointDirectory, Scenario
from bot.engine.simulator.trace import CallTrace, Outcome
from bot.engine.simulator.walk import simulate


@dataclass(frozen=True, slots=True)
class GroupCall:
    """A ring group as a call enters it: its userGroup callflow and the callflows it
    branches to (its baseGroup callflow at least)."""

    name: str
    user_callflow_id: str
    user_callflow: Doc
    callflows: Mapping[str, Doc]


@dataclass(frozen=True, slots=True)
class Loop:
    """The last group's next action goes back to ``to``, a group the call went through."""

    at: float
    source: str
    to: str


@dataclass(frozen=True, slots=True)
class ChainedCall:
    """Each group the call went through, in order; ``loop`` when it stopped on a repeat."""

    parts: tuple[CallTrace, ...]
    loop: Loop | None = None

    @property
    def outcome(self) -> Outcome:
        return self.parts[-1].outcome


def simulate_chain(
    first: GroupCall,
    next_group: Callable[[str], GroupCall | None],
    directory: EndpointDirectory,
    scenario: Scenario | None = None,
) -> ChainedCall:
    """The call into ``first``, followed into every group a next action sends it to.

    ``next_group`` gives the group whose userGroup callflow has the id it is given, or
    None when that callflow is no ring group (the call then ends there, as one group's
    simulation says)."""
    s = scenario or Scenario()
    parts: list[CallTrace] = []
    seen: dict[str, str] = {}
    group: GroupCall | None = first
    t = 0.0
    while group is not None:
        seen[group.user_callflow_id] = group.name
        trace = _part(group, directory, s, t, first=not parts)
        parts.append(trace)
        target = _next_callflow(trace)
        if target is None:
            return ChainedCall(tuple(parts))
        if target in seen:
            loop = Loop(trace.outcome.at, group.name, seen[target])
            return ChainedCall(tuple(parts), loop)
        group, t = next_group(target), trace.outcome.at
    return ChainedCall(tuple(parts))


def _part(
    group: GroupCall, directory: EndpointDirectory, s: Scenario, start: float, *, first: bool
) -> CallTrace:
    """One group's share of the call. Answers before it began belong to earlier groups,
    and answers after it hands the call on belong to later ones."""
    mine = s.answers if first else tuple(a for a in s.answers if a.at >= start)
    trace = _walk(group, directory, replace(s, answers=mine), start)
    if _next_callflow(trace) is not None:
        ends = trace.outcome.at
        trace = _walk(
            group, directory, replace(s, answers=tuple(a for a in mine if a.at < ends)), start
        )
    return replace(trace, name=group.name)


def _walk(group: GroupCall, directory: EndpointDirectory, s: Scenario, start: float) -> CallTrace:
    return simulate(group.user_callflow, group.callflows, directory, s, start=start)


def _next_callflow(trace: CallTrace) -> str | None:
    """The callflow the call goes on to, when it is a ring group's."""
    destination = trace.outcome.destination
    if trace.outcome.kind != "next_action" or destination is None:
        return None
    if destination.module != "callflow" or destination.group is None:
        return None
    return destination.target_id
