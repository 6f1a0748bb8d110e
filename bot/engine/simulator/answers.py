"""The scenario's answers: which one ends a round, and what it cuts short."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.simulator.inputs import Answer
from bot.engine.simulator.trace import Leg


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
