"""One round of a ring group: when each phone rings if nobody answers (§c.2, timing model)."""

from __future__ import annotations

import math

from bot.engine.simulator.endpoints import Target
from bot.engine.simulator.inputs import Doc, Scenario, seconds
from bot.engine.simulator.trace import Leg, RingSettings, Strategy

DEFAULT_GROUP_TIMEOUT = 20  # cf_ring_group ?BRIDGE_DEFAULT_SYSTEM_TIMEOUT_S


def ring_settings(data: Doc) -> RingSettings:
    """The ring_group node's strategy, timeout, repeats and ringback, as Kazoo reads them."""
    # no strategy, or one Kazoo does not know, rings everyone together (StrategyNone.php)
    strategy: Strategy = "simultaneous"
    if data.get("strategy") in ("single", "weighted_random"):
        strategy = data["strategy"]
    timeout = seconds(data.get("timeout"), DEFAULT_GROUP_TIMEOUT)
    ringback = data.get("ringback")
    return RingSettings(
        strategy=strategy,
        # Choice (unverified): a zero or negative group timeout is treated as the default.
        timeout=timeout if timeout > 0 else DEFAULT_GROUP_TIMEOUT,
        repeats=max(1, seconds(data.get("repeats"), 1)),
        ringback=str(ringback) if ringback else None,
    )


def plan(
    targets: list[Target], settings: RingSettings, number: int, start: float, s: Scenario
) -> tuple[list[Leg], float]:
    """Every leg of round ``number`` (starting at ``start``) if nobody answers, and its length."""
    if settings.strategy == "simultaneous":
        return _simultaneous(targets, float(settings.timeout), number, start, s)
    return _one_after_another(targets, float(settings.timeout), number, start, s)


def _simultaneous(
    targets: list[Target], cap: float, number: int, start: float, s: Scenario
) -> tuple[list[Leg], float]:
    # Leg i rings from its delay to delay + timeout, all capped by the group timeout
    # (make-busy TimeoutDelay.php). A busy phone fails when it would start ringing.
    legs: list[Leg] = []
    last = 0.0
    for t in targets:
        begin = float(t.delay)
        if begin >= cap:
            continue  # its turn never comes
        busy = s.is_busy(number, t.ids)
        end = begin if busy else min(begin + _ring_for(t), cap)
        legs.append(_leg(t, number, start + begin, start + end, busy))
        last = max(last, end)
    # Choice: FreeSWITCH's originate returns once every leg has ended, so the round
    # ends at the last leg's end, never later than the group timeout. A leg whose
    # delay lies past the group timeout keeps the attempt open until that timeout.
    pending = any(float(t.delay) >= cap for t in targets)
    return legs, cap if pending else last


def _one_after_another(
    targets: list[Target], cap: float, number: int, start: float, s: Scenario
) -> tuple[list[Leg], float]:
    # single / weighted_random: legs one after another in member order, each for its own
    # timeout, the whole round capped by the group timeout (make-busy StrategySingle.php).
    # Choice (unverified): a leg's delay counts from the start of its own turn, as
    # FreeSWITCH measures leg_delay_start from the start of each `|` attempt; a busy leg
    # fails at once when its delay is over and the next leg's turn begins.
    legs: list[Leg] = []
    cursor = 0.0
    for t in targets:
        begin = cursor + t.delay
        if begin >= cap:
            cursor = cap
            break
        busy = s.is_busy(number, t.ids)
        cursor = begin if busy else min(begin + _ring_for(t), cap)
        legs.append(_leg(t, number, start + begin, start + cursor, busy))
    return legs, cursor


def _ring_for(target: Target) -> float:
    # Kazoo sends Endpoint-Timeout only when > 0: a zero timeout means no per-leg limit.
    return float(target.timeout) if target.timeout > 0 else math.inf


def _leg(t: Target, number: int, begin: float, end: float, busy: bool) -> Leg:
    return Leg(
        round=number,
        member=t.member,
        user_id=t.user_id,
        who=t.who,
        device_id=t.device.id,
        device_name=t.device.name,
        start=begin,
        end=end,
        status="busy" if busy else "rang",
    )
