"""The scenario's answers: which one ends a round, what it cuts short, and why the others
never happen (an answer by someone whose phone is not ringing then would be lost silently)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.engine.simulator.endpoints import Target, who_is
from bot.engine.simulator.inputs import Answer, EndpointDirectory
from bot.engine.simulator.trace import Leg, Outcome, Round, Skipped


def first_answer(
    legs: list[Leg], answers: tuple[Answer, ...], start: float, end: float
) -> tuple[float, int] | None:
    """(time, leg index) of the earliest answer made while that member's leg rings."""
    for answer in sorted(answers, key=lambda a: a.at):
        if not start <= answer.at < end:
            continue
        for i, leg in enumerate(legs):
            if answer.who in (leg.user_id, leg.device_id) and rings_at(leg, answer.at):
                return answer.at, i
    return None


def rings_at(leg: Leg, at: float) -> bool:
    return leg.status == "rang" and leg.start <= at < leg.end


def cut_at_answer(legs: list[Leg], at: float, winner: int) -> list[Leg]:
    """The round's legs once ``legs[winner]`` answers at ``at``."""
    # The first answer cancels every other leg; legs not started yet never ring.
    cut: list[Leg] = []
    for i, leg in enumerate(legs):
        if i == winner:
            cut.append(replace(leg, end=at, status="answered"))
        elif leg.status == "busy" and leg.start <= at:
            cut.append(leg)
        elif leg.status == "rang" and leg.start < at:
            cut.append(replace(leg, end=at, status="cancelled") if leg.end > at else leg)
    return cut


def missed_answers(
    answers: tuple[Answer, ...],
    rounds: tuple[Round, ...],
    targets: list[Target],
    skipped: tuple[Skipped, ...],
    endpoints: list[object],
    outcome: Outcome,
    directory: EndpointDirectory,
) -> list[str]:
    """Why each answer of the scenario that did not end the call never happens.

    ``endpoints`` are the ring_group's entries, which ``skipped`` points into.
    """
    notes: list[str] = []
    winner = outcome.answered_by
    for answer in sorted(answers, key=lambda a: a.at):
        if winner is not None and answer.at == outcome.at and _names_leg(answer.who, winner):
            continue
        name, at = who_is(answer.who, directory), _s(answer.at)
        rnd = next((r for r in rounds if r.start <= answer.at < r.end), None)
        if not any(answer.who in target.ids for target in targets):
            reason = next(
                (s.reason for s in skipped if _names(answer.who, endpoints[s.member], directory)),
                None,
            )
            why = f"{reason} and never rings" if reason else "isn't rung by this group"
            notes.append(f"{name} {why}, so the answer at {at} s never happens")
        elif answer.at >= outcome.at:
            first = (
                f"{winner.who} answers first, at {_s(outcome.at)} s"
                if winner is not None
                else f"the group stops ringing at {_s(outcome.at)} s"
            )
            notes.append(f"{first}, so {name}'s answer at {at} s never happens")
        elif rnd is None:  # a time before the call arrives
            notes.append(f"{name}'s answer at {at} s comes before anything rings")
        else:
            notes.append(_not_ringing(answer, rnd, len(rounds) > 1, name))
    return notes


def _not_ringing(answer: Answer, rnd: Round, several: bool, name: str) -> str:
    legs = [leg for leg in rnd.legs if _names_leg(answer.who, leg)]
    at = _s(answer.at)
    where = f" in round {rnd.number}" if several else ""
    if any(leg.status == "busy" for leg in legs):
        return f"{name} is busy{where}, so the answer at {at} s never happens"
    if legs:
        spans = ", ".join(dict.fromkeys(f"{_s(leg.start)}–{_s(leg.end)} s" for leg in legs))
        why = f"rings {spans}{where}"
    else:
        why = f"round {rnd.number} ends" if several else "the group stops ringing"
        why += f" before {name}'s turn"
    return f"{name} isn't ringing at {at} s ({why}), so that answer never happens"


def _names_leg(who: str, leg: Leg) -> bool:
    return who in (leg.user_id, leg.device_id)


def _names(who: str, member: object, directory: EndpointDirectory) -> bool:
    """Whether an answer by ``who`` (a user or device id) is one by this ring_group member."""
    if not isinstance(member, Mapping):
        return False
    member_id = str(member.get("id", ""))
    if who == member_id:
        return True
    for device_id, user_id in ((who, member_id), (member_id, who)):
        found = directory.device(device_id)
        if found is not None and found[1] is not None and found[1].id == user_id:
            return True
    return False


def _s(seconds: float) -> str:
    return f"{seconds:.1f}".removesuffix(".0")
