"""Call simulator: walk a group's Kazoo callflows and say who rings when, and where the call ends.

It reads the documents Kazoo runs (the userGroup callflow and the callflows it branches
to), not our group model, so groups adopted from SmartPBX are explained the same way as
the ones we compile. The rules follow docs/kazoo-smartpbx.md §c. Where the sources leave
a point open the code says "Choice:" and why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Doc = Mapping[str, Any]

NOT_AVAILABLE_MEDIA = "system_media/vm-not_available_no_voicemail"
DEFAULT_GROUP_TIMEOUT = 20  # cf_ring_group ?BRIDGE_DEFAULT_SYSTEM_TIMEOUT_S
DEFAULT_LEG_TIMEOUT = 20
MAX_RECORDING_S = 10800  # media.max_recording_time_limit default
MAX_BRANCHES = 50  # cf_exe max_branch_count
MAX_GROUP_NESTING = 10  # our own guard against group members that contain each other


class SimulationError(ValueError):
    """The documents cannot be walked (a missing callflow, a branch loop)."""


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class DirectoryDevice:
    id: str
    name: str = ""
    enabled: bool = True
    do_not_disturb: bool = False


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    id: str
    name: str
    devices: tuple[DirectoryDevice, ...] = ()
    do_not_disturb: bool = False  # Kazoo merges the user's DND into each of its devices


@dataclass(frozen=True)
class EndpointDirectory:
    """The account's endpoints as the ring group sees them during the call.

    ``devices`` holds devices that belong to none of ``users`` (device members of adopted
    groups); ``groups`` holds Kazoo group documents for ``endpoint_type: group`` members;
    ``labels`` names next-action targets (voicemail boxes, media) by id.
    """

    users: Mapping[str, DirectoryUser] = field(default_factory=dict)
    devices: Mapping[str, DirectoryDevice] = field(default_factory=dict)
    groups: Mapping[str, Doc] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    _owned: dict[str, tuple[DirectoryDevice, DirectoryUser]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        owned = {d.id: (d, u) for u in self.users.values() for d in u.devices}
        object.__setattr__(self, "_owned", owned)

    @classmethod
    def of(
        cls,
        users: Iterable[DirectoryUser],
        devices: Iterable[DirectoryDevice] = (),
        *,
        groups: Mapping[str, Doc] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> EndpointDirectory:
        return cls(
            users={u.id: u for u in users},
            devices={d.id: d for d in devices},
            groups=groups or {},
            labels=labels or {},
        )

    def device(self, device_id: str) -> tuple[DirectoryDevice, DirectoryUser | None] | None:
        if device_id in self._owned:
            return self._owned[device_id]
        if device_id in self.devices:
            return self.devices[device_id], None
        return None


@dataclass(frozen=True, slots=True)
class Answer:
    who: str  # a PBX user id, or a device id
    at: float  # seconds after the call arrives


@dataclass(frozen=True)
class Scenario:
    """What happens during the simulated call. Ids are PBX user ids or device ids."""

    caller_name: str = "Caller"
    caller_number: str = ""
    busy: frozenset[str] = frozenset()  # busy for the whole call
    busy_in_round: Mapping[int, frozenset[str]] = field(default_factory=dict)
    do_not_disturb: frozenset[str] = frozenset()
    answers: tuple[Answer, ...] = ()  # nobody answers by default
    caller_id: str | None = None  # the calling user/device: Kazoo does not ring its own phones
    now: int | None = None  # Gregorian seconds; members whose disable_until is later drop out

    def is_busy(self, round_no: int, ids: tuple[str, ...]) -> bool:
        in_round = self.busy_in_round.get(round_no, frozenset())
        return any(i in self.busy or i in in_round for i in ids)


# ---------------------------------------------------------------- outputs

LegStatus = Literal["rang", "busy", "answered", "cancelled"]


@dataclass(frozen=True, slots=True)
class Leg:
    """One device rung in one round. Times are seconds after the call arrives."""

    round: int
    member: int  # position of the ring_group endpoint this leg came from
    user_id: str | None
    who: str
    device_id: str
    device_name: str
    start: float
    end: float  # == start for a busy leg
    status: LegStatus


@dataclass(frozen=True, slots=True)
class Skipped:
    """A member that produced no leg, and why."""

    member: int
    who: str
    reason: str


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    start: float
    end: float
    legs: tuple[Leg, ...]

    @property
    def answered(self) -> Leg | None:
        return next((leg for leg in self.legs if leg.status == "answered"), None)


Strategy = Literal["simultaneous", "single", "weighted_random"]


@dataclass(frozen=True, slots=True)
class RingSettings:
    strategy: Strategy
    timeout: int
    repeats: int
    ringback: str | None


@dataclass(frozen=True, slots=True)
class Destination:
    module: str
    target_id: str | None
    description: str

    @property
    def is_not_available_prompt(self) -> bool:
        return self.module == "play" and self.target_id == NOT_AVAILABLE_MEDIA


@dataclass(frozen=True, slots=True)
class CallerIdPrefixed:
    at: float
    name: str  # what the ringing phones show
    number: str
    kind: Literal["caller_id_prefixed"] = "caller_id_prefixed"


@dataclass(frozen=True, slots=True)
class RecordingStarted:
    at: float
    format: str
    time_limit: int | None  # None: the system's limit
    kind: Literal["recording_started"] = "recording_started"


@dataclass(frozen=True, slots=True)
class RoundStarted:
    at: float
    round: int
    kind: Literal["round_started"] = "round_started"


@dataclass(frozen=True, slots=True)
class MemberSkipped:
    at: float
    round: int
    skipped: Skipped
    kind: Literal["member_skipped"] = "member_skipped"


@dataclass(frozen=True, slots=True)
class LegRinging:
    at: float
    leg: Leg
    kind: Literal["leg_ringing"] = "leg_ringing"


@dataclass(frozen=True, slots=True)
class LegBusy:
    at: float
    leg: Leg
    kind: Literal["leg_busy"] = "leg_busy"


@dataclass(frozen=True, slots=True)
class Answered:
    at: float
    leg: Leg
    kind: Literal["answered"] = "answered"


@dataclass(frozen=True, slots=True)
class RoundUnanswered:
    at: float
    round: int
    nobody_reachable: bool
    kind: Literal["round_unanswered"] = "round_unanswered"


@dataclass(frozen=True, slots=True)
class NextActionReached:
    at: float
    destination: Destination
    kind: Literal["next_action"] = "next_action"


@dataclass(frozen=True, slots=True)
class CallEnded:
    at: float
    kind: Literal["call_ended"] = "call_ended"


Event = (
    CallerIdPrefixed
    | RecordingStarted
    | RoundStarted
    | MemberSkipped
    | LegRinging
    | LegBusy
    | Answered
    | RoundUnanswered
    | NextActionReached
    | CallEnded
)

OutcomeKind = Literal["answered", "next_action", "not_available", "hung_up"]


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    at: float
    answered_by: Leg | None = None
    destination: Destination | None = None


@dataclass(frozen=True, slots=True)
class CallTrace:
    name: str
    caller_name: str  # as the members' phones show it
    caller_number: str
    ring: RingSettings | None  # None when the flow never reached a ring_group
    rounds: tuple[Round, ...]
    skipped: tuple[Skipped, ...]
    events: tuple[Event, ...]
    outcome: Outcome
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------- entry point


def simulate(
    user_callflow: Doc,
    callflows: Mapping[str, Doc],
    directory: EndpointDirectory,
    scenario: Scenario | None = None,
) -> CallTrace:
    """Run one call into ``user_callflow`` (the callflow holding the numbers).

    Args:
        callflows: callflow documents by id; ``callflow`` nodes branch through it, so
            it must hold at least the baseGroup callflow.
    """
    run = _Run(callflows, directory, scenario or Scenario())
    run.walk(user_callflow.get("flow"))
    return run.trace(str(user_callflow.get("name", "")))


# ---------------------------------------------------------------- the walk

_PASS_THROUGH = {"prepend_cid", "record_call", "callflow", "ring_group"}


class _Run:
    def __init__(self, callflows: Mapping[str, Doc], directory: EndpointDirectory, s: Scenario):
        self.callflows, self.directory, self.scenario = callflows, directory, s
        self.t = 0.0
        self.events: list[Event] = []
        self.rounds: list[Round] = []
        self.skipped: tuple[Skipped, ...] = ()
        self.notes: list[str] = []
        self.ring: RingSettings | None = None
        self.name_prefix = self.number_prefix = ""
        self.outcome = Outcome("hung_up", 0.0)

    def walk(self, flow: Doc | None) -> None:
        # cf_exe: `continue` takes the `_` child; a missing `_` is a `stop`, and `stop`
        # pops the branch stack. After the ring group gives up, whatever runs next is
        # the next action, and our simulation ends there.
        node, branches = flow, 0
        stack: list[Doc] = []
        while True:
            if node is None and stack:
                node = stack.pop()
            if node is None:
                self.events.append(CallEnded(self.t))
                self.outcome = Outcome("hung_up", self.t)
                return
            module, data = str(node.get("module", "")), node.get("data") or {}
            if data.get("skip_module") is True:  # cf_exe runs its `_` child instead
                node = _child(node)
            elif self.ring is not None or module not in _PASS_THROUGH:
                self._reach(module, data)
                return
            elif module == "callflow":
                branches += 1
                if branches > MAX_BRANCHES:
                    raise SimulationError(f"more than {MAX_BRANCHES} callflow branches")
                if (child := _child(node)) is not None:
                    stack.append(child)
                node = self._branch(data.get("id"))
            elif module == "ring_group":
                if self._ring_group(data):
                    return
                node = _child(node)
            elif module == "prepend_cid":
                self._prepend(data)
                node = _child(node)
            else:
                self._record(data)
                node = _child(node)

    def _branch(self, callflow_id: object) -> Doc | None:
        target = self.callflows.get(str(callflow_id))
        if target is None:
            raise SimulationError(f"callflow {callflow_id} is not among the loaded callflows")
        flow: Doc | None = target.get("flow")
        return flow

    def _prepend(self, data: Doc) -> None:
        # cf_prepend_cid: `current` (default) puts the new prefix before any earlier one,
        # `original` replaces it, action `reset` clears both.
        if data.get("action") == "reset":
            self.name_prefix = self.number_prefix = ""
            return
        name, number = (
            str(data.get("caller_id_name_prefix", "")),
            str(data.get("caller_id_number_prefix", "")),
        )
        if data.get("apply_to") == "original":
            self.name_prefix, self.number_prefix = name, number
        else:
            self.name_prefix, self.number_prefix = (
                name + self.name_prefix,
                number + self.number_prefix,
            )
        self.events.append(CallerIdPrefixed(self.t, *self._caller_id()))

    def _caller_id(self) -> tuple[str, str]:
        s = self.scenario
        return self.name_prefix + s.caller_name, self.number_prefix + s.caller_number

    def _record(self, data: Doc) -> None:
        if data.get("action") == "stop":
            self.notes.append("record_call stop before the ring group: nothing is recorded")
            return
        fmt = data.get("format")
        limit = data.get("time_limit")
        self.events.append(
            RecordingStarted(
                self.t,
                fmt if fmt in ("mp3", "wav") else "mp3",
                None if limit is None else min(_seconds(limit, MAX_RECORDING_S), MAX_RECORDING_S),
            )
        )

    def _reach(self, module: str, data: Doc) -> None:
        destination = _describe(module, data, self.callflows, self.directory)
        self.events.append(NextActionReached(self.t, destination))
        kind: OutcomeKind = (
            "not_available" if destination.is_not_available_prompt else "next_action"
        )
        self.outcome = Outcome(kind, self.t, destination=destination)

    def _ring_group(self, data: Doc) -> bool:
        """Run every round; True when someone answered (the call is then over)."""
        self.ring = settings = _settings(data)
        if settings.strategy == "weighted_random":
            self.notes.append("weighted_random shuffles members by weight; shown in member order")
        # Kazoo re-resolves endpoints each round; nothing in our inputs changes during a
        # call, so one resolution serves every round (busy is applied per round below).
        targets, self.skipped = _resolve(data.get("endpoints"), settings, self)
        for number in range(1, settings.repeats + 1):
            start = self.t
            self.events.append(RoundStarted(start, number))
            self.events.extend(MemberSkipped(start, number, s) for s in self.skipped)
            if not targets:  # no endpoints: `continue` at once, no further rounds
                self.rounds.append(Round(number, start, start, ()))
                self.events.append(RoundUnanswered(start, number, nobody_reachable=True))
                return False
            legs, length = _plan(targets, settings, number, start, self.scenario)
            if self._settle_round(number, start, legs, length):
                return True
        return False

    def _settle_round(self, number: int, start: float, legs: list[Leg], length: float) -> bool:
        answer = _first_answer(legs, self.scenario.answers, start, start + length)
        if answer is not None:
            legs = _cut_at_answer(legs, *answer)
        self.events.extend(
            LegBusy(leg.start, leg) if leg.status == "busy" else LegRinging(leg.start, leg)
            for leg in sorted(legs, key=lambda leg: leg.start)
        )
        end = start + length if answer is None else answer[0]
        self.rounds.append(Round(number, start, end, tuple(legs)))
        self.t = end
        if answer is None:
            self.events.append(RoundUnanswered(end, number, nobody_reachable=False))
            return False
        # An answered call is the end of the call. Kazoo may still run the stacked next
        # action if the member hangs up first (§c.4, unverified); we never show that.
        winner = legs[answer[1]]
        self.events.append(Answered(end, winner))
        self.outcome = Outcome("answered", end, answered_by=winner)
        return True

    def trace(self, name: str) -> CallTrace:
        caller_name, caller_number = self._caller_id()
        return CallTrace(
            name=name,
            caller_name=caller_name,
            caller_number=caller_number,
            ring=self.ring,
            rounds=tuple(self.rounds),
            skipped=self.skipped,
            events=tuple(self.events),
            outcome=self.outcome,
            notes=tuple(self.notes),
        )


def _child(node: Doc) -> Doc | None:
    child: Doc | None = (node.get("children") or {}).get("_")
    return child


def _seconds(value: object, default: int) -> int:
    # SmartPBX first writes delay/timeout (and time_limit) as strings; Kazoo's non-strict
    # validation turns them into integers, so we do the same.
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value.strip()))
        except ValueError:
            return default
    return default


def _settings(data: Doc) -> RingSettings:
    # no strategy, or one Kazoo does not know, rings everyone together (StrategyNone.php)
    strategy: Strategy = "simultaneous"
    if data.get("strategy") in ("single", "weighted_random"):
        strategy = data["strategy"]
    timeout = _seconds(data.get("timeout"), DEFAULT_GROUP_TIMEOUT)
    ringback = data.get("ringback")
    return RingSettings(
        strategy=strategy,
        # Choice (unverified): a zero or negative group timeout is treated as the default.
        timeout=timeout if timeout > 0 else DEFAULT_GROUP_TIMEOUT,
        repeats=max(1, _seconds(data.get("repeats"), 1)),
        ringback=str(ringback) if ringback else None,
    )


# ---------------------------------------------------------------- endpoints


@dataclass(frozen=True, slots=True)
class _Target:
    member: int
    user_id: str | None
    who: str
    device: DirectoryDevice
    delay: int
    timeout: int  # 0: no leg timeout, the group timeout alone stops it


def _resolve(
    endpoints: object, settings: RingSettings, run: _Run
) -> tuple[list[_Target], tuple[Skipped, ...]]:
    targets: list[_Target] = []
    skipped: list[Skipped] = []
    for index, member in enumerate(endpoints if isinstance(endpoints, list) else []):
        found, reason = _expand(index, member, settings, run, 0)
        if found:
            targets.extend(found)
        else:
            skipped.append(Skipped(index, _member_label(member, run.directory), reason))
    # cf_ring_group drops repeats of (device, delay, timeout), keeping the first.
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for target in targets:
        key = (target.device.id, target.delay, target.timeout)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    if settings.strategy == "simultaneous":
        unique.sort(key=lambda target: target.delay)  # stable, as Kazoo's sort
    return unique, tuple(skipped)


def _expand(
    index: int, member: object, settings: RingSettings, run: _Run, depth: int
) -> tuple[list[_Target], str]:
    """The legs one member produces, or none and the reason."""
    if not isinstance(member, Mapping) or not member.get("id"):
        return [], "is not a valid member entry"
    now, until = run.scenario.now, _seconds(member.get("disable_until"), 0)
    if now is not None and until > now:
        return [], "is logged out of the group"
    member_id, kind = str(member["id"]), member.get("endpoint_type", "device")
    delay = max(0, _seconds(member.get("delay"), 0))
    timeout = max(0, _seconds(member.get("timeout"), DEFAULT_LEG_TIMEOUT))
    if kind == "group":
        return _expand_group(index, member_id, delay, timeout, settings, run, depth)
    directory = run.directory
    pairs: list[tuple[DirectoryDevice, DirectoryUser | None]]
    if kind == "user":
        user = directory.users.get(member_id)
        if user is None:
            return [], "is not a known user"
        if not user.devices:
            return [], "has no device"
        pairs = [(device, user) for device in user.devices]
    elif kind == "device":
        found = directory.device(member_id)
        if found is None:
            return [], "is not a known device"
        pairs = [found]
    else:
        return [], f"has an unsupported endpoint_type {kind!r}"
    reasons: list[str] = []
    targets = []
    for device, owner in pairs:
        if (reason := _unreachable(device, owner, run.scenario)) is not None:
            reasons.append(reason)
            continue
        who = owner.name if owner else device.name or device.id
        owner_id = owner.id if owner else None
        targets.append(_Target(index, owner_id, who, device, delay, timeout))
    return targets, ", ".join(dict.fromkeys(reasons))


def _unreachable(
    device: DirectoryDevice, owner: DirectoryUser | None, scenario: Scenario
) -> str | None:
    # kz_endpoint:build produces no leg for these devices.
    ids = (device.id, owner.id) if owner else (device.id,)
    if not device.enabled:
        return "has the phone disabled"
    if device.do_not_disturb or (owner and owner.do_not_disturb):
        return "is on do-not-disturb"
    if any(i in scenario.do_not_disturb for i in ids):
        return "is on do-not-disturb"
    if scenario.caller_id is not None and scenario.caller_id in ids:
        return "is the caller"
    return None


def _expand_group(
    index: int,
    group_id: str,
    delay: int,
    timeout: int,
    settings: RingSettings,
    run: _Run,
    depth: int,
) -> tuple[list[_Target], str]:
    group = run.directory.groups.get(group_id)
    if group is None or depth >= MAX_GROUP_NESTING:
        return [], "is not a known group"
    entries = list((group.get("endpoints") or {}).items())
    if settings.strategy != "simultaneous":
        # for single, Kazoo keeps only the group's weighted endpoints, by weight
        weighted = [e for e in entries if isinstance(e[1], Mapping) and "weight" in e[1]]
        entries = sorted(weighted, key=lambda e: _seconds(e[1]["weight"], 20))
    targets: list[_Target] = []
    for endpoint_id, endpoint in entries:
        if not isinstance(endpoint, Mapping):
            continue
        # the group entry's own delay/timeout win; the member's fill the gaps
        sub = {
            "id": endpoint_id,
            "endpoint_type": endpoint.get("type", "device"),
            "delay": endpoint.get("delay", delay),
            "timeout": endpoint.get("timeout", timeout),
        }
        found, _ = _expand(index, sub, settings, run, depth + 1)
        targets.extend(found)
    return targets, "" if targets else "is a group with nobody reachable"


def _member_label(member: object, directory: EndpointDirectory) -> str:
    if not isinstance(member, Mapping):
        return str(member)
    member_id = str(member.get("id", "?"))
    if member_id in directory.users:
        return directory.users[member_id].name
    found = directory.device(member_id)
    if found is not None:
        device, owner = found
        return owner.name if owner else device.name or device.id
    group = directory.groups.get(member_id)
    return str(group.get("name", member_id)) if group else member_id


# ---------------------------------------------------------------- one round


def _plan(
    targets: list[_Target], settings: RingSettings, number: int, start: float, s: Scenario
) -> tuple[list[Leg], float]:
    """Every leg of one round if nobody answers, and the round's length."""
    cap = float(settings.timeout)
    legs: list[Leg] = []
    if settings.strategy == "simultaneous":
        # Leg i rings from its delay to delay + timeout, all capped by the group timeout
        # (make-busy TimeoutDelay.php). A busy phone fails when it would start ringing.
        last = 0.0
        for t in targets:
            begin = float(t.delay)
            if begin >= cap:
                continue  # its turn never comes
            busy = s.is_busy(number, _ids(t))
            end = begin if busy else min(begin + _ring_for(t), cap)
            legs.append(_leg(t, number, start + begin, start + end, busy))
            last = max(last, end)
        # Choice: FreeSWITCH's originate returns once every leg has ended, so the round
        # ends at the last leg's end, never later than the group timeout. A leg whose
        # delay lies past the group timeout keeps the attempt open until that timeout.
        pending = any(float(t.delay) >= cap for t in targets)
        return legs, cap if pending else last
    # single / weighted_random: legs one after another in member order, each for its own
    # timeout, the whole round capped by the group timeout (make-busy StrategySingle.php).
    # Choice (unverified): a leg's delay counts from the start of its own turn, as
    # FreeSWITCH measures leg_delay_start from the start of each `|` attempt; a busy leg
    # fails at once when its delay is over and the next leg's turn begins.
    cursor = 0.0
    for t in targets:
        begin = cursor + t.delay
        if begin >= cap:
            cursor = cap
            break
        busy = s.is_busy(number, _ids(t))
        cursor = begin if busy else min(begin + _ring_for(t), cap)
        legs.append(_leg(t, number, start + begin, start + cursor, busy))
    return legs, cursor


def _ring_for(target: _Target) -> float:
    # Kazoo sends Endpoint-Timeout only when > 0: a zero timeout means no per-leg limit.
    return float(target.timeout) if target.timeout > 0 else math.inf


def _ids(target: _Target) -> tuple[str, ...]:
    return (target.device.id,) if target.user_id is None else (target.device.id, target.user_id)


def _leg(t: _Target, number: int, begin: float, end: float, busy: bool) -> Leg:
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


def _first_answer(
    legs: list[Leg], answers: tuple[Answer, ...], start: float, end: float
) -> tuple[float, int] | None:
    """(time, leg index) of the earliest answer made while that member's leg rings."""
    for answer in sorted(answers, key=lambda a: a.at):
        if not start <= answer.at < end:
            continue
        for i, leg in enumerate(legs):
            ringing = leg.status == "rang" and leg.start <= answer.at < leg.end
            if ringing and answer.who in (leg.user_id, leg.device_id):
                return answer.at, i
    return None


def _cut_at_answer(legs: list[Leg], at: float, winner: int) -> list[Leg]:
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


# ---------------------------------------------------------------- destinations


def _describe(
    module: str, data: Doc, callflows: Mapping[str, Doc], directory: EndpointDirectory
) -> Destination:
    target = data.get("id")
    target_id = str(target) if target is not None else None
    label = directory.labels.get(target_id or "", target_id or "?")
    if module == "play":
        if target_id == NOT_AVAILABLE_MEDIA:
            return Destination(module, target_id, "the “not available” prompt, then hang up")
        return Destination(module, target_id, f"plays {label}, then hang up")
    if module == "voicemail":
        return Destination(module, target_id, f"voicemail box {label}")
    if module == "user":
        user = directory.users.get(target_id or "")
        return Destination(module, target_id, f"user {user.name if user else label}")
    if module == "device":
        found = directory.device(target_id or "")
        name = (found[0].name or found[0].id) if found else label
        return Destination(module, target_id, f"device {name}")
    if module == "callflow":
        return Destination(module, target_id, _describe_callflow(target_id, callflows, label))
    return Destination(module, target_id, f"{module} {label}" if target_id else module)


def _describe_callflow(callflow_id: str | None, callflows: Mapping[str, Doc], label: str) -> str:
    doc = callflows.get(callflow_id or "")
    if doc is None:
        return f"callflow {label}"
    name = str(doc.get("name") or label)
    kind, numbers = doc.get("type"), doc.get("numbers") or []
    if kind == "userGroup":
        return f"group {name}"
    if kind == "mainUserCallflow":
        return f"user {name}"
    if numbers and numbers[0] == "MainOpenHoursMenu":
        return "the main menu"
    return f"callflow {name}"
